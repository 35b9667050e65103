import { createHash } from 'crypto';
import * as path from 'path';
import { describeObject, Finding, GateResult, Json, RULES, sourceOf } from '../policy';

/**
 * The gate's findings as SARIF 2.1.0, the format GitHub code scanning reads
 * (github/codeql-action/upload-sarif): one run, every catalogue rule, one result per finding at the
 * file and line of the document that holds its object. Pure: the caller reads the files.
 */

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifOptions {
  /** The tool's version. */
  readonly version: string;
  /** Where file paths are made relative to (the Git root, so that GitHub finds them in the repo). */
  readonly root: string;
  /** @default the npm page of cdk8s-guardrails */
  readonly informationUri?: string;
}

type Level = 'error' | 'warning' | 'note';

/** A SARIF log; only the properties this module writes are typed. */
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: [{
    readonly tool: { readonly driver: { name: string; informationUri: string; version: string; rules: SarifRule[] } };
    readonly results: SarifResult[];
  }];
}

export interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { text: string };
  readonly help: { text: string };
  readonly defaultConfiguration: { level: Level };
  readonly properties: { tags: string[]; 'security-severity': string };
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: Level;
  readonly message: { text: string };
  readonly locations: {
    physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } };
    logicalLocations: { name: string; fullyQualifiedName: string; kind: string }[];
  }[];
  readonly partialFingerprints: Record<string, string>;
  readonly suppressions?: { kind: 'inSource'; justification: string }[];
}

/** A path as a SARIF artifact URI: relative to `root` with forward slashes, or a file: URI outside it. */
export function artifactUri(file: string, root: string): string {
  const relative = path.relative(root, path.resolve(file));
  if (relative.startsWith('..') || path.isAbsolute(relative)) return `file://${encodeURI(path.resolve(file).split(path.sep).join('/'))}`;
  return encodeURI(relative.split(path.sep).join('/'));
}

export function toSarif(gate: GateResult, objects: Json[], files: string[], options: SarifOptions): SarifLog {
  // A finding names its object as `Kind namespace/name`: where the first object of that name was read.
  const where = new Map<string, { file: string; line: number }>();
  for (const o of objects) {
    const name = describeObject(o);
    const source = sourceOf(o);
    if (source && !where.has(name)) where.set(name, source);
  }
  const rules: SarifRule[] = RULES.map(r => ({
    id: r.id,
    name: r.id,
    shortDescription: { text: r.title },
    help: { text: r.fix },
    defaultConfiguration: { level: r.severity },
    properties: { tags: ['security', 'kubernetes', r.family], 'security-severity': r.severity === 'error' ? '8.0' : '5.0' },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = gate.findings.map((f: Finding): SarifResult => {
    // A set the gate could not judge has no object: point at the first file.
    const source = where.get(f.object) ?? (files.length ? { file: files[0], line: 1 } : undefined);
    return {
      ruleId: f.rule,
      ruleIndex: index.get(f.rule) ?? -1,
      level: f.waiver ? 'note' : f.severity,
      message: { text: `${f.object} ${f.field}: ${f.message}. Fix: ${f.fix}` },
      locations: [{
        ...(source ? { physicalLocation: { artifactLocation: { uri: artifactUri(source.file, options.root) }, region: { startLine: source.line } } } : {}),
        logicalLocations: [
          { name: f.object, fullyQualifiedName: f.object, kind: 'object' },
          ...(f.field ? [{ name: f.field, fullyQualifiedName: `${f.object}.${f.field}`, kind: 'property' }] : []),
        ],
      }],
      partialFingerprints: { 'guardrailsFinding/v1': createHash('sha256').update(`${f.rule}\u0000${f.object}\u0000${f.field}`).digest('hex').slice(0, 32) },
      ...(f.waiver ? { suppressions: [{ kind: 'inSource' as const, justification: f.waiver }] } : {}),
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'cdk8s-guardrails', informationUri: options.informationUri ?? 'https://www.npmjs.com/package/cdk8s-guardrails', version: options.version, rules } },
      results,
    }],
  };
}
