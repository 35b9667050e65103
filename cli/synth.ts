import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import type { AppSpec, PlatformSpec } from '../compiler/app-spec';
import { synth } from '../compiler/synth';
import { CliError, CliIo, cwdOf, Exit, gitRoot, posix } from './io';

const DEFAULT_MODULES = ['apps/index.ts', 'apps/index.js'];

export interface SynthArgs {
  /** The module exporting `apps` (and optionally `platform`), from the cwd. @default apps/index.ts or apps/index.js */
  readonly apps?: string;
  /** @default $CDK8S_OUTDIR, or dist */
  readonly outdir?: string;
  /** @default reports/ beside outdir */
  readonly reportdir?: string;
  /** The outdir as the Git repo ArgoCD syncs names it. @default - outdir relative to the Git root */
  readonly sourcePath?: string;
}

export function registerSynth(program: Command, io: CliIo, exit: Exit): void {
  program.command('synth')
    .description('Compile the app specs into dist/ and the security report into reports/, as one transaction; fails when the gate refuses')
    .option('--apps <module>', `module exporting \`apps\` (AppSpec[]) and optionally \`platform\` (default: ${DEFAULT_MODULES.join(' or ')})`)
    .option('--outdir <folder>', 'where the manifests go (default: $CDK8S_OUTDIR, or dist)')
    .option('--reportdir <folder>', 'where the security report goes (default: reports/ beside the outdir)')
    .option('--source-path <path>', 'the outdir as a path in the Git repo ArgoCD syncs from (default: the outdir relative to the Git root)')
    .addHelpText('after', `
A TypeScript apps module is loaded with tsx (install it: npm install --save-dev tsx); a .js module needs no loader.
Applications sync <source-path>/apps/<app>/<env>.`)
    .action((options: SynthArgs) => { exit.code = runSynth(options, io); });
}

/** Loads the apps module and runs the synth transaction; returns the exit code. */
export function runSynth(args: SynthArgs, io: CliIo): number {
  const cwd = cwdOf(io);
  const file = findModule(cwd, args.apps);
  const { apps, platform } = loadApps(file, cwd);
  const outdir = path.resolve(cwd, args.outdir ?? (io.env ?? process.env).CDK8S_OUTDIR ?? 'dist');
  const reportdir = args.reportdir === undefined ? undefined : path.resolve(cwd, args.reportdir);
  return synth({
    specs: apps,
    platform,
    outdir,
    reportdir,
    log: io.err,
    // The checkout the charts' values files are looked for in: the Git root, as sourcePathOf takes it.
    compile: { sourcePath: args.sourcePath ?? sourcePathOf(outdir, cwd), source: posix(path.relative(cwd, file)), repoRoot: gitRoot(cwd) ?? cwd },
  });
}

function findModule(cwd: string, given: string | undefined): string {
  if (given !== undefined) {
    const file = path.resolve(cwd, given);
    if (!fs.existsSync(file)) throw new CliError(`--apps ${given}: no such file`);
    return file;
  }
  const found = DEFAULT_MODULES.map(m => path.join(cwd, m)).find(f => fs.existsSync(f));
  if (!found) throw new CliError(`no ${DEFAULT_MODULES.join(' or ')} here (${cwd}); run in the project folder, or name the module with --apps`);
  return found;
}

/** The outdir relative to the Git root (forward slashes), which the Applications sync; the cwd stands in for the root outside Git. */
export function sourcePathOf(outdir: string, cwd: string): string {
  const root = gitRoot(cwd) ?? cwd;
  const relative = posix(path.relative(root, outdir));
  if (relative.startsWith('../') || relative === '..' || path.isAbsolute(relative)) {
    throw new CliError(`the outdir ${outdir} is outside the Git repo at ${root}, so no Application can sync it; write inside the repo, or set --source-path`);
  }
  return relative === '' ? '.' : relative;
}

/** The TypeScript extensions tsx loads. */
const TYPESCRIPT = /\.[cm]?tsx?$/;

/**
 * Requires the user's apps module. The library itself is compiled JavaScript; only a TypeScript
 * apps module needs a loader: tsx's CommonJS API, namespaced so that nothing else goes through it,
 * taken from the project first (its devDependency) and from this package's own install second.
 */
export function loadApps(file: string, cwd: string): { apps: AppSpec[]; platform?: PlatformSpec } {
  let mod: Record<string, any>;
  try {
    if (TYPESCRIPT.test(file)) {
      const api = requireTsx(cwd);
      mod = api.register({ namespace: `cdk8s-guardrails-${process.pid}` }).require(file, __filename);
    } else {
      mod = require(file);
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot load ${posix(path.relative(cwd, file))}: ${(e as Error).stack ?? e}`);
  }
  const named = mod.apps === undefined && mod.default !== undefined ? mod.default : mod;
  if (named.apps === undefined) {
    throw new CliError(`${posix(path.relative(cwd, file))} exports no \`apps\`: export const apps = [defineApp({ ... })] (and optionally \`platform\`)`);
  }
  return { apps: named.apps, platform: named.platform };
}

function requireTsx(cwd: string): { register: (options: { namespace: string }) => { require: (id: string, from: string) => any } } {
  for (const paths of [[cwd], undefined]) {
    try {
      return require(require.resolve('tsx/cjs/api', paths ? { paths } : undefined));
    } catch {
      // next place
    }
  }
  throw new CliError('loading a TypeScript apps module needs tsx: npm install --save-dev tsx (or compile the apps to JavaScript and pass --apps <file>.js)');
}
