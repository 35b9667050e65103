import * as path from 'path';
import { formatFinding } from '../policy';
import { AppSpec, PlatformSpec } from './app-spec';
import { compile, CompileOptions } from './compile';
import { buildReport, renderMarkdown } from './report';
import { repairFolders, replaceFolders, TransactionError } from './transaction';

export interface SynthOptions {
  readonly specs: AppSpec[];
  /** The platform settings the apps are checked against. @default - see {@link PlatformSpec} */
  readonly platform?: PlatformSpec;
  /** @default 'dist' */
  readonly outdir?: string;
  /**
   * Where the security report goes: beside the synced folders, never inside them.
   * @default - `reports/` next to `outdir`
   */
  readonly reportdir?: string;
  /** Where the files live in the Git repo and what their header names. @default - `dist`, this repo's header */
  readonly compile?: CompileOptions;
  /** Where messages go. @default console.error */
  readonly log?: (line: string) => void;
  /**
   * Called with the name of each step of the transaction that writes the folders, just before it runs
   * (the steps are listed in compiler/transaction.ts); tests throw here to fail or crash at that step.
   * @default - no faults
   */
  readonly faults?: (step: string) => void;
}

/**
 * Compiles, gates and writes `dist/` and the security report as one transaction; returns the process
 * exit code. On failure neither is touched; an earlier synth that was interrupted is repaired first.
 */
export function synth(options: SynthOptions): number {
  const log = options.log ?? ((line: string) => console.error(line));
  const outdir = options.outdir ?? 'dist';
  const reportdir = options.reportdir ?? path.join(path.dirname(outdir), 'reports');
  const transaction = { log, faults: options.faults };
  const result = compile(options.specs, options.platform, options.compile);
  if (result.errors.length || !result.gate) {
    log(`synth failed with ${result.errors.length} problem(s); ${outdir}/ was left as it was:`);
    for (const e of result.errors) log(`  ${e}`);
    written(() => repairFolders([outdir, reportdir], transaction), log);
    return 1;
  }
  const report = buildReport(result.objects, result.gate);
  const ok = written(() => replaceFolders({
    [outdir]: result.files,
    [reportdir]: {
      'security-report.md': renderMarkdown(report),
      'security-report.json': `${JSON.stringify(report, null, 2)}\n`,
    },
  }, transaction), log);
  if (!ok) return 1;
  for (const f of [...result.gate.warnings, ...result.gate.waived]) log(`  ${formatFinding(f)}`);
  log(`wrote ${Object.keys(result.files).length} files, ${result.objects.length} objects, to ${outdir}/ `
    + `(${result.gate.warnings.length} warnings, ${result.gate.waived.length} waived); security report in ${reportdir}/`);
  return 0;
}

/** Runs a transaction; a failure the user can act on becomes one line, not a stack trace. */
function written(transaction: () => void, log: (line: string) => void): boolean {
  try {
    transaction();
    return true;
  } catch (e) {
    if (!(e instanceof TransactionError)) throw e;
    log(`synth failed: ${e.message}`);
    return false;
  }
}
