import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { listManifests } from '../compiler/audit';
import { renderSecurityDiff, securityDiff } from '../compiler/security-diff';
import { Json, readManifests } from '../policy';
import { CliError, CliIo, cwdOf, Exit, posix } from './io';

export interface DiffArgs {
  /** The manifests folder, in the work tree and at each revision. @default dist */
  readonly dist?: string;
  readonly json?: boolean;
}

export function registerDiff(program: Command, io: CliIo, exit: Exit): void {
  program.command('diff')
    .description('The security diff of two versions of the manifests, as Markdown for a pull request')
    .argument('<base>', 'a folder of manifests, or a Git revision whose dist/ is read (e.g. origin/main)')
    .argument('[head]', 'a folder or a Git revision (default: dist/ in the working tree)')
    .option('--dist <folder>', 'the manifests folder, in the working tree and at each revision', 'dist')
    .option('--json', 'print the structured diff as JSON')
    .addHelpText('after', `
An argument that names an existing folder is read as one; any other as a Git revision.
Lists exceptions and waivers, workload hardening, Pod Security levels, service account permissions,
network policies, images, ArgoCD project scope and gate findings that changed; "No security-relevant
change." when none did.

In CI: npx cdk8s-guardrails diff origin/$GITHUB_BASE_REF HEAD >> "$GITHUB_STEP_SUMMARY"`)
    .action((base: string, head: string | undefined, options: DiffArgs) => { exit.code = runDiff(base, head, options, io); });
}

export function runDiff(base: string, head: string | undefined, args: DiffArgs, io: CliIo): number {
  const cwd = cwdOf(io);
  const dist = args.dist ?? 'dist';
  const before = readSide(base, dist, cwd);
  const after = head === undefined ? readFolder(path.resolve(cwd, dist), 'working tree') : readSide(head, dist, cwd);
  const diff = securityDiff(before.objects, after.objects);
  io.out(args.json ? JSON.stringify(diff, null, 2) : renderSecurityDiff(diff, { base: before.label, head: after.label }));
  return 0;
}

interface Side {
  readonly label: string;
  readonly objects: Json[];
}

const MANIFEST = /\.(ya?ml|json)$/;

/** A folder when `spec` names one (from the cwd), else the manifests folder at Git revision `spec`. */
export function readSide(spec: string, dist: string, cwd: string): Side {
  const dir = path.resolve(cwd, spec);
  if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) return readFolder(dir, spec);
  return readRevision(spec, path.resolve(cwd, dist), cwd);
}

function readFolder(dir: string, label: string): Side {
  if (!fs.existsSync(dir)) throw new CliError(`${dir}: no such folder; run the synth first, or name a head revision`, 2);
  return { label, objects: read(() => listManifests(dir).flatMap(file => readManifests(fs.readFileSync(file, 'utf8'), file))) };
}

function read<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new CliError((e as Error).message, 2);
  }
}

function git(args: string[], cwd: string, input?: string): Buffer {
  const result = spawnSync('git', args, { cwd, input, maxBuffer: 1 << 30 });
  if (result.error) throw new CliError(`cannot run git: ${result.error.message}`, 2);
  if (result.status !== 0) throw new CliError(`git ${args.join(' ')}: ${result.stderr.toString().trim() || `exit code ${result.status}`}`, 2);
  return result.stdout;
}

/**
 * The objects of every manifest under `distDir` as it was at `rev`: the paths from `git ls-tree`,
 * their contents from one `git cat-file --batch`. A revision without that folder has no objects.
 */
export function readRevision(rev: string, distDir: string, cwd: string): Side {
  if (rev.startsWith('-')) throw new CliError(`${rev}: neither a folder nor a Git revision`, 2);
  const probe = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd });
  if (probe.status !== 0) throw new CliError(`${rev}: no such folder, and ${cwd} is not in a Git repo to read a revision from`, 2);
  const root = probe.stdout.toString().trim();
  const verify = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd });
  if (verify.status !== 0) throw new CliError(`${rev}: neither a folder nor a Git revision`, 2);
  const commit = verify.stdout.toString().trim();
  const prefix = posix(path.relative(fs.realpathSync(root), realpathOrSelf(distDir)));
  if (prefix.startsWith('..')) throw new CliError(`--dist ${distDir} is outside the Git repo at ${root}`, 2);
  const files = git(['ls-tree', '-r', '-z', '--name-only', '--full-tree', commit, '--', prefix || '.'], root)
    .toString('utf8').split('\0').filter(f => MANIFEST.test(f)).sort();
  if (files.length === 0) return { label: rev, objects: [] };
  const batch = git(['cat-file', '--batch'], root, files.map(f => `${commit}:${f}\n`).join(''));
  const objects: Json[] = [];
  let at = 0;
  for (const file of files) {
    const eol = batch.indexOf(0x0a, at);
    const header = batch.subarray(at, eol).toString('utf8');
    const size = Number(header.split(' ')[2]);
    if (!/ blob \d+$/.test(header)) throw new CliError(`git cat-file ${rev}:${file}: ${header}`, 2);
    const text = batch.subarray(eol + 1, eol + 1 + size).toString('utf8');
    at = eol + 1 + size + 1;
    objects.push(...read(() => readManifests(text, `${rev}:${file}`)));
  }
  return { label: rev, objects };
}

/** The real path of `p`, or of its nearest existing parent joined with the rest (the folder need not exist in the work tree). */
function realpathOrSelf(p: string): string {
  if (fs.existsSync(p)) return fs.realpathSync(p);
  const parent = path.dirname(p);
  return parent === p ? p : path.join(realpathOrSelf(parent), path.basename(p));
}
