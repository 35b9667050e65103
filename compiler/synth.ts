import { AppSpec } from './app-spec';
import { compile } from './compile';
import { writeDist } from './write-dist';

export interface SynthOptions {
  readonly specs: AppSpec[];
  /** @default 'dist' */
  readonly outdir?: string;
  /** Where messages go. @default console.error */
  readonly log?: (line: string) => void;
}

/** Compiles, checks and writes `dist/`; returns the process exit code. On failure `dist/` is untouched. */
export function synth(options: SynthOptions): number {
  const log = options.log ?? ((line: string) => console.error(line));
  const outdir = options.outdir ?? 'dist';
  const result = compile(options.specs);
  if (result.errors.length) {
    log(`synth failed with ${result.errors.length} problem(s); ${outdir}/ was left as it was:`);
    for (const e of result.errors) log(`  ${e}`);
    return 1;
  }
  writeDist(outdir, result.files);
  log(`wrote ${Object.keys(result.files).length} files, ${result.objects.length} objects, to ${outdir}/`);
  return 0;
}
