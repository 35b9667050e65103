import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runAudit as run } from './support/run-audit';
import { DIST } from './dist-files';

const ROOT = path.join(__dirname, '..');
const VENDOR = `# helm template output of a chart we did not write
apiVersion: v1
kind: Namespace
metadata: { name: vendor }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: agent, namespace: vendor }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      hostNetwork: true
      containers:
        - name: agent
          image: vendor/agent:latest
`;

let work: string;
beforeEach(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-')); });
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

test('exits 0 on the committed dist/, which passes every rule', () => {
  const { code, out } = run(DIST);
  expect(code).toBe(0);
  expect(out.split('\n').pop()).toMatch(/^34 files, \d+ objects: 0 errors, 0 warnings, \d+ waived$/);
  expect(out).not.toMatch(/^error /m);
});

test('reads YAML 1.1 as the API server does: `yes` and `on` are true, so they are judged as true', () => {
  fs.writeFileSync(path.join(work, 'agent.yaml'), VENDOR.replace('hostNetwork: true', 'hostNetwork: yes\n      hostPID: on'));
  const { code, out } = run(work);
  expect(code).toBe(1);
  expect(out).toContain('error pss.baseline.host-namespaces [Deployment vendor/agent] spec.template.spec.hostNetwork:');
  expect(out).toContain('error pss.baseline.host-namespaces [Deployment vendor/agent] spec.template.spec.hostPID:');
});

test('exits 2 with file:line on a duplicate key, which the API server would read one way and a reviewer another', () => {
  fs.writeFileSync(path.join(work, 'agent.yaml'), VENDOR.replace('hostNetwork: true', 'hostNetwork: false\n      hostNetwork: true'));
  const { code, err } = run(work);
  expect(code).toBe(2);
  expect(err).toMatch(/agent\.yaml:\d+: Map keys must be unique/);
});

test('exits 1 on vendor YAML that breaks rules, and lists each finding with its fix', () => {
  fs.writeFileSync(path.join(work, 'agent.yaml'), VENDOR);
  const { code, out } = run(work);
  expect(code).toBe(1);
  expect(out).toContain('error pss.baseline.host-namespaces [Deployment vendor/agent] spec.template.spec.hostNetwork: hostNetwork shares the node\'s namespace');
  expect(out).toContain('error image.digest-pinned [Deployment vendor/agent] spec.template.spec.containers[0].image: image vendor/agent:latest can change without a commit. Fix: pin the image');
  expect(out).toContain('error network.default-deny [Namespace vendor] metadata.name');
});

test('gives machines the same findings as JSON', () => {
  fs.writeFileSync(path.join(work, 'agent.yaml'), VENDOR);
  const { code, out } = run('--json', work);
  expect(code).toBe(1);
  const report = JSON.parse(out);
  expect(report.objects).toBe(2);
  expect(report.failures.map((f: any) => f.rule)).toEqual(expect.arrayContaining(['pss.baseline.host-namespaces', 'image.digest-pinned']));
  expect(report.failures.every((f: any) => f.severity === 'error' && f.field && f.fix)).toBe(true);
});

test('a waiver with a reason turns a failure into a reported waiver, and is listed among the departures', () => {
  const waived = VENDOR.replace('metadata: { name: agent, namespace: vendor }',
    'metadata:\n  name: agent\n  namespace: vendor\n  annotations: { guardrails.cdk8s.io/waive.image.digest-pinned: "the vendor only publishes tags; mirrored nightly" }');
  fs.writeFileSync(path.join(work, 'agent.yaml'), waived);
  const report = JSON.parse(run('--json', work).out);
  expect(report.waived).toContainEqual(expect.objectContaining({ rule: 'image.digest-pinned', waiver: 'the vendor only publishes tags; mirrored nightly' }));
  expect(report.failures.map((f: any) => f.rule)).not.toContain('image.digest-pinned');
  expect(report.departures).toEqual([expect.objectContaining({ object: 'Deployment vendor/agent', kind: 'waiver', rules: ['image.digest-pinned'], excuses: 1 })]);
});

test('a Pod Security waiver excuses nothing: the API server enforces the namespace level anyway', () => {
  const waived = VENDOR.replace('metadata: { name: agent, namespace: vendor }',
    'metadata:\n  name: agent\n  namespace: vendor\n  annotations: { guardrails.cdk8s.io/waive.pss.baseline.host-namespaces: "the CNI agent must see the node network" }');
  fs.writeFileSync(path.join(work, 'agent.yaml'), waived);
  const report = JSON.parse(run('--json', work).out);
  expect(report.failures.map((f: any) => f.rule)).toEqual(expect.arrayContaining(['pss.baseline.host-namespaces', 'waiver.valid']));
});

test.each([
  ['no path', [], /usage: npm run audit/],
  ['a missing path', ['/nonexistent/manifests'], /no such file or folder/],
])('exits 2 on %s', (_, args, message) => {
  const { code, err } = run(...(args as string[]));
  expect(code).toBe(2);
  expect(err).toMatch(message);
});

test('exits 2 on YAML it cannot parse or on a document that is not a Kubernetes object', () => {
  fs.writeFileSync(path.join(work, 'broken.yaml'), 'kind: [unclosed');
  expect(run(work).code).toBe(2);
  fs.writeFileSync(path.join(work, 'broken.yaml'), 'just: a config file');
  expect(run(work).err).toMatch(/broken\.yaml:1: a document is not a Kubernetes object/);
});

test('npm run audit exits with the gate\'s verdict', () => {
  fs.writeFileSync(path.join(work, 'agent.yaml'), VENDOR);
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const failing = spawnSync(tsx, ['audit.ts', work], { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
  expect(failing.status).toBe(1);
  expect(failing.stdout).toContain('image.digest-pinned');
  expect(spawnSync(tsx, ['audit.ts', 'dist'], { cwd: ROOT, encoding: 'utf8', timeout: 30000 }).status).toBe(0);
});
