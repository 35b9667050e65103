import * as fs from 'fs';
import * as path from 'path';
import { checkManifests, formatFinding, GateResult, readManifests } from '../policy';

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
    ({ files, objects } = loadManifests(paths));
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

/** The objects of every manifest file below `paths`, read by the gate's reader (which remembers where each came from: `sourceOf`). */
export function loadManifests(paths: string[]): { files: string[]; objects: Json[] } {
  const files = paths.flatMap(listManifests);
  return { files, objects: files.flatMap(file => readManifests(fs.readFileSync(file, 'utf8'), file)) };
}

/** The file, or the YAML and JSON files below the folder, sorted. */
export function listManifests(p: string): string[] {
  if (!fs.existsSync(p)) throw new Error(`${p}: no such file or folder`);
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs.readdirSync(p, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile() && MANIFEST.test(e.name))
    .map(e => path.join(e.parentPath, e.name))
    .sort();
}
