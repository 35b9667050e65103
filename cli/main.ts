#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerAudit } from './audit';
import { registerDiff } from './diff';
import { registerInit } from './init';
import { CliError, CliIo, consoleIo, Exit, ownPackage } from './io';
import { registerSynth } from './synth';

/** The `cdk8s-guardrails` program, its commands registered; output goes to `io`. */
export function program(io: CliIo, exit: Exit): Command {
  const program = new Command('cdk8s-guardrails')
    .description('Typed app specs to hardened Kubernetes YAML, with a policy gate and a security diff for review.')
    .version(ownPackage().version)
    .exitOverride()
    .configureOutput({ writeOut: s => io.out(s.replace(/\n$/, '')), writeErr: s => io.err(s.replace(/\n$/, '')) })
    .showHelpAfterError('(add --help for usage)')
    .allowExcessArguments(false);
  registerInit(program, io, exit);
  registerSynth(program, io, exit);
  registerAudit(program, io, exit);
  registerDiff(program, io, exit);
  return program;
}

/**
 * Runs the command line `argv` (without node and the script) and returns the exit code: 0 done,
 * 1 refused (gate failures, a failed synth, a folder init will not fill), 2 a usage error or input that cannot be read.
 */
export async function main(argv: string[], io: CliIo = consoleIo): Promise<number> {
  const exit: Exit = { code: 0 };
  try {
    await program(io, exit).parseAsync(argv, { from: 'user' });
  } catch (e) {
    // --help and --version exit 0; a usage error (unknown command or option, missing argument) 2, as the audit always did.
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliError) {
      io.err(`cdk8s-guardrails: ${e.message}`);
      return e.code;
    }
    throw e;
  }
  return exit.code;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(code => { process.exitCode = code; }, e => {
    console.error(e);
    process.exitCode = 1;
  });
}
