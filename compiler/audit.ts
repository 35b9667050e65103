import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { checkManifests, formatFinding, GateResult } from '../constructs';

type Json = Record<string, any>;

export interface AuditIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const USAGE = 'usage: npm run audit -- [--json] <file or folder of YAML/JSON manifests>...';
const MANIFEST = /\.(ya?ml|json)$/;

/**
 * The gate over manifests we did not build (vendor YAML, `helm template` output): every file
 * below the given paths, judged as one set. Exit code 0 when no error is unwaived, 1 when one
 * is, 2 when the input cannot be read.
 */
export function audit(args: string[], io: AuditIo): number {
  const json = args.includes('--json');
  const paths = args.filter(a => a !== '--json');
  if (paths.length === 0 || paths.some(p => p.startsWith('-'))) {
    io.err(USAGE);
    return 2;
  }
  let files: string[];
  let objects: Json[];
  try {
    files = paths.flatMap(listManifests);
    objects = files.flatMap(readManifests);
  } catch (e) {
    io.err(`audit: ${(e as Error).message}`);
    return 2;
  }
  const gate = checkManifests(objects);
  if (json) {
    io.out(JSON.stringify({ files, objects: objects.length, ...gate }, null, 2));
  } else {
    for (const f of gate.findings) io.out(formatFinding(f));
    io.out(summary(files.length, objects.length, gate));
  }
  return gate.failures.length ? 1 : 0;
}

function summary(files: number, objects: number, gate: GateResult): string {
  return `${files} files, ${objects} objects: ${gate.failures.length} errors, ${gate.warnings.length} warnings, ${gate.waived.length} waived`;
}

function listManifests(p: string): string[] {
  if (!fs.existsSync(p)) throw new Error(`${p}: no such file or folder`);
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs.readdirSync(p, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile() && MANIFEST.test(e.name))
    .map(e => path.join(e.parentPath, e.name))
    .sort();
}

/** The Kubernetes objects of one file; `List` objects (as `kubectl get -o yaml` writes them) are unpacked. */
function readManifests(file: string): Json[] {
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const objects: Json[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
      throw new Error(`${file}: a document is not a Kubernetes object (no apiVersion and kind)`);
    }
    objects.push(...(value.kind.endsWith('List') && Array.isArray(value.items) ? value.items : [value]));
  }
  return objects;
}
