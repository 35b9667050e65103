import { Command } from 'commander';
import { audit, loadManifests } from '../compiler/audit';
import { toSarif } from '../compiler/sarif';
import { checkManifests } from '../policy';
import { CliError, CliIo, cwdOf, Exit, gitRoot, ownPackage, resolveFrom } from './io';

export interface AuditArgs {
  readonly json?: boolean;
  readonly sarif?: boolean;
}

export function registerAudit(program: Command, io: CliIo, exit: Exit): void {
  program.command('audit')
    .description('Judge YAML/JSON manifests we did not build (vendor YAML, helm template output) against every rule, as one set')
    .argument('<paths...>', 'files, or folders searched for .yaml, .yml and .json files')
    .option('--json', 'print the gate result as JSON')
    .option('--sarif', 'print SARIF 2.1.0 for GitHub code scanning (upload with github/codeql-action/upload-sarif)')
    .addHelpText('after', '\nExit code: 0 no unwaived error, 1 an unwaived error, 2 unreadable input.')
    .action((paths: string[], options: AuditArgs) => { exit.code = runAudit(paths, options, io); });
}

export function runAudit(paths: string[], args: AuditArgs, io: CliIo): number {
  if (args.json && args.sarif) throw new CliError('choose one of --json and --sarif', 2);
  const files = paths.map(p => resolveFrom(io, p));
  if (!args.sarif) return audit([...(args.json ? ['--json'] : []), ...files], io);
  let read: ReturnType<typeof loadManifests>;
  try {
    read = loadManifests(files);
  } catch (e) {
    throw new CliError(`audit: ${(e as Error).message}`, 2);
  }
  const gate = checkManifests(read.objects);
  const cwd = cwdOf(io);
  io.out(JSON.stringify(toSarif(gate, read.objects, read.files, { version: ownPackage().version, root: gitRoot(cwd) ?? cwd }), null, 2));
  return gate.failures.length ? 1 : 0;
}
