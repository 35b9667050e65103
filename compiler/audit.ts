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

/**
 * The file, or the YAML and JSON files below the folder, sorted. Symbolic links are followed
 * while they stay inside the folder (by real path), and each real file is read once; a link
 * that leads outside it, dangles, or loops, and a manifest-named entry that is no regular file
 * (a FIFO would hang the read), are refused: a file the audit skips would be a pass nobody saw.
 */
export function listManifests(p: string): string[] {
  if (!fs.existsSync(p)) throw new Error(`${p}: no such file or folder`);
  if (!fs.statSync(p).isDirectory()) {
    if (!fs.statSync(p).isFile()) throw new Error(`${p}: not a regular file`);
    return [p];
  }
  const root = fs.realpathSync(p);
  const inside = (real: string) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
  const found: { shown: string; real: string }[] = [];
  const walk = (dir: string, realDir: string, ancestors: Set<string>): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const shown = path.join(dir, e.name);
      let real = path.join(realDir, e.name);
      let stat: fs.Stats = fs.lstatSync(shown);
      if (stat.isSymbolicLink()) {
        const target = fs.readlinkSync(shown);
        try {
          real = fs.realpathSync(shown);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          throw new Error(`${shown}: a symbolic link to ${target} that ${code === 'ELOOP' ? 'loops' : 'leads to nothing'}; `
            + 'audit the files themselves, or remove the link');
        }
        if (!inside(real)) {
          throw new Error(`${shown}: a symbolic link to ${real}, outside ${p}, which the audit would otherwise judge as part of it; `
            + 'audit that path by name, or copy the file in');
        }
        stat = fs.statSync(real);
      }
      if (stat.isDirectory()) {
        if (ancestors.has(real)) throw new Error(`${shown}: a symbolic link to ${real}, a folder that holds it: the walk would loop; remove the link`);
        walk(shown, real, new Set([...ancestors, real]));
      } else if (MANIFEST.test(e.name)) {
        if (!stat.isFile()) throw new Error(`${shown}: not a regular file`);
        found.push({ shown, real });
      }
    }
  };
  walk(p, root, new Set([root]));
  const seen = new Set<string>();
  return found.sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0))
    .filter(f => (seen.has(f.real) ? false : (seen.add(f.real), true)))
    .map(f => f.shown);
}
