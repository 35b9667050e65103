import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { apps, platform } from '../apps';
import { AppSpec } from '../compiler/app-spec';
import { compile } from '../compiler/compile';
import { synth } from '../compiler/synth';
import { DIST, listFiles } from './dist-files';

const snapshotOf = (dir: string) => Object.fromEntries(listFiles(dir).map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
const broken: AppSpec = { ...apps[0], services: { ...apps[0].services, api: { ...apps[0].services.api, image: 'ghcr.io/acme/shop-api:latest' } } };

let work: string;
beforeEach(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-')); });
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

test('the committed dist/ is what the example apps synthesize to', () => {
  expect(snapshotOf(DIST)).toEqual(compile(apps, platform).files);
});

test('two synths of the same input are byte-identical', () => {
  const log = () => undefined;
  expect(synth({ specs: apps, platform, outdir: path.join(work, 'a'), log })).toBe(0);
  expect(synth({ specs: apps, platform, outdir: path.join(work, 'b'), log })).toBe(0);
  const a = snapshotOf(path.join(work, 'a'));
  expect(Object.keys(a).length).toBeGreaterThan(0);
  expect(snapshotOf(path.join(work, 'b'))).toEqual(a);
  const reports = snapshotOf(path.join(work, 'reports'));
  expect(synth({ specs: apps, platform, outdir: path.join(work, 'a'), log })).toBe(0);
  expect(snapshotOf(path.join(work, 'reports'))).toEqual(reports);
});

test('a failed synth exits non-zero, lists the problem and leaves the previous dist/ untouched', () => {
  const outdir = path.join(work, 'dist');
  expect(synth({ specs: apps, platform, outdir, log: () => undefined })).toBe(0);
  fs.writeFileSync(path.join(outdir, 'marker.txt'), 'from before');
  const before = snapshotOf(outdir);
  const reportsBefore = snapshotOf(path.join(work, 'reports'));
  expect(Object.keys(reportsBefore)).toEqual(['security-report.json', 'security-report.md']);
  const lines: string[] = [];
  expect(synth({ specs: [broken], outdir, log: l => lines.push(l) })).toBe(1);
  expect(snapshotOf(outdir)).toEqual(before);
  expect(snapshotOf(path.join(work, 'reports'))).toEqual(reportsBefore);
  expect(lines.join('\n')).toMatch(/\[apps\/shop\/staging\/api\] image: is not pinned by digest/);
  expect(lines.join('\n')).toMatch(/\[apps\/shop\/production\/api\] image: is not pinned by digest/);
  expect(fs.readdirSync(work).sort()).toEqual(['dist', 'reports']);
});

test('a successful synth replaces dist/ whole, dropping files no app produces any more', () => {
  const outdir = path.join(work, 'dist');
  fs.mkdirSync(path.join(outdir, 'apps', 'gone'), { recursive: true });
  fs.writeFileSync(path.join(outdir, 'apps', 'gone', 'workloads.k8s.yaml'), 'stale');
  expect(synth({ specs: apps, platform, outdir, log: () => undefined })).toBe(0);
  expect(snapshotOf(outdir)).toEqual(compile(apps, platform).files);
  expect(fs.readdirSync(work).sort()).toEqual(['dist', 'reports']);
});

test('dist/ holds only manifests, in one platform tree and one folder per app environment', () => {
  const files = listFiles(DIST);
  for (const f of files) expect(f).toMatch(/^(platform\/[a-z0-9-]+|apps\/[a-z0-9-]+\/[a-z0-9-]+\/workloads)\.k8s\.yaml$/);
  const environments = apps.flatMap(a => Object.keys(a.environments).map(e => `apps/${a.name}/${e}/workloads.k8s.yaml`));
  expect(files.filter(f => f.startsWith('apps/'))).toEqual(environments.sort());
});
