import { createHash } from 'crypto';
import * as os from 'os';
import { compile } from '../compiler/compile';
import { buildReport, renderMarkdown } from '../compiler/report';
import { benchSpec } from '../scripts/bench';

// npm run test:scale (not in npm test: about a minute on 2 cores; .ci/run runs it). Not timed:
// `npm run bench` measures time. This checks that 10,000 services (the bench's apps, 8 objects
// each) compile, pass the gate and report, the same bytes twice, in this machine's memory.

const N = Number(process.env.GUARDRAILS_SCALE_SERVICES ?? 10_000);

/** The files and report of one compile, as hashes, so that the first run's objects can be collected. */
function run(): { files: Record<string, string>; report: string; objects: number } {
  const result = compile(benchSpec(N));
  expect(result.errors.slice(0, 5)).toEqual([]);
  const report = buildReport(result.objects, result.gate!);
  const hash = (text: string) => createHash('sha256').update(text).digest('hex');
  return {
    files: Object.fromEntries(Object.entries(result.files).map(([file, text]) => [file, hash(text)])),
    report: hash(renderMarkdown(report) + JSON.stringify(report)),
    objects: result.objects.length,
  };
}

test(`${N.toLocaleString('en')} services compile to the same files twice, within the machine's memory`, () => {
  const first = run();
  const second = run();
  expect(first.objects).toBe(8 * N + 10 * Math.ceil(N / 1000));
  expect(Object.keys(first.files)).toHaveLength(2 * Math.ceil(N / 1000));
  expect(second).toEqual(first);
  // Peak RSS (KiB) well within the machine: half its memory at most.
  expect(process.resourceUsage().maxRSS * 1024).toBeLessThan(os.totalmem() / 2);
});
