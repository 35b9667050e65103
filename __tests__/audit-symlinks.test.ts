import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listManifests } from '../compiler/audit';
import { runAudit as run } from './support/run-audit';

// `audit <dir>` judges every manifest below the folder: a symbolic link that stays inside it is
// followed and judged (once per real file); one that leads outside, dangles or loops is refused
// (exit 2 with the link named), never skipped in silence.

const BAD = 'apiVersion: v1\nkind: Pod\nmetadata: { name: root, namespace: vendor }\nspec:\n  hostNetwork: true\n  containers: [{ name: c, image: "vendor/c:latest" }]\n';
const NOTHING = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: vendor }\ndata: {}\n';

let work: string;
let dist: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-links-'));
  dist = path.join(work, 'dist');
  fs.mkdirSync(path.join(dist, 'apps'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'apps', 'ok.yaml'), NOTHING);
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

test('a linked file inside the folder is judged', () => {
  fs.mkdirSync(path.join(dist, 'src'));
  fs.writeFileSync(path.join(dist, 'src', 'pod.txt'), BAD);
  fs.symlinkSync(path.join('..', 'src', 'pod.txt'), path.join(dist, 'apps', 'pod.yaml'));
  const { code, out } = run(dist);
  expect(code).toBe(1);
  expect(out).toMatch(/^error pss\.baseline\.host-namespaces \[Pod vendor\/root\]/m);
  expect(out.split('\n').pop()).toMatch(/^2 files, /);
});

test('a linked folder inside the folder is walked, and a file reached twice is read once', () => {
  fs.writeFileSync(path.join(dist, 'apps', 'pod.yaml'), BAD);
  fs.symlinkSync('apps', path.join(dist, 'alias'));
  expect(listManifests(dist)).toEqual([path.join(dist, 'alias', 'ok.yaml'), path.join(dist, 'alias', 'pod.yaml')]);
  const { code, out } = run(dist);
  expect(code).toBe(1);
  expect(out.match(/^error pss\.baseline\.host-namespaces/gm)).toHaveLength(1);
});

test('a link to a file outside the folder is refused with exit 2, naming the link and its target', () => {
  fs.writeFileSync(path.join(work, 'outside.yaml'), BAD);
  fs.symlinkSync(path.join(work, 'outside.yaml'), path.join(dist, 'apps', 'pod.yaml'));
  const { code, out, err } = run(dist);
  expect([code, out]).toEqual([2, '']);
  expect(err).toBe(`audit: ${path.join(dist, 'apps', 'pod.yaml')}: a symbolic link to ${fs.realpathSync(path.join(work, 'outside.yaml'))}, outside ${dist}, `
    + 'which the audit would otherwise judge as part of it; audit that path by name, or copy the file in');
});

test('a relative link that climbs out of the folder is refused', () => {
  fs.mkdirSync(path.join(work, 'other'));
  fs.writeFileSync(path.join(work, 'other', 'pod.yaml'), BAD);
  fs.symlinkSync(path.join('..', '..', 'other'), path.join(dist, 'apps', 'vendor'));
  expect(run(dist)).toMatchObject({ code: 2, err: expect.stringContaining('outside') });
});

test('a folder beside the audited one whose name starts the same is outside it', () => {
  fs.mkdirSync(path.join(work, 'dist-evil'));
  fs.writeFileSync(path.join(work, 'dist-evil', 'pod.yaml'), BAD);
  fs.symlinkSync(path.join(work, 'dist-evil', 'pod.yaml'), path.join(dist, 'pod.yaml'));
  expect(run(dist)).toMatchObject({ code: 2, err: expect.stringContaining('outside') });
});

test('a link to a folder that holds it (a loop) is refused', () => {
  fs.symlinkSync('..', path.join(dist, 'apps', 'up'));
  expect(run(dist)).toMatchObject({ code: 2, err: expect.stringMatching(/apps\/up: a symbolic link to .*a folder that holds it/) });
});

test('a link to itself, and a dangling link, are refused', () => {
  fs.symlinkSync('self.yaml', path.join(dist, 'self.yaml'));
  expect(run(dist)).toMatchObject({ code: 2, err: expect.stringMatching(/self\.yaml: a symbolic link to self\.yaml that loops/) });
  fs.rmSync(path.join(dist, 'self.yaml'));
  fs.symlinkSync('missing.yaml', path.join(dist, 'gone.yaml'));
  expect(run(dist)).toMatchObject({ code: 2, err: expect.stringMatching(/gone\.yaml: a symbolic link to missing\.yaml that leads to nothing/) });
});

test('a linked folder given as the path is audited as its target', () => {
  fs.writeFileSync(path.join(dist, 'apps', 'pod.yaml'), BAD);
  fs.symlinkSync(dist, path.join(work, 'current'));
  expect(run(path.join(work, 'current')).code).toBe(1);
});

test('a manifest-named entry that is no regular file (a FIFO) is refused, not read or skipped', () => {
  const made = require('child_process').spawnSync('mkfifo', [path.join(dist, 'pipe.yaml')]);
  if (made.status !== 0) return; // no mkfifo here: nothing to judge
  expect(run(dist)).toMatchObject({ code: 2, err: expect.stringContaining('pipe.yaml: not a regular file') });
});
