/**
 * npm run bench [-- --quick] [-- --sizes 100,1000] [-- --json file]: how long the whole synth takes
 * (compile, every gate rule, report, YAML) against raw cdk8s L1 and the YAML floor, for N services.
 *
 * Each size runs in a process of its own (so that one size's heap, JIT state and caches do not
 * colour another's), warms each contender up first, then interleaves repetitions (ours, L1, floor,
 * ours, ...) and takes medians. Peak RSS is measured in one more process per size that only runs
 * ours once, so that it is ours' own. A benchmark, not a test: nothing fails on a slow machine.
 *
 * The app: N services, each with a digest-pinned image, one port, 2 replicas (so a PDB), a caller
 * namespace, a call to its sibling and one egress CIDR: 8 objects per service (ServiceAccount,
 * Deployment, Service, PDB and four NetworkPolicies), plus the environment's own (Namespace,
 * quota, limits, default deny, DNS, deployer, AppProject, Application).
 *
 * - ours: compile() (spec validation, constructs, the gate with every rule and the schemas,
 *   YAML), then the security report (Markdown and JSON), as `npm run synth` does before writing.
 * - L1: the same objects built with cdk8s' L1 classes (cdk8s-plus-28's k8s, the Argo CD imports)
 *   in an App with the same two charts, `chart.toJson()` per chart and cdk8s' `Yaml.stringify`.
 *   Checked document for document deep-equal to ours before timing.
 * - floor: cdk8s' `Yaml.stringify` (the yaml library with cdk8s' options) of the same plain objects.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { App, Chart, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { AppSpec } from '../compiler/app-spec';
import { compile } from '../compiler/compile';
import { buildReport, renderMarkdown } from '../compiler/report';
import { checkManifests } from '../policy';
import { Application } from '../imports/argocd-application-argoproj.io';
import { AppProject } from '../imports/argocd-appproject-argoproj.io';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const ENV = 'production';
const REPO = 'https://github.com/acme/deploy.git';
const CALLER = 'ingress-nginx';
const CIDR = '10.40.0.0/24';
/**
 * Services per app: one namespace holds at most 10,000 pods (TenantQuota), so larger N is split
 * into apps of 1,000 services, each in its namespace (`bench-<i>-production`).
 */
const APP_SIZE = 1000;

/** The apps' names and sizes for N services. */
const appsOf = (n: number) => Array.from({ length: Math.ceil(n / APP_SIZE) }, (_, i) => ({ name: `bench-${i}`, size: Math.min(APP_SIZE, n - i * APP_SIZE) }));

/** The benchmark's apps: N services in all, one environment each, with a quota that fits them. */
export function benchSpec(n: number): AppSpec[] {
  return appsOf(n).map(({ name, size }) => {
    const services: AppSpec['services'] = {};
    for (let i = 0; i < size; i++) {
      services[`svc-${i}`] = {
        image: `ghcr.io/acme/svc-${i}:1.0.0@${DIGEST}`,
        replicas: 2,
        ports: [{ name: 'http', port: 8080 }],
        callers: [{ namespace: CALLER }],
        calls: [`svc-${(i + 1) % size}`],
        egress: [{ name: 'db', cidr: CIDR, ports: [{ port: 5432 }] }],
      };
    }
    return { name, repoURL: REPO, environments: { [ENV]: { quota: quota(size) } }, services };
  });
}

const quota = (n: number) => ({
  requestsCpu: `${n}`, requestsMemory: `${n}Gi`, limitsMemory: `${2 * n}Gi`, pods: 3 * n + 10, services: n + 10, persistentVolumeClaims: 10,
});

const MANAGED = { 'app.kubernetes.io/managed-by': 'cdk8s-guardrails' };
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const port = (p: number) => k8s.IntOrString.fromNumber(p);

/** The same objects, written by hand with cdk8s L1 classes, as a user of raw cdk8s would. */
function buildL1(n: number): App {
  const app = new App({ outdir: 'unused' });
  for (const { name, size } of appsOf(n)) buildL1App(app, name, size);
  return app;
}

function buildL1App(app: App, APP: string, n: number): void {
  const NS = `${APP}-${ENV}`;
  const platform = new Chart(app, `platform-${APP}`, { disableResourceNameHashes: true });
  const workloads = new Chart(app, `workloads-${APP}`, { disableResourceNameHashes: true, namespace: NS });
  const partOf = { 'app.kubernetes.io/part-of': APP, ...MANAGED };
  new k8s.KubeNamespace(platform, 'ns', {
    metadata: {
      name: NS,
      labels: {
        ...partOf, 'guardrails.cdk8s.io/environment': ENV,
        'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.28',
        'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.28',
        'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.28',
      },
    },
  });
  const q = quota(n);
  const quantity = (s: string | number) => k8s.Quantity.fromString(`${s}`);
  new k8s.KubeResourceQuota(platform, 'quota', {
    metadata: { name: 'tenant-quota', namespace: NS, labels: partOf },
    spec: {
      hard: {
        'requests.cpu': quantity(q.requestsCpu), 'requests.memory': quantity(q.requestsMemory), 'limits.memory': quantity(q.limitsMemory),
        'pods': quantity(q.pods), 'services': quantity(q.services), 'persistentvolumeclaims': quantity(q.persistentVolumeClaims),
        'services.loadbalancers': quantity(0), 'services.nodeports': quantity(0),
      },
    },
  });
  new k8s.KubeLimitRange(platform, 'limits', {
    metadata: { name: 'tenant-limits', namespace: NS, labels: partOf },
    spec: {
      limits: [{
        type: 'Container',
        defaultRequest: { cpu: quantity('100m'), memory: quantity('128Mi') },
        default: { memory: quantity('256Mi') },
        max: { memory: quantity('4Gi') },
      }],
    },
  });
  const policy = (name: string, spec: k8s.NetworkPolicySpec) => new k8s.KubeNetworkPolicy(platform, name, {
    metadata: { name, namespace: NS, labels: MANAGED }, spec,
  });
  policy('default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  policy('allow-egress-dns', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{
      to: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      }],
      ports: [{ port: port(53), protocol: 'UDP' }, { port: port(53), protocol: 'TCP' }],
    }],
  });
  const selector = (i: number) => ({ matchLabels: { 'app.kubernetes.io/name': `svc-${i}` } });
  const http = [{ port: port(8080), protocol: 'TCP' }];
  for (let i = 0; i < n; i++) {
    const name = `svc-${i}`;
    const next = (i + 1) % n;
    policy(`allow-ingress-${name}-from-${CALLER}`, {
      podSelector: selector(i), policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': CALLER } } }], ports: http }],
    });
    policy(`allow-egress-${name}-to-svc-${next}`, {
      podSelector: selector(i), policyTypes: ['Egress'], egress: [{ to: [{ podSelector: selector(next) }], ports: http }],
    });
    policy(`allow-ingress-svc-${next}-from-${name}`, {
      podSelector: selector(next), policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: selector(i) }], ports: http }],
    });
    policy(`allow-egress-${name}-to-db`, {
      podSelector: selector(i), policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: CIDR } }], ports: [{ port: port(5432), protocol: 'TCP' }] }],
    });

    const labels = { 'app.kubernetes.io/part-of': APP, 'app.kubernetes.io/name': name, ...MANAGED };
    const metadata = { name, namespace: NS, labels };
    new k8s.KubeServiceAccount(workloads, `${name}-sa`, { metadata, automountServiceAccountToken: false });
    new k8s.KubeDeployment(workloads, `${name}-deployment`, {
      metadata,
      spec: {
        replicas: 2,
        revisionHistoryLimit: 5,
        selector: selector(i),
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            hostNetwork: false,
            hostPid: false,
            hostIpc: false,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name,
              image: `ghcr.io/acme/${name}:1.0.0@${DIGEST}`,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              resources: { requests: { cpu: quantity('100m'), memory: quantity('128Mi') }, limits: { memory: quantity('256Mi') } },
              securityContext: {
                allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
                capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [{ name: 'writable-tmp', mountPath: '/tmp' }],
              readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('http') }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 },
            }],
            volumes: [{ name: 'writable-tmp', emptyDir: { sizeLimit: quantity('64Mi') } }],
            // More than one replica: spread over nodes, softly.
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector(i) }],
          },
        },
      },
    });
    new k8s.KubeService(workloads, `${name}-service`, {
      metadata,
      spec: { type: 'ClusterIP', selector: selector(i).matchLabels, ports: [{ name: 'http', port: 8080, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }] },
    });
    new k8s.KubePodDisruptionBudget(workloads, `${name}-pdb`, {
      metadata, spec: { maxUnavailable: port(1), selector: selector(i) },
    });
  }
  const all = (resources: string[], apiGroup: string) => ({ apiGroups: [apiGroup], resources, verbs: VERBS });
  new k8s.KubeServiceAccount(platform, 'deployer-sa', { metadata: { name: 'deployer', namespace: NS, labels: MANAGED }, automountServiceAccountToken: false });
  new k8s.KubeRole(platform, 'deployer-role', {
    metadata: { name: 'deployer', namespace: NS, labels: MANAGED },
    // Every verb on what the sync applies; reads for the Argo CD UI on what the Deployments' controllers make.
    rules: [
      all(['serviceaccounts', 'services'], ''), { apiGroups: [''], resources: ['events', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      all(['deployments'], 'apps'), { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
      all(['poddisruptionbudgets'], 'policy'),
    ],
  });
  new k8s.KubeRoleBinding(platform, 'deployer-binding', {
    metadata: { name: 'deployer', namespace: NS, labels: MANAGED },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
    subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: NS }],
  });
  const server = 'https://kubernetes.default.svc';
  new AppProject(platform, 'project', {
    metadata: { name: APP, namespace: 'argocd', labels: partOf },
    spec: {
      description: `${APP}: environments ${ENV} on cluster in-cluster`,
      sourceRepos: [REPO],
      destinations: [{ namespace: NS, server }],
      destinationServiceAccounts: [{ namespace: NS, server, defaultServiceAccount: 'deployer' }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [
        { group: '', kind: 'Service' }, { group: '', kind: 'ServiceAccount' }, { group: 'apps', kind: 'Deployment' }, { group: 'policy', kind: 'PodDisruptionBudget' },
      ],
      orphanedResources: { warn: true },
    },
  });
  new Application(platform, 'application', {
    metadata: { name: NS, namespace: 'argocd', labels: { ...partOf, 'guardrails.cdk8s.io/environment': ENV } },
    spec: {
      project: APP,
      source: { repoUrl: REPO, targetRevision: 'main', path: `dist/apps/${APP}/${ENV}`, directory: { include: '*.yaml' } },
      destination: { namespace: NS, server },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=false'] },
    },
  });
}

/** Raw cdk8s: build, toJson per chart (cdk8s validates inside), Yaml.stringify per chart. */
function runL1(n: number): { docs: any[][]; yaml: string[] } {
  const app = buildL1(n);
  const docs = app.charts.map(c => c.toJson());
  return { docs, yaml: docs.map(d => Yaml.stringify(...d)) };
}

function runOurs(specs: AppSpec[]) {
  const result = compile(specs);
  if (result.errors.length || !result.gate) throw new Error(`the bench app does not compile:\n${result.errors.slice(0, 10).join('\n')}`);
  const report = buildReport(result.objects, result.gate);
  const markdown = renderMarkdown(report);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  return { result, markdown, json };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function gc() {
  (global as any).gc?.();
}

/** One size, in this process: the objects checked equal, then timed repetitions. */
function child(n: number, reps: number): void {
  const specs = benchSpec(n);
  // Correctness first, untimed: L1 builds exactly our objects, chart by chart, document by document.
  const ours = runOurs(specs);
  const l1 = runL1(n);
  const apps = appsOf(n).length;
  const objects = 8 * n + 10 * apps;
  if (Object.keys(ours.result.files).length !== 2 * apps || ours.result.objects.length !== objects) {
    throw new Error(`expected ${2 * apps} files and ${objects} objects, got ${Object.keys(ours.result.files).length} and ${ours.result.objects.length}`);
  }
  const keyOf = (o: any) => `${o.metadata.namespace ?? ''}/${o.kind}/${o.metadata.name}`;
  const sortDocs = (docs: any[]) => [...docs].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const a = sortDocs(l1.docs.flat());
  const b = sortDocs(ours.result.objects);
  if (a.length !== b.length) throw new Error(`L1 has ${a.length} documents, ours ${b.length}`);
  a.forEach((doc, j) => {
    if (!isDeepStrictEqual(doc, b[j])) throw new Error(`L1 and ours differ at ${keyOf(doc)}:\n${JSON.stringify(doc)}\n${JSON.stringify(b[j])}`);
  });
  // The floor: the same plain objects (L1's, equal to ours), one string per chart.
  const runFloor = () => l1.docs.map(docs => Yaml.stringify(...docs));

  const samples: Record<string, number[]> = { ours: [], l1: [], floor: [], gate: [], report: [] };
  const contenders: [string, () => void][] = [
    ['ours', () => { runOurs(specs); }],
    ['l1', () => { runL1(n); }],
    ['floor', () => { runFloor(); }],
  ];
  // Parts of ours, timed on their own (they run inside compile in the total above).
  const parts: [string, () => void][] = [
    ['gate', () => { checkManifests(ours.result.objects); }],
    ['report', () => { const report = buildReport(ours.result.objects, ours.result.gate!); renderMarkdown(report); JSON.stringify(report, null, 2); }],
  ];
  // Warm-up: each contender once more at this size (the correctness run was the first).
  for (const [, fn] of [...contenders, ...parts]) fn();
  for (let r = 0; r < reps; r++) {
    // Interleaved, and rotated so that no contender always runs right after a collection.
    const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]);
    for (const [name, fn] of [...order, ...parts]) {
      gc();
      samples[name].push(time(fn));
    }
  }
  const out = Object.fromEntries(Object.entries(samples).filter(([, v]) => v.length).map(([k, v]) => [k, { median: median(v), samples: v }]));
  process.stdout.write(`${JSON.stringify({ n, reps, objects: ours.result.objects.length, times: out })}\n`);
}

/** Peak RSS of a process that builds only ours once at this size (beyond the loaded modules). */
function rssChild(n: number, which: string): void {
  const specs = benchSpec(n);
  const before = process.resourceUsage().maxRSS;
  if (which === 'ours') runOurs(specs);
  else if (which === 'l1') runL1(n);
  process.stdout.write(`${JSON.stringify({ n, which, baseKiB: before, peakKiB: process.resourceUsage().maxRSS })}\n`);
}

/** Least-squares slope of log(y) over log(x): y grows as x^slope. */
function exponent(points: [number, number][]): number {
  const xs = points.map(p => Math.log(p[0]));
  const ys = points.map(p => Math.log(p[1]));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return num / den;
}

function spawnSelf(args: string[]): any {
  const tsx = require.resolve('tsx');
  const result = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', tsx, __filename, ...args], {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`bench ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

function parent(argv: string[]): void {
  const quick = argv.includes('--quick');
  const sizesAt = argv.indexOf('--sizes');
  const jsonAt = argv.indexOf('--json');
  const sizes = sizesAt >= 0 ? argv[sizesAt + 1].split(',').map(Number) : quick ? [100, 1000] : [100, 1000, 10000];
  const jsonFile = jsonAt >= 0 ? argv[jsonAt + 1] : path.join('bench', 'results.json');
  const repsFor = (n: number) => (n <= 100 ? 21 : n <= 1000 ? 7 : 3);
  const load = () => os.loadavg().map(l => l.toFixed(2)).join(' ');
  const rows: any[] = [];
  for (const n of sizes) {
    const loadBefore = load();
    process.stderr.write(`N = ${n}: ${repsFor(n)} repetitions, load ${loadBefore}...\n`);
    const timing = spawnSelf(['--child', String(n), String(repsFor(n))]);
    const rss = spawnSelf(['--rss', String(n), 'ours']);
    const rssL1 = spawnSelf(['--rss', String(n), 'l1']);
    rows.push({ ...timing, load: [loadBefore, load()], rssKiB: { ours: rss.peakKiB, l1: rssL1.peakKiB, base: rss.baseKiB } });
  }
  const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
  const lines = [
    `| N | objects | ours | L1 | floor | ours/L1 | ours/floor | gate | report | peak RSS ours | peak RSS L1 | load (1/5/15 min) |`,
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(r => `| ${r.n.toLocaleString('en')} | ${r.objects.toLocaleString('en')} | ${ms(r.times.ours.median)} | ${ms(r.times.l1.median)} | ${ms(r.times.floor.median)} `
      + `| ${(r.times.ours.median / r.times.l1.median).toFixed(2)}× | ${(r.times.ours.median / r.times.floor.median).toFixed(2)}× `
      + `| ${ms(r.times.gate.median)} | ${ms(r.times.report.median)} | ${(r.rssKiB.ours / 1024).toFixed(0)} MiB | ${(r.rssKiB.l1 / 1024).toFixed(0)} MiB | ${r.load[0]} |`),
  ];
  const fitted = rows.filter(r => r.n >= 1000);
  const growth = fitted.length >= 2 ? {
    from: fitted[0].n, to: fitted[fitted.length - 1].n,
    time: Object.fromEntries(['ours', 'l1', 'floor'].map(k => [k, exponent(fitted.map(r => [r.n, r.times[k].median]))])),
    // Beyond the loaded modules, which do not grow with N.
    rss: Object.fromEntries(['ours', 'l1'].map(k => [k, exponent(fitted.map(r => [r.n, Math.max(1, r.rssKiB[k] - r.rssKiB.base)]))])),
    rssTotal: Object.fromEntries(['ours', 'l1'].map(k => [k, exponent(fitted.map(r => [r.n, r.rssKiB[k]]))])),
  } : undefined;
  if (growth) {
    lines.push('', `Growth exponent from N = ${growth.from} to ${growth.to} (1 = linear): time ours ${growth.time.ours.toFixed(2)}, L1 ${growth.time.l1.toFixed(2)}, floor ${growth.time.floor.toFixed(2)}; `
      + `peak RSS above the loaded modules ours ${growth.rss.ours.toFixed(2)}, L1 ${growth.rss.l1.toFixed(2)} (whole process ours ${growth.rssTotal.ours.toFixed(2)}, L1 ${growth.rssTotal.l1.toFixed(2)})`);
  }
  const cpu = os.cpus();
  lines.push('', `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, Node ${process.version}; medians of interleaved repetitions, one process per N`);
  process.stdout.write(`${lines.join('\n')}\n`);
  fs.mkdirSync(path.dirname(path.resolve(jsonFile)), { recursive: true });
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a Git checkout
  }
  fs.writeFileSync(jsonFile, `${JSON.stringify({
    date: new Date().toISOString(), commit, node: process.version, cpus: cpu.length, cpu: cpu[0]?.model, rows, growth,
  }, null, 2)}\n`);
  process.stderr.write(`wrote ${jsonFile}\n`);
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') child(Number(argv[1]), Number(argv[2]));
  else if (argv[0] === '--rss') rssChild(Number(argv[1]), argv[2]);
  else parent(argv);
}
