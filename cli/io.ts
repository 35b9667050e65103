import * as fs from 'fs';
import * as path from 'path';

/** Where a command writes, and where it runs: tests run commands in-process on temporary folders. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** The folder paths are resolved from. @default process.cwd() */
  readonly cwd?: string;
  /** Environment variables (CDK8S_OUTDIR). @default process.env */
  readonly env?: Record<string, string | undefined>;
}

export const consoleIo: CliIo = { out: line => console.log(line), err: line => console.error(line) };

/** A command's failure the user can act on: printed as one line, exit code `code`. */
export class CliError extends Error {
  constructor(message: string, public readonly code = 1) {
    super(message);
    this.name = 'CliError';
  }
}

export const cwdOf = (io: CliIo) => io.cwd ?? process.cwd();

/** `p` as a path from the cwd of the process, when the command runs elsewhere (in tests). */
export function resolveFrom(io: CliIo, p: string): string {
  return io.cwd === undefined ? p : path.resolve(io.cwd, p);
}

/** A path with forward slashes, as Git, ArgoCD and SARIF write them. */
export const posix = (p: string) => p.split(path.sep).join('/');

/** The root of the Git work tree `from` is in (a `.git` folder or file), or undefined outside one. */
export function gitRoot(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

let manifest: { name: string; version: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> } | undefined;

/** This package's package.json (two folders up when compiled to lib/cli/, one up from cli/). */
export function ownPackage(): NonNullable<typeof manifest> {
  if (manifest) return manifest;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const json = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (json.name === 'cdk8s-guardrails') return (manifest = json);
    }
    if (path.dirname(dir) === dir) throw new Error('cannot find the package.json of cdk8s-guardrails');
  }
}

/** The exit code a command's action sets. */
export interface Exit {
  code: number;
}
