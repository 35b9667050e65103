import * as path from 'path';
import { formatFinding } from '../policy';
import { AppSpec } from './app-spec';
import { compile } from './compile';
import { replaceFolder } from './replace-folder';
import { buildReport, renderMarkdown } from './report';

export interface SynthOptions {
  readonly specs: AppSpec[];
  /** @default 'dist' */
  readonly outdir?: string;
  /**
   * Where the security report goes: beside the synced folders, never inside them.
   * @default - `reports/` next to `outdir`
   */
  readonly reportdir?: string;
  /** Where messages go. @default console.error */
  readonly log?: (line: string) => void;
}

/**
 * Compiles, gates and writes `dist/` and the security report; returns the process exit code.
 * On failure neither is touched.
 */
export function synth(options: SynthOptions): number {
  const log = options.log ?? ((line: string) => console.error(line));
  const outdir = options.outdir ?? 'dist';
  const reportdir = options.reportdir ?? path.join(path.dirname(outdir), 'reports');
  const result = compile(options.specs);
  if (result.errors.length || !result.gate) {
    log(`synth failed with ${result.errors.length} problem(s); ${outdir}/ was left as it was:`);
    for (const e of result.errors) log(`  ${e}`);
    return 1;
  }
  const report = buildReport(result.objects, result.gate);
  replaceFolder(outdir, result.files);
  replaceFolder(reportdir, {
    'security-report.md': renderMarkdown(report),
    'security-report.json': `${JSON.stringify(report, null, 2)}\n`,
  });
  for (const f of [...result.gate.warnings, ...result.gate.waived]) log(`  ${formatFinding(f)}`);
  log(`wrote ${Object.keys(result.files).length} files, ${result.objects.length} objects, to ${outdir}/ `
    + `(${result.gate.warnings.length} warnings, ${result.gate.waived.length} waived); security report in ${reportdir}/`);
  return 0;
}
