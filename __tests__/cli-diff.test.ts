import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { main } from '../cli/main';
import { Category, NO_CHANGE, renderSecurityDiff, SecurityChange, securityDiff } from '../compiler/security-diff';
import { checkManifests, Json } from '../policy';

const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;

/** A small hardened set: a namespace, a workload, its deployer's RBAC, network policies and an ArgoCD project. */
function baseSet(): Json[] {
  const labels = { 'app.kubernetes.io/name': 'api' };
  return [
    {
      apiVersion: 'v1', kind: 'Namespace',
      metadata: {
        name: 'shop',
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.33',
          'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: 'api', automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'api', image: `ghcr.io/acme/api:1.0@${DIGEST_A}`,
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
              readinessProbe: { httpGet: { path: '/readyz', port: 8080 } },
            }],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api', namespace: 'shop' }, automountServiceAccountToken: false },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: 'shop' }, automountServiceAccountToken: false },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'deployer', namespace: 'shop' },
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'deployer', namespace: 'shop' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'shop' }],
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-ingress-api', namespace: 'shop' },
      spec: {
        podSelector: { matchLabels: labels }, policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
      },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'shop', namespace: 'argocd' },
      spec: {
        sourceRepos: ['https://github.com/acme/deploy.git'],
        destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'shop' }],
        destinationServiceAccounts: [{ server: 'https://kubernetes.default.svc', namespace: 'shop', defaultServiceAccount: 'deployer' }],
        clusterResourceWhitelist: [],
        namespaceResourceWhitelist: [{ group: 'apps', kind: 'Deployment' }, { group: '', kind: 'Service' }],
      },
    },
  ];
}

const find = (objects: Json[], kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata.name === name)!;
const pod = (objects: Json[]) => find(objects, 'Deployment', 'api').spec.template.spec;
const container = (objects: Json[]) => pod(objects).containers[0];

/** Applies `change` to a fresh base set. */
function changed(change: (objects: Json[]) => void): Json[] {
  const objects = baseSet();
  change(objects);
  return objects;
}

test('identical sets: no change, and the Markdown says so', () => {
  expect(checkManifests(baseSet()).findings).toEqual([]);
  const diff = securityDiff(baseSet(), baseSet());
  expect(diff.changes).toEqual([]);
  expect(renderSecurityDiff(diff, { base: 'origin/main', head: 'HEAD' })).toBe(`## Security diff origin/main → HEAD\n\n${NO_CHANGE}\n`);
});

const CASES: [string, (objects: Json[]) => void, Partial<SecurityChange> & { category: Category }][] = [
  ['a new waiver, with its reason', o => {
    find(o, 'Deployment', 'api').metadata.annotations = { 'guardrails.cdk8s.io/waive.hardening.read-only-root': 'the legacy app writes /app/cache' };
    container(o).securityContext.readOnlyRootFilesystem = false;
  }, { category: 'departures', change: 'added', subject: 'Deployment shop/api', what: 'waiver hardening.read-only-root', reason: 'the legacy app writes /app/cache' }],
  ['a writable root filesystem', o => { container(o).securityContext.readOnlyRootFilesystem = false; },
    { category: 'workloads', change: 'changed', what: 'container api: readOnlyRootFilesystem', before: 'true', after: 'false' }],
  ['a root user', o => { pod(o).securityContext.runAsUser = 0; },
    { category: 'workloads', change: 'changed', what: 'container api: runAsUser', before: '65532', after: '0' }],
  ['runAsNonRoot dropped', o => { delete pod(o).securityContext.runAsNonRoot; },
    { category: 'workloads', change: 'changed', what: 'container api: runAsNonRoot', before: 'true', after: 'unset' }],
  ['an added capability', o => { container(o).securityContext.capabilities.add = ['NET_ADMIN']; },
    { category: 'workloads', change: 'added', what: 'container api: added capability', after: 'NET_ADMIN' }],
  ['the host network', o => { pod(o).hostNetwork = true; },
    { category: 'workloads', change: 'changed', what: 'hostNetwork', before: 'false', after: 'true' }],
  ['a lower Pod Security level', o => { find(o, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline'; },
    { category: 'podSecurity', change: 'changed', subject: 'Namespace shop', what: 'enforce', before: 'restricted', after: 'baseline' }],
  ['a service account that can now read secrets', o => { find(o, 'Role', 'deployer').rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }); },
    { category: 'permissions', change: 'added', subject: 'ServiceAccount shop:deployer', what: 'can now', after: 'shop: secrets get' }],
  ['a service account that can no longer patch', o => { find(o, 'Role', 'deployer').rules[0].verbs = ['get']; },
    { category: 'permissions', change: 'removed', subject: 'ServiceAccount shop:deployer', what: 'can no longer', before: 'shop: deployments.apps patch' }],
  ['a new network allow', o => {
    find(o, 'NetworkPolicy', 'allow-ingress-api').spec.egress = [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }];
  }, { category: 'network', change: 'added', subject: 'Namespace shop', what: 'allow', after: 'egress allow-ingress-api: pods app.kubernetes.io/name=api to 0.0.0.0/0 on all ports' }],
  ['default deny removed', o => { o.splice(o.indexOf(find(o, 'NetworkPolicy', 'default-deny')), 1); },
    { category: 'network', change: 'changed', subject: 'Namespace shop', what: 'default deny', before: 'ingress and egress', after: 'none' }],
  ['a new digest', o => { container(o).image = `ghcr.io/acme/api:1.1@${DIGEST_B}`; },
    { category: 'images', change: 'changed', what: 'container api', before: `ghcr.io/acme/api:1.0@${DIGEST_A}`, after: `ghcr.io/acme/api:1.1@${DIGEST_B}` }],
  ['an unpinned image', o => { container(o).image = 'ghcr.io/acme/api:latest'; },
    { category: 'images', change: 'changed', what: 'container api', after: 'ghcr.io/acme/api:latest (unpinned)' }],
  ['an AppProject that takes any repo', o => { find(o, 'AppProject', 'shop').spec.sourceRepos.push('*'); },
    { category: 'argocd', change: 'added', subject: 'AppProject shop', what: 'source repo', after: '*' }],
  ['an AppProject that may create namespaces', o => { find(o, 'AppProject', 'shop').spec.clusterResourceWhitelist.push({ group: '', kind: 'Namespace' }); },
    { category: 'argocd', change: 'added', subject: 'AppProject shop', what: 'cluster-scoped kind', after: 'Namespace.' }],
  ['an AppProject that may sync NetworkPolicies', o => { find(o, 'AppProject', 'shop').spec.namespaceResourceWhitelist.push({ group: 'networking.k8s.io', kind: 'NetworkPolicy' }); },
    { category: 'argocd', change: 'added', subject: 'AppProject shop', what: 'namespaced kind', after: 'NetworkPolicy.networking.k8s.io' }],
  ['an AppProject that drops its whitelist (every kind)', o => { delete find(o, 'AppProject', 'shop').spec.namespaceResourceWhitelist; },
    { category: 'argocd', change: 'added', subject: 'AppProject shop', what: 'namespaced kind', after: '*' }],
  ['an AppProject with another destination', o => { find(o, 'AppProject', 'shop').spec.destinations.push({ server: 'https://kubernetes.default.svc', namespace: 'kube-system' }); },
    { category: 'argocd', change: 'added', subject: 'AppProject shop', what: 'destination', after: 'https://kubernetes.default.svc kube-system' }],
  ['a new gate finding', o => { delete container(o).securityContext.capabilities; },
    { category: 'findings', change: 'added', subject: 'Deployment shop/api', what: 'finding' }],
  ['a removed object', o => { o.splice(o.indexOf(find(o, 'ServiceAccount', 'api')), 1); },
    { category: 'objects', change: 'removed', subject: 'ServiceAccount shop/api' }],
];

test.each(CASES)('shows %s', (_, change, expected) => {
  const diff = securityDiff(baseSet(), changed(change));
  expect(diff.changes).toContainEqual(expect.objectContaining(expected));
  const markdown = renderSecurityDiff(diff);
  expect(markdown).not.toContain(NO_CHANGE);
  expect(markdown).toContain(`### ${({
    departures: 'Exceptions and waivers', workloads: 'Workload hardening', podSecurity: 'Pod Security levels', permissions: 'Service account permissions',
    network: 'Network', images: 'Images', argocd: 'ArgoCD projects', findings: 'Gate findings', objects: 'Objects added or removed',
  } as Record<Category, string>)[expected.category]}`);
  // The reverse diff shows the opposite.
  const back = securityDiff(changed(change), baseSet()).changes.filter(c => c.category === expected.category);
  expect(back.length).toBeGreaterThan(0);
});

test('a wildcard grant reads the same on both sides: asking about a resource only the head names adds nothing', () => {
  const wildcard = (o: Json[]) => { find(o, 'Role', 'deployer').rules = [{ apiGroups: ['*'], resources: ['*'], verbs: ['get'] }]; };
  const head = changed(o => {
    wildcard(o);
    o.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: 'shop' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }] });
  });
  const diff = securityDiff(changed(wildcard), head);
  expect(diff.changes.filter(c => c.category === 'permissions')).toEqual([]);
});

test('input is escaped as the security report escapes it: no table break, HTML or emphasis from a reason', () => {
  const diff = securityDiff(baseSet(), changed(o => {
    find(o, 'Deployment', 'api').metadata.annotations = { 'guardrails.cdk8s.io/waive.hardening.read-only-root': 'cache | <img src=x onerror=alert(1)> **now**' };
    container(o).securityContext.readOnlyRootFilesystem = false;
  }));
  const markdown = renderSecurityDiff(diff, { base: '<b>main</b>' });
  expect(markdown).toContain('cache \\| &lt;img src=x onerror=alert(1)&gt; \\*\\*now\\*\\*');
  expect(markdown).toContain('## Security diff &lt;b&gt;main&lt;/b&gt; → working tree');
  expect(markdown).not.toMatch(/<img|<b>/);
  for (const row of markdown.split('\n').filter(l => l.startsWith('| Deployment'))) expect(row.split(/(?<!\\)\|/).length).toBe(8);
});

describe('the diff command', () => {
  let work: string;
  beforeEach(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-diff-')); });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  function writeSet(dir: string, objects: Json[]) {
    fs.rmSync(path.join(work, dir), { recursive: true, force: true });
    fs.mkdirSync(path.join(work, dir, 'apps'), { recursive: true });
    fs.writeFileSync(path.join(work, dir, 'platform.k8s.yaml'), objects.filter(o => o.kind === 'Namespace' || o.kind === 'AppProject').map(o => stringify(o)).join('---\n'));
    fs.writeFileSync(path.join(work, dir, 'apps', 'workloads.k8s.yaml'), objects.filter(o => o.kind !== 'Namespace' && o.kind !== 'AppProject').map(o => stringify(o)).join('---\n'));
  }
  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: l => out.push(l), err: l => err.push(l), cwd: work });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: work, stdio: 'pipe' }).toString();

  test('two folders: each change as a table row; identical folders: no change', async () => {
    writeSet('base', baseSet());
    writeSet('head', changed(o => { pod(o).securityContext.runAsUser = 0; find(o, 'AppProject', 'shop').spec.sourceRepos.push('*'); }));
    const { code, out } = await cli('diff', 'base', 'head');
    expect(code).toBe(0);
    expect(out).toContain('## Security diff base → head');
    expect(out).toContain('| Deployment shop/api | **changed** | container api: runAsUser | 65532 | 0 |  |');
    expect(out).toContain('| AppProject shop | **added** | source repo |  | \\* |  |');
    writeSet('head', baseSet());
    expect((await cli('diff', 'base', 'head')).out).toContain(NO_CHANGE);
    const json = JSON.parse((await cli('diff', '--json', 'base', 'head')).out);
    expect(json).toEqual({ changes: [], headFailures: 0 });
  });

  test('Git revisions: dist/ as committed at each, and the working tree by default', async () => {
    git('init', '-q');
    writeSet('dist', baseSet());
    git('add', 'dist');
    git('commit', '-q', '-m', 'base');
    writeSet('dist', changed(o => { container(o).securityContext.capabilities.add = ['NET_RAW']; }));
    git('commit', '-q', '-am', 'head');
    const committed = await cli('diff', 'HEAD~1', 'HEAD');
    expect(committed.code).toBe(0);
    expect(committed.out).toContain('## Security diff HEAD\\~1 → HEAD');
    expect(committed.out).toContain('| Deployment shop/api | **added** | container api: added capability |  | NET\\_RAW |  |');
    expect(committed.out).toContain('**The head fails the gate with 2 unwaived error(s).**');
    expect(committed.out).toMatch(/\| Deployment shop\/api \| \*\*added\*\* \| finding \|  \| error pss\.restricted\.capabilities /);
    // The working tree: another change on top, not committed.
    writeSet('dist', changed(o => { find(o, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged'; }));
    const working = await cli('diff', 'HEAD');
    expect(working.out).toContain('## Security diff HEAD → working tree');
    expect(working.out).toContain('| Namespace shop | **changed** | enforce | restricted | privileged |  |');
    expect(working.out).toContain('| Deployment shop/api | **removed** | container api: added capability | NET\\_RAW |  |  |');
    // From a subfolder, --dist names the folder from there; a revision without it has no objects.
    fs.mkdirSync(path.join(work, 'sub'));
    expect((await main(['diff', 'HEAD', 'HEAD~1', '--dist', '../dist'], { out: () => undefined, err: () => undefined, cwd: path.join(work, 'sub') }))).toBe(0);
    const empty = await cli('diff', 'HEAD', 'HEAD~1', '--dist', 'nothing-here');
    expect(empty.out).toContain(NO_CHANGE);
  });

  test('an argument that is neither a folder nor a revision exits 2', async () => {
    const outside = await cli('diff', 'origin/main');
    expect(outside.code).toBe(2);
    expect(outside.err).toMatch(/origin\/main: no such folder, and .* is not in a Git repo/);
    git('init', '-q');
    const unknown = await cli('diff', 'no-such-branch', 'HEAD');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no-such-branch: neither a folder nor a Git revision/);
  });
});
