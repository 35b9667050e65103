import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PlatformSpec } from '../compiler/app-spec';
import { main } from '../cli/main';
import { compile } from '../compiler/compile';
import { buildReport } from '../compiler/report';
import { checkManifests } from '../policy/gate';
import { IMAGE } from './support/workloads';

// A Helm chart's network fields (podLabels, ports, callers, egress, kubernetesApiEgress): the
// chart's pods live in the environment's default-deny namespace, and these are the only way to
// let anything reach them or them reach anything. One model with the services' fields, checked
// at the spec's own fields, built in each environment that installs the chart.

type Json = Record<string, any>;

const API_SERVER = { cidrs: ['10.96.0.1/32', '192.168.1.10/32'] };
const PLATFORM: PlatformSpec = { apiServer: API_SERVER };
const REASON = 'Headlamp, the cluster dashboard the team logs in to with its own OIDC tokens';
const HEADLAMP = { 'app.kubernetes.io/name': 'headlamp' };

/** An app `ops` with a service `api` and the Headlamp chart in production only, JSON-shaped so tests can break it. */
function app(edit: (spec: Json, chart: Json) => void = () => undefined): any {
  const spec: Json = JSON.parse(JSON.stringify({
    name: 'ops', repoURL: 'https://github.com/acme/ops.git',
    environments: { staging: {}, production: {} },
    services: { api: { image: IMAGE, ports: [{ name: 'http', port: 8080 }] } },
    charts: {
      headlamp: {
        repoURL: 'https://kubernetes-sigs.github.io/headlamp', chart: 'headlamp', version: '0.25.0',
        environments: ['production'], kinds: ['Deployment', 'Service', 'ServiceAccount'], reason: REASON,
        podLabels: HEADLAMP,
        ports: [{ port: 4466 }],
        callers: [{ namespace: 'cloudflared', podLabels: { app: 'cloudflared' } }],
        egress: [{ name: 'oidc', cidr: '203.0.113.10/32', ports: [{ port: 443 }] }],
        kubernetesApiEgress: true,
      },
    },
  }));
  edit(spec, spec.charts.headlamp);
  return spec;
}

const errorsOf = (spec: Json, platform: PlatformSpec = PLATFORM) => compile([spec as any], platform).errors;
const policies = (objects: Json[], namespace: string) => objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata.namespace === namespace);
const policy = (objects: Json[], namespace: string, name: string) => {
  const found = policies(objects, namespace).filter(p => p.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('compile: a chart\'s network rules', () => {
  const result = compile([app()], PLATFORM);

  test('compiles with no error and no unwaived finding', () => {
    expect(result.errors).toEqual([]);
    expect(result.gate!.failures).toEqual([]);
  });

  test('callers reach the chart\'s pods, selected by podLabels, on its ports only', () => {
    expect(policy(result.objects, 'ops-production', 'allow-ingress-headlamp-from-cloudflared').spec).toEqual({
      podSelector: { matchLabels: HEADLAMP },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cloudflared' } }, podSelector: { matchLabels: { app: 'cloudflared' } } }],
        ports: [{ port: 4466, protocol: 'TCP' }],
      }],
    });
  });

  test('egress as a service\'s, and the API server as a peer (no token, no rights)', () => {
    expect(policy(result.objects, 'ops-production', 'allow-egress-headlamp-to-oidc').spec).toEqual({
      podSelector: { matchLabels: HEADLAMP },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '203.0.113.10/32' } }], ports: [{ port: 443, protocol: 'TCP' }] }],
    });
    expect(policy(result.objects, 'ops-production', 'allow-egress-headlamp-to-kubernetes-api').spec).toEqual({
      podSelector: { matchLabels: HEADLAMP },
      policyTypes: ['Egress'],
      egress: [{
        to: [{ ipBlock: { cidr: '10.96.0.1/32' } }, { ipBlock: { cidr: '192.168.1.10/32' } }],
        ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }],
      }],
    });
    // kubernetesApiEgress is the network peer only: no Role, binding or token for the chart.
    expect(result.objects.filter(o => /^(Role|ClusterRole|RoleBinding|ClusterRoleBinding)$/.test(o.kind) && JSON.stringify(o).includes('headlamp'))).toEqual([]);
  });

  test('only in the environments that install the chart', () => {
    expect(policies(result.objects, 'ops-staging').map(p => p.metadata.name).filter(n => n.includes('headlamp'))).toEqual([]);
    expect(policies(result.objects, 'ops-production').map(p => p.metadata.name).filter(n => n.includes('headlamp')).sort()).toEqual([
      'allow-egress-headlamp-to-kubernetes-api', 'allow-egress-headlamp-to-oidc', 'allow-ingress-headlamp-from-cloudflared',
    ]);
  });

  test('the report lists the chart\'s rules under its namespace', () => {
    const report = buildReport(result.objects, result.gate!);
    const allows = report.namespaces.find(n => n.namespace === 'ops-production')!.allows;
    expect(allows.filter(a => a.policy.includes('headlamp')).map(a => [a.policy, a.pods])).toEqual(expect.arrayContaining([
      ['allow-ingress-headlamp-from-cloudflared', 'app.kubernetes.io/name=headlamp'],
      ['allow-egress-headlamp-to-kubernetes-api', 'app.kubernetes.io/name=headlamp'],
    ]));
  });

  test('a chart without network fields adds no rule (default deny holds)', () => {
    const plain = compile([app((_, c) => { delete c.podLabels; delete c.ports; delete c.callers; delete c.egress; delete c.kubernetesApiEgress; })], PLATFORM);
    expect(plain.errors).toEqual([]);
    expect(plain.objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata.name.includes('headlamp'))).toEqual([]);
  });

  test('a caller CIDR of the whole internet with a reason: the exception is written on the policy and the gate passes', () => {
    const reason = 'a public status page; the chart serves it read-only';
    const open = compile([app((_, c) => { c.callers = [{ cidr: '0.0.0.0/1', reason }, { cidr: '128.0.0.0/1', reason }]; })], PLATFORM);
    expect(open.errors).toEqual([]);
    expect(policy(open.objects, 'ops-production', 'allow-ingress-headlamp-from-0-0-0-0-1').metadata.annotations)
      .toEqual({ 'guardrails.cdk8s.io/exception.internet': reason });
    expect(checkManifests(open.objects).failures).toEqual([]);
  });
});

describe('compile: an app of charts only', () => {
  test('compiles with no services: the chart\'s Applications, its rules, and a deployer of the chart\'s kinds', () => {
    const result = compile([app(s => { s.services = {}; })], PLATFORM);
    expect(result.errors).toEqual([]);
    expect(result.gate!.failures).toEqual([]);
    expect(result.objects.filter(o => o.kind === 'Application').map(a => a.metadata.name)).toContain('ops-production-headlamp');
    expect(policy(result.objects, 'ops-production', 'allow-ingress-headlamp-from-cloudflared').spec.podSelector).toEqual({ matchLabels: HEADLAMP });
    const role = result.objects.find(o => o.kind === 'Role' && o.metadata.namespace === 'ops-production' && JSON.stringify(o.rules).includes('deployments'));
    expect(role).toBeDefined();
  });

  test('with neither services nor charts it is refused, naming both', () => {
    expect(errorsOf(app(s => { s.services = {}; delete s.charts; }))).toEqual([
      '[apps/ops] services: an app needs at least one service or one chart (got {}). Fix: add e.g. services: { api: { image: "..." } }, or a Helm chart under charts',
    ]);
  });
});

describe('compile: a chart\'s network fields refused at the spec\'s field', () => {
  const AT = '[apps/ops] charts.headlamp.';

  test.each([
    ['callers without podLabels', (c: Json) => { delete c.podLabels; },
      /^\[apps\/ops\] charts\.headlamp\.podLabels: is required with callers, egress, kubernetesApiEgress, ports: the chart's NetworkPolicies select its pods by these labels \(got nothing\)/],
    ['kubernetesApiEgress alone without podLabels', (c: Json) => { delete c.podLabels; delete c.ports; delete c.callers; delete c.egress; },
      /charts\.headlamp\.podLabels: is required with kubernetesApiEgress:/],
    ['empty podLabels, which select every pod of the namespace', (c: Json) => { c.podLabels = {}; },
      /charts\.headlamp\.podLabels: must hold at least one label: an empty selector selects every pod of the namespace/],
    ['a podLabels key out of the label grammar', (c: Json) => { c.podLabels = { 'app/name/x': 'headlamp' }; },
      /charts\.headlamp\.podLabels: has a key that/],
    ['a podLabels value out of the label grammar', (c: Json) => { c.podLabels = { app: 'head lamp' }; },
      /charts\.headlamp\.podLabels\.app: /],
    ['podLabels with no rule', (c: Json) => { delete c.ports; delete c.callers; delete c.egress; delete c.kubernetesApiEgress; },
      /charts\.headlamp\.podLabels: selects the chart's pods for network rules, and the chart has none.*Fix: add callers, egress or kubernetesApiEgress, or remove podLabels/],
    ['callers without ports', (c: Json) => { delete c.ports; },
      /charts\.headlamp\.ports: must list the ports of the chart's pods that its callers may reach; a rule without ports opens every port \(got nothing\)/],
    ['callers with an empty ports list', (c: Json) => { c.ports = []; }, /charts\.headlamp\.ports: must list the ports/],
    ['ports without callers', (c: Json) => { delete c.callers; }, /charts\.headlamp\.ports: are the ports callers may reach, and the chart has no callers/],
    ['a caller of 0.0.0.0/0 without a reason', (c: Json) => { c.callers = [{ cidr: '0.0.0.0/0' }]; },
      /^\[apps\/ops\] charts\.headlamp\.callers\[0\]\.reason: charts\.headlamp\.callers\[0\]\.cidr reaches .*the internet, which needs a reason \(got nothing\)\. Fix: narrow the CIDR, or say in charts\.headlamp\.callers\[0\]\.reason why the internet must reach the chart's pods/],
    ['a caller of ::/0 without a reason', (c: Json) => { c.callers = [{ cidr: '::/0' }]; }, /charts\.headlamp\.callers\[0\]\.reason: .*the internet, which needs a reason/],
    ['the internet as two /1 halves over two callers', (c: Json) => { c.callers = [{ cidr: '0.0.0.0/1' }, { cidr: '128.0.0.0/1' }]; },
      /charts\.headlamp\.callers\[0\]\.reason: together with charts\.headlamp\.callers\[1\]\.cidr, charts\.headlamp\.callers\[0\]\.cidr reaches/],
    ['the internet as two /1 halves, one without a reason', (c: Json) => { c.callers = [{ cidr: '0.0.0.0/1', reason: 'a public status page' }, { cidr: '128.0.0.0/1' }]; },
      /^\[apps\/ops\] charts\.headlamp\.callers\[1\]\.reason: together with charts\.headlamp\.callers\[0\]\.cidr/],
    ['egress to the internet without a reason', (c: Json) => { c.egress = [{ name: 'web', cidr: '0.0.0.0/0', ports: [{ port: 443 }] }]; },
      /charts\.headlamp\.egress\[0\]\.reason: .*the internet, which needs a reason/],
    ['a caller CIDR that is not one', (c: Json) => { c.callers = [{ cidr: '10.0.0.300/32' }]; }, /charts\.headlamp\.callers\[0\]\.cidr: is not a CIDR/],
    ['an egress CIDR that is not one', (c: Json) => { c.egress[0].cidr = 'example.com/32'; }, /charts\.headlamp\.egress\[0\]\.cidr: is not a CIDR/],
    ['a caller with cidr and namespace', (c: Json) => { c.callers = [{ cidr: '10.0.0.0/8', namespace: 'web' }]; },
      /charts\.headlamp\.callers\[0\]: sets cidr beside namespace or podLabels/],
    ['a caller with a reason and no cidr', (c: Json) => { c.callers[0].reason = 'because it must be reachable'; },
      /charts\.headlamp\.callers\[0\]\.reason: is only for a cidr caller/],
    ['a caller naming no one', (c: Json) => { c.callers = [{}]; }, /charts\.headlamp\.callers\[0\]: names no caller/],
    ['a caller namespace that is not a DNS label', (c: Json) => { c.callers = [{ namespace: 'Cloudflared' }]; }, /charts\.headlamp\.callers\[0\]\.namespace: must be a DNS-1123 label/],
    ['egress to the cloud metadata endpoint', (c: Json) => { c.egress = [{ name: 'meta', cidr: '169.254.169.254/32', ports: [{ port: 80 }] }]; },
      /charts\.headlamp\.egress\[0\]\.cidr: reaches the cloud metadata endpoint/],
    ['a destination with cidr and podLabels', (c: Json) => { c.egress[0].podLabels = { app: 'x' }; }, /charts\.headlamp\.egress\[0\]: sets cidr beside namespace or podLabels/],
  ])('%s', (_, edit, message) => {
    const errors = errorsOf(app((_s, c) => edit(c)));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(errors[0].startsWith(AT)).toBe(true);
  });

  test('kubernetesApiEgress when the platform settings name no apiServer', () => {
    expect(errorsOf(app(), {})).toEqual([
      `${AT}kubernetesApiEgress: needs the API server as a network peer, and the platform settings name no apiServer (got true). `
      + 'Fix: set apiServer in the platform settings, e.g. apiServer: { cidrs: ["10.96.0.1/32", "<control-plane node IP>/32"] }',
    ]);
  });

  test.each([
    ['a YAML 1.1 boolean spelled as a string', (c: Json) => { c.kubernetesApiEgress = 'yes'; }, /kubernetesApiEgress/],
    ['a port out of range', (c: Json) => { c.ports = [{ port: 70000 }]; }, /^\[apps\/ops\/charts\/headlamp\/ports\[0\]\] port: must be a number from 1 to 65535/],
    ['a protocol that is not TCP or UDP', (c: Json) => { c.ports = [{ port: 4466, protocol: 'SCTP' }]; }, /protocol/],
    ['a misspelt field', (c: Json) => { c.podLabel = c.podLabels; delete c.podLabels; }, /podLabel/],
    ['a prototype name as a field', (c: Json) => { Object.defineProperty(c, '__proto__', { value: { x: 1 }, enumerable: true }); }, /__proto__/],
  ])('refuses %s before anything is built', (_, edit, message) => {
    const result = compile([app((_s, c) => edit(c))], PLATFORM);
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors.join('\n')).toMatch(message);
    expect(result.objects).toEqual([]);
  });

  test.each([
    ['the app\'s part-of label', { 'app.kubernetes.io/part-of': 'ops' }, /selects the pods of Deployment api \(.*app\.kubernetes\.io\/name=api.*\), which the app builds/],
    ['a service\'s name label', { 'app.kubernetes.io/name': 'api' }, /selects the pods of Deployment api/],
    ['the managed-by label every pod of ours carries', { 'app.kubernetes.io/managed-by': 'cdk8s-guardrails' }, /selects the pods of Deployment api/],
    ['a service\'s selector and more', { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'headlamp' },
      /holds the selector of service api \(app\.kubernetes\.io\/name=api\), so that service's network rules would select the chart's pods too/],
  ])('refuses podLabels that select the app\'s own pods (%s), once for all environments', (_, podLabels, message) => {
    const errors = errorsOf(app((_s, c) => { c.podLabels = podLabels; delete c.environments; }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\[apps\/ops\] charts\.headlamp\.podLabels: /);
    expect(errors[0]).toMatch(message);
  });

  test('refuses podLabels that select the pods of an included object', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-network-'));
    try {
      const file = path.join(dir, 'tool.yaml');
      fs.writeFileSync(file, [
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata: { name: tool }',
        'spec:', '  selector: { matchLabels: { app: tool } }',
        '  template:', '    metadata: { labels: { app: tool, tier: web } }', '    spec: { containers: [{ name: tool, image: x }] }', '',
      ].join('\n'));
      const errors = errorsOf(app((s, c) => { s.environments.production.include = [file]; c.podLabels = { tier: 'web' }; }));
      expect(errors).toEqual([expect.stringMatching(/^\[apps\/ops\] charts\.headlamp\.podLabels: selects the pods of Deployment tool \(app=tool,tier=web\)/)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compile: a chart and a service of the same name', () => {
  const spec = app((s, c) => {
    s.services = {
      headlamp: {
        image: IMAGE, ports: [{ name: 'http', port: 8080 }],
        callers: [{ namespace: 'cloudflared', podLabels: { app: 'cloudflared' } }],
        egress: [{ name: 'oidc', cidr: '203.0.113.10/32', ports: [{ port: 443 }] }],
      },
    };
    // Labels only the chart's pods carry: its release name, the chart's key.
    c.podLabels = { 'app.kubernetes.io/instance': 'headlamp' };
  });
  const result = compile([spec], PLATFORM);

  test('compiles: their rules have distinct names, the service keeps its own', () => {
    expect(result.errors).toEqual([]);
    const names = policies(result.objects, 'ops-production').map(p => p.metadata.name);
    expect(new Set(names).size).toBe(names.length);
    const service = policy(result.objects, 'ops-production', 'allow-ingress-headlamp-from-cloudflared');
    expect(service.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'headlamp' } });
    expect(service.spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });

  test.each([
    ['ingress', /^allow-ingress-headlamp-from-cloudflared-[0-9a-f]{8}$/, 4466],
    ['egress', /^allow-egress-headlamp-to-oidc-[0-9a-f]{8}$/, 443],
  ])('the chart\'s colliding %s rule gets a hashed name and selects the chart\'s pods', (direction, name, port) => {
    const chart = policies(result.objects, 'ops-production').filter(p => name.test(p.metadata.name));
    expect(chart).toHaveLength(1);
    expect(chart[0].spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'headlamp' } });
    expect(chart[0].spec[direction][0].ports[0].port).toBe(port);
  });

  test('the same chart\'s names are stable across compiles', () => {
    const again = compile([spec], PLATFORM);
    expect(policies(again.objects, 'ops-production').map(p => p.metadata.name)).toEqual(policies(result.objects, 'ops-production').map(p => p.metadata.name));
  });

  test('a service with a name label equal to the chart\'s podLabels is refused, not merged', () => {
    const errors = errorsOf(app((s, c) => { s.services = { headlamp: s.services.api }; c.podLabels = HEADLAMP; }));
    expect(errors).toEqual([expect.stringMatching(/^\[apps\/ops\] charts\.headlamp\.podLabels: selects the pods of Deployment headlamp/)]);
  });
});

describe('compile: a chart\'s values files in the repo\'s checkout', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-values-'));
    fs.mkdirSync(path.join(root, 'charts/headlamp'), { recursive: true });
    fs.writeFileSync(path.join(root, 'charts/headlamp/values.yaml'), 'replicaCount: 1\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const withValues = (...files: string[]) => app((_s, c) => { c.valueFiles = files; });

  test('a file that exists there passes', () => {
    expect(compile([withValues('charts/headlamp/values.yaml')], PLATFORM, { repoRoot: root }).errors).toEqual([]);
  });

  test('a missing file is refused, naming the field and the path', () => {
    const errors = compile([withValues('charts/headlamp/values.yaml', 'charts/headlamp/prod.yaml')], PLATFORM, { repoRoot: root }).errors;
    expect(errors).toEqual([
      `[apps/ops] charts.headlamp.valueFiles[1]: is not a file of the app's repo (looked in ${path.resolve(root)}): Argo CD's sync would fail on it (got "charts/headlamp/prod.yaml"). `
      + 'Fix: add the values file to the repo (and commit it), or fix the path, which is relative to the repo\'s root',
    ]);
  });

  test('a folder is not a values file', () => {
    expect(compile([withValues('charts/headlamp')], PLATFORM, { repoRoot: root }).errors)
      .toEqual([expect.stringMatching(/^\[apps\/ops\] charts\.headlamp\.valueFiles\[0\]: is not a file of the app's repo/)]);
  });

  test('a symlink out of the repo is refused', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'secret.yaml'), 'a: 1\n');
      fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(root, 'charts/headlamp/linked.yaml'));
      expect(compile([withValues('charts/headlamp/linked.yaml')], PLATFORM, { repoRoot: root }).errors)
        .toEqual([expect.stringMatching(/^\[apps\/ops\] charts\.headlamp\.valueFiles\[0\]: leads out of the app's repo/)]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('without a checkout (repoRoot unset), values files are not looked for', () => {
    expect(compile([withValues('charts/headlamp/nowhere.yaml')], PLATFORM).errors).toEqual([]);
  });
});

describe('synth from the CLI: values files are looked for in the Git root', () => {
  let repo: string;
  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-cli-'));
    fs.mkdirSync(path.join(repo, '.git'));
    fs.mkdirSync(path.join(repo, 'k8s/apps'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'charts/headlamp'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'charts/headlamp/values.yaml'), 'replicaCount: 1\n');
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  async function synthWith(valueFiles: string[]) {
    const spec = app((_s, c) => { c.valueFiles = valueFiles; });
    fs.writeFileSync(path.join(repo, 'k8s/apps/index.js'), `exports.platform = ${JSON.stringify(PLATFORM)};\nexports.apps = [${JSON.stringify(spec)}];\n`);
    const err: string[] = [];
    const code = await main(['synth'], { out: () => undefined, err: l => err.push(l), cwd: path.join(repo, 'k8s'), env: {} });
    return { code, err: err.join('\n') };
  }

  test('a project in a subfolder: the path is from the repo\'s root, not the cwd', async () => {
    expect(await synthWith(['charts/headlamp/values.yaml'])).toEqual({ code: 0, err: expect.stringMatching(/wrote \d+ files/) });
  });

  test('a missing values file fails the synth, naming the field, and writes nothing', async () => {
    const { code, err } = await synthWith(['charts/headlamp/prod.yaml']);
    expect(code).toBe(1);
    expect(err).toContain(`[apps/ops] charts.headlamp.valueFiles[0]: is not a file of the app's repo (looked in ${repo})`);
    expect(fs.existsSync(path.join(repo, 'k8s/dist'))).toBe(false);
  });
});

describe('compile: the services\' rules keep their order beside charts', () => {
  test('per service: callers, calls, egress, the API server; then the charts\' rules', () => {
    const result = compile([app(s => {
      s.services.api.callers = [{ namespace: 'monitoring' }];
      s.services.api.calls = ['db'];
      s.services.api.egress = [{ name: 'smtp', cidr: '192.0.2.25/32', ports: [{ port: 587 }] }];
      s.services.db = { image: IMAGE, ports: [{ name: 'pg', port: 5432 }] };
    })], PLATFORM);
    expect(result.errors).toEqual([]);
    expect(policies(result.objects, 'ops-production').map(p => p.metadata.name)).toEqual([
      'default-deny-all', 'allow-egress-dns',
      'allow-ingress-api-from-monitoring', 'allow-egress-api-to-db', 'allow-ingress-db-from-api', 'allow-egress-api-to-smtp',
      'allow-ingress-headlamp-from-cloudflared', 'allow-egress-headlamp-to-oidc', 'allow-egress-headlamp-to-kubernetes-api',
    ]);
  });
});
