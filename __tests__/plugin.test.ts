import { spawnSync } from 'child_process';
import { build } from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// Runs the real `cdk8s synth` (node_modules/cdk8s-cli) on throwaway apps whose cdk8s.yaml lists
// plugin/ as a validation plugin: the CLI requires it, runs the gate over what the app wrote and
// fails the command when the gate fails. Each synth takes about a second.
//
// The CLI requires JavaScript: esbuild bundles plugin/index.ts into a folder of its own (half a
// second), so this tests the source without a build. The built package, loaded by name as users
// configure it, is tested by the e2e suite (e2e/package.test.ts).

const ROOT = path.resolve(__dirname, '..');
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
const OUTPUT = 'out/manifests';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-plugin-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const PLUGIN = path.join(tmp, 'plugin');
beforeAll(async () => {
  await build({
    entryPoints: [path.join(ROOT, 'plugin', 'index.ts')], bundle: true, platform: 'node', target: 'node20',
    outfile: path.join(PLUGIN, 'index.js'), logLevel: 'warning',
  });
});

/**
 * Writes a cdk8s app that emits `objects` as raw ApiObjects in one chart, `shop`; plain JS that
 * requires cdk8s from this repo, so it needs no install and no compiler.
 */
function writeApp(name: string, objects: Record<string, object>): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'main.js'), [
    `const { App, Chart, ApiObject } = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'cdk8s'))});`,
    'const app = new App();',
    "const chart = new Chart(app, 'shop');",
    `for (const [id, props] of Object.entries(${JSON.stringify(objects)})) new ApiObject(chart, id, props);`,
    'app.synth();',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
    'language: typescript',
    'app: node main.js',
    `output: ${OUTPUT}`,
    'validations:',
    `  - package: ${PLUGIN}`,
    '    class: GuardrailsValidation',
    '    version: 0.1.0',
  ].join('\n'));
  return dir;
}

/** `cdk8s synth` in `dir`, with no CDK8S_* variable of ours leaking in (the CLI reads them as options). */
function synth(dir: string, args: string[] = [], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CDK8S_')));
  const started = Date.now();
  const r = spawnSync(CDK8S, ['--no-check-upgrade', 'synth', ...args], {
    cwd: dir, encoding: 'utf-8', timeout: 20_000, env: { ...clean, NO_COLOR: '1', ...env },
  });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}`, ms: Date.now() - started };
}

const deployment = (spec: object, annotations: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', annotations },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec } },
});

const compliant = {
  ns: {
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.30' } },
  },
  deny: {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny-all', namespace: 'shop' },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  },
  web: deployment({
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'web', image: `ghcr.io/acme/web:1.2.3@sha256:${'a'.repeat(64)}`,
      securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
    }],
  }, { 'guardrails.cdk8s.io/waive.hardening.probes': 'a queue worker with no port to probe' }),
};

describe('cdk8s synth with GuardrailsValidation', () => {
  test('fails with exit code 2 and our rule ids on a raw Deployment with a mutable tag and no securityContext', () => {
    const dir = writeApp('violating', {
      web: deployment({ containers: [{ name: 'web', image: 'nginx:1.27' }] }),
    });
    const { status, out, ms } = synth(dir, ['--validation-reports-output-file', 'report.json']);

    expect(status).toBe(2);
    expect(out).toContain('Validation failed');
    for (const rule of ['image.digest-pinned', 'pss.restricted.run-as-non-root', 'hardening.read-only-root', 'namespace.pod-security-labels', 'network.default-deny']) {
      expect(out).toContain(rule);
    }
    expect(ms).toBeLessThan(10_000);

    const [report] = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf-8')).reports;
    expect(report.summary).toMatchObject({ status: 'failure', version: '0.1.0', metadata: { failures: report.violations.length } });
    expect(report.violations).toContainEqual({
      ruleName: 'image.digest-pinned',
      recommendation: 'images pinned by digest: image nginx:1.27 can change without a commit',
      fix: expect.stringContaining('sha256'),
      violatingConstructs: [{
        resourceName: 'Deployment shop/web',
        locations: ['spec.template.spec.containers[0].image'],
        manifestPath: `${OUTPUT}/shop.k8s.yaml`,
      }],
    });
    // The manifests are written all the same: the CLI validates after synthesis.
    expect(fs.existsSync(path.join(dir, OUTPUT, 'shop.k8s.yaml'))).toBe(true);
  });

  test('passes a compliant app, logs its waivers, and leaves construct-metadata.json among the manifests', () => {
    const dir = writeApp('compliant', compliant);
    const { status, out, ms } = synth(dir);

    expect(status).toBe(0);
    expect(out).toContain('Validations ended succesfully'); // sic, the CLI's spelling
    expect(out).toContain('waived hardening.probes [Deployment shop/web]');
    expect(out).toContain('(waived: a queue worker with no port to probe)');
    expect(ms).toBeLessThan(10_000);

    // With validations configured the CLI sets CDK8S_RECORD_CONSTRUCT_METADATA=true and the app
    // writes the file into its output folder, next to the manifests.
    expect(fs.readdirSync(path.join(dir, OUTPUT)).sort()).toEqual(['construct-metadata.json', 'shop.k8s.yaml']);
  });

  test('CDK8S_RECORD_CONSTRUCT_METADATA=false keeps construct-metadata.json out of the output folder', () => {
    const dir = writeApp('no-metadata', compliant);
    const { status } = synth(dir, [], { CDK8S_RECORD_CONSTRUCT_METADATA: 'false' });

    expect(status).toBe(0);
    expect(fs.readdirSync(path.join(dir, OUTPUT))).toEqual(['shop.k8s.yaml']);
  });
});
