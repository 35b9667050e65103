import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { CliError, CliIo, cwdOf, Exit, ownPackage, posix } from './io';
import { TEMPLATE_PACKAGES, TemplateOptions, TemplatePackage, templateFiles } from './templates';

export interface InitArgs {
  /** An npm install spec for cdk8s-guardrails (a version, a tarball, a folder, a Git URL). @default ^<this version> */
  readonly from?: string;
  /** Write into a folder that is not empty (files of the same name are replaced). */
  readonly force?: boolean;
}

export function registerInit(program: Command, io: CliIo, exit: Exit): void {
  program.command('init')
    .description('Scaffold an app repo: an example app spec, tests, CI that checks dist/ and reports/, Renovate for image digests')
    .argument('[dir]', 'the folder to create or fill', '.')
    .option('--from <spec>', 'how package.json installs cdk8s-guardrails: an npm install spec (version, tarball, folder, Git URL); default ^<this version>')
    .option('--force', 'write into a folder that is not empty, replacing files of the same name')
    .action((dir: string, options: InitArgs) => { exit.code = runInit(dir, options, io); });
}

const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** The options of the templates for a project in `dir`, as this version of cdk8s-guardrails would have it. */
export function templateOptions(dir: string, from: string | undefined): TemplateOptions {
  const own = ownPackage();
  const known = { ...own.dependencies, ...own.devDependencies };
  const versions = Object.fromEntries(TEMPLATE_PACKAGES.map(name => {
    const version = known[name];
    if (version === undefined) throw new Error(`package.json of cdk8s-guardrails names no version of ${name}`);
    return [name, version];
  })) as Record<TemplatePackage, string>;
  // cdk8s-cli installs a validation plugin at an exact version and refuses ranges and URLs: any
  // other --from is loaded from the project's own node_modules.
  const plugin = from === undefined ? { package: 'cdk8s-guardrails', version: own.version }
    : EXACT_VERSION.test(from) ? { package: 'cdk8s-guardrails', version: from }
      : { package: './node_modules/cdk8s-guardrails', version: own.version };
  const name = path.basename(path.resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|[._-]+$/g, '') || 'k8s-apps';
  return { name, guardrails: from ?? `^${own.version}`, plugin, versions };
}

export function runInit(dir: string, args: InitArgs, io: CliIo): number {
  const target = path.resolve(cwdOf(io), dir);
  if (fs.existsSync(target)) {
    if (!fs.statSync(target).isDirectory()) throw new CliError(`${dir} exists and is not a folder`);
    const present = fs.readdirSync(target).filter(f => f !== '.git');
    if (present.length > 0 && !args.force) {
      throw new CliError(`${dir} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', ...' : ''}); choose an empty folder, or pass --force to write into it`);
    }
  }
  const from = args.from === undefined ? undefined : localSpec(args.from, cwdOf(io), target);
  const files = templateFiles(templateOptions(target, from));
  for (const [file, text] of Object.entries(files)) {
    const at = path.join(target, file);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.writeFileSync(at, text);
  }
  const relative = posix(path.relative(cwdOf(io), target)) || '.';
  const shown = relative.startsWith('../') ? target : relative;
  io.out(`created ${Object.keys(files).length} files in ${shown}/: ${Object.keys(files).join(', ')}`);
  io.out('');
  io.out('next:');
  if (shown !== '.') io.out(`  cd ${shown}`);
  io.out('  npm install');
  io.out('  npm run synth   # writes dist/ and reports/: commit them');
  io.out('  npm test');
  return 0;
}

/**
 * A --from that is a relative path (to a tarball or folder) as npm reads it from the new project:
 * npm resolves `file:` specs from the package.json's folder, not from where init ran.
 */
function localSpec(from: string, cwd: string, target: string): string {
  const file = from.startsWith('file:') ? from.slice(5) : /^\.{1,2}[\\/]/.test(from) || /\.t(ar\.)?gz$/.test(from) ? from : undefined;
  if (file === undefined || path.isAbsolute(file)) return from;
  const relative = posix(path.relative(target, path.resolve(cwd, file)));
  return `file:${relative.startsWith('.') ? relative : `./${relative}`}`;
}
