import { AppSpec, PlatformSpec } from '../compiler/app-spec';
import { compile } from '../compiler/compile';
import { checkManifests } from '../policy/gate';
import { canI } from '../policy/rbac';
import { IMAGE } from './support/workloads';

const REPO = 'https://github.com/acme/deploy';
const REASON = 'cert-manager issues the shop\'s TLS certificates';

function shop(edit: (spec: any) => void = () => undefined): AppSpec {
  const spec: any = {
    name: 'shop', repoURL: REPO,
    environments: { staging: {}, production: {} },
    services: { api: { image: IMAGE, ports: [{ name: 'http', port: 8080 }] } },
    charts: {
      'cert-manager': {
        repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.14.4',
        valueFiles: ['charts/cert-manager/values.yaml'], kinds: ['Deployment', 'ServiceAccount', 'Service', 'ConfigMap', 'Job'], reason: REASON,
      },
    },
  };
  edit(spec);
  return spec;
}

const PLATFORM: PlatformSpec = { repoURL: 'https://github.com/acme/platform-deploy', reservedNamespaces: ['cert-manager'] };
const byKind = (objects: any[], kind: string) => objects.filter(o => o.kind === kind);
const one = (objects: any[], test: (o: any) => boolean) => {
  const found = objects.filter(test);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('compile: Helm charts of an app', () => {
  const result = compile([shop()]);

  test('compiles with no error and no unwaived finding', () => {
    expect(result.errors).toEqual([]);
    expect(result.gate!.failures).toEqual([]);
  });

  test('one Application per environment, in the app\'s project, into the environment\'s namespace', () => {
    const apps = byKind(result.objects, 'Application').filter(a => a.metadata.labels['guardrails.cdk8s.io/chart'] === 'cert-manager');
    expect(apps.map(a => [a.metadata.name, a.spec.project, a.spec.destination.namespace])).toEqual([
      ['shop-staging-cert-manager', 'shop', 'shop-staging'],
      ['shop-production-cert-manager', 'shop', 'shop-production'],
    ]);
    expect(apps[1].spec.sources[1]).toEqual({ repoURL: REPO, targetRevision: 'main', ref: 'values' });
  });

  test('the project whitelists exactly what the deployers apply: the services\' kinds and the chart\'s', () => {
    const project = one(result.objects, o => o.kind === 'AppProject' && o.metadata.name === 'shop');
    expect(project.spec.namespaceResourceWhitelist).toEqual([
      { group: '', kind: 'ConfigMap' }, { group: '', kind: 'Service' }, { group: '', kind: 'ServiceAccount' },
      { group: 'apps', kind: 'Deployment' }, { group: 'batch', kind: 'Job' },
    ]);
    expect(project.spec).not.toHaveProperty('namespaceResourceBlacklist');
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
    expect(project.spec.orphanedResources).toEqual({ warn: true });
    expect(project.spec.sourceRepos).toEqual([REPO, 'https://charts.jetstack.io']);
  });

  test('the deployer may apply the chart\'s kinds (a Job here) and read its pods\' logs, and still no Secrets', () => {
    const sa = 'system:serviceaccount:shop-production:deployer';
    expect(canI(result.objects, sa, 'create', 'batch', 'jobs', 'shop-production')).toBe(true);
    expect(canI(result.objects, sa, 'get', '', 'pods/log', 'shop-production')).toBe(true);
    expect(canI(result.objects, sa, 'list', '', 'events', 'shop-production')).toBe(true);
    expect(canI(result.objects, sa, 'get', '', 'secrets', 'shop-production')).toBe(false);
    expect(canI(result.objects, sa, 'create', 'rbac.authorization.k8s.io', 'roles', 'shop-production')).toBe(false);
  });

  test('each chart Application is a departure with its reason in the gate\'s report', () => {
    const departures = result.gate!.departures.filter(d => d.annotation === 'guardrails.cdk8s.io/exception.helm-chart');
    expect(departures.map(d => [d.object, d.reason])).toEqual([
      ['Application argocd/shop-staging-cert-manager', REASON],
      ['Application argocd/shop-production-cert-manager', REASON],
    ]);
  });

  test.each([
    ['an unpinned version', (s: any) => { s.charts['cert-manager'].version = '^1.2'; }, /\[apps\/shop\] charts\.cert-manager\.version: must pin one chart version/],
    ['latest', (s: any) => { s.charts['cert-manager'].version = 'latest'; }, /charts\.cert-manager\.version: must pin/],
    ['a glob repo', (s: any) => { s.charts['cert-manager'].repoURL = 'https://charts.jetstack.io/*'; }, /charts\.cert-manager\.repoURL: a chart repository is one literal URL/],
    ['a missing reason', (s: any) => { delete s.charts['cert-manager'].reason; }, /\[apps\/shop\/charts\/cert-manager\] reason: is required/],
    ['a chart name that is not a DNS label', (s: any) => { s.charts = { 'Cert_Manager': s.charts['cert-manager'] }; }, /\[apps\/shop\] charts: must be a DNS-1123 label/],
    ['a fence kind', (s: any) => { s.charts['cert-manager'].kinds = ['Deployment', 'RoleBinding']; }, /\[apps\/shop\] charts\.cert-manager\.kinds\[1\]: is not a kind a tenant may own.*\(got "RoleBinding"\)/],
    ['a cluster-scoped kind', (s: any) => { s.charts['cert-manager'].kinds = ['ClusterRole']; }, /charts\.cert-manager\.kinds\[0\]: is not a kind a tenant may own/],
    // At the spec's field, once: the deployer refused these by its construct path, written twice (property seed 20261201).
    ['a Secret', (s: any) => { s.charts['cert-manager'].kinds = ['Secret']; }, /^\[apps\/shop\] charts\.cert-manager\.kinds\[0\]: is a Secret, and an app's deployer never applies Secrets.*\(got "Secret"\)\. Fix: /],
    ['a DaemonSet in a restricted namespace', (s: any) => { s.charts['cert-manager'].kinds = ['DaemonSet']; }, /^\[apps\/shop\] charts\.cert-manager\.kinds\[0\]: is a DaemonSet, a pod on every node.*installed in staging, production, which enforce "restricted" \(got "DaemonSet"\)/],
    ['an unknown environment', (s: any) => { s.charts['cert-manager'].environments = ['qa']; }, /charts\.cert-manager\.environments\[0\]: is not an environment of the app/],
    ['an unknown field', (s: any) => { s.charts['cert-manager'].values = { replicas: 2 }; }, /charts.*values/],
    ['a chart repo in sourceRepos', (s: any) => { s.sourceRepos = [REPO, 'oci://ghcr.io/acme/charts/api']; }, /sourceRepos\[1\]: is a chart repository/],
  ])('refuses %s', (_, edit, message) => {
    const refused = compile([shop(edit)]);
    expect(refused.files).toEqual({});
    expect(refused.errors.join('\n')).toMatch(message);
    // No refusal names its path twice.
    for (const e of refused.errors) expect(e).not.toMatch(/^(\[[^\]]+\]) \1/);
  });

  test('a DaemonSet chart installed only in a baseline environment is accepted, and its deployer there may apply DaemonSets', () => {
    const accepted = compile([shop(s => {
      s.environments.production = { podSecurity: 'baseline', podSecurityReason: 'the node agent of the chart reads host metrics' };
      s.charts['cert-manager'].kinds = ['DaemonSet'];
      s.charts['cert-manager'].environments = ['production'];
    })]);
    expect(accepted.errors).toEqual([]);
    expect(canI(accepted.objects, 'system:serviceaccount:shop-production:deployer', 'create', 'apps', 'daemonsets', 'shop-production')).toBe(true);
  });
});

describe('compile: the platform bootstrap', () => {
  const result = compile([shop()], PLATFORM);
  const bootstrap = () => result.objects.filter(o => o.metadata?.labels?.['app.kubernetes.io/part-of'] === 'platform');

  test('is written to platform/bootstrap.k8s.yaml only when the platform names its repo', () => {
    expect(result.errors).toEqual([]);
    expect(Object.keys(result.files)).toContain('platform/bootstrap.k8s.yaml');
    expect(Object.keys(compile([shop()]).files)).not.toContain('platform/bootstrap.k8s.yaml');
    expect(result.files['platform/bootstrap.k8s.yaml']).toMatch(/^# Generated by cdk8s-guardrails/);
  });

  test('the platform project trusts its repo only and reaches the Argo CD and tenant namespaces on its cluster', () => {
    const project = one(bootstrap(), o => o.kind === 'AppProject');
    expect(project.metadata).toMatchObject({ name: 'platform', namespace: 'argocd' });
    expect(project.spec.sourceRepos).toEqual(['https://github.com/acme/platform-deploy']);
    expect(project.spec.destinations).toEqual(['argocd', 'shop-production', 'shop-staging'].map(namespace => ({ server: 'https://kubernetes.default.svc', namespace })));
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    const kinds = project.spec.namespaceResourceWhitelist.map((k: any) => `${k.group}/${k.kind}`);
    for (const k of ['/ResourceQuota', '/LimitRange', 'networking.k8s.io/NetworkPolicy', 'rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/RoleBinding',
      '/ServiceAccount', 'argoproj.io/AppProject', 'argoproj.io/Application']) expect(kinds).toContain(k);
    // Nothing the platform chart does not hold: the tenants' workloads are theirs.
    for (const k of ['apps/Deployment', '/Secret', 'batch/Job']) expect(kinds).not.toContain(k);
    expect(JSON.stringify(project.spec)).not.toMatch(/[*?]/);
  });

  test('the Application syncs the platform folder, the bootstrap file included, and is never pruned', () => {
    const application = one(bootstrap(), o => o.kind === 'Application');
    expect(application.spec).toEqual({
      project: 'platform',
      source: { repoURL: 'https://github.com/acme/platform-deploy', targetRevision: 'main', path: 'dist/platform', directory: { include: '*.yaml', recurse: false } },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
    expect(application.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false' });
  });

  test('the gate judges the platform project: each rule it is wider than a tenant\'s is waived with a reason, every other holds', () => {
    const gate = checkManifests(result.objects);
    expect(gate.failures).toEqual([]);
    const onPlatform = gate.findings.filter(f => f.object === 'AppProject argocd/platform');
    expect([...new Set(onPlatform.map(f => f.rule))].sort()).toEqual(['argocd.cluster-resources', 'argocd.fence-kinds', 'argocd.protected-destinations', 'argocd.sync-service-account']);
    for (const f of onPlatform) expect(f.waiver).toEqual(expect.stringMatching(/.{10,}/));
    // Changed to trust every repo, the same project fails.
    const wide = result.objects.map(o => (o.kind === 'AppProject' && o.metadata.name === 'platform' ? { ...o, spec: { ...o.spec, sourceRepos: ['*'] } } : o));
    expect(checkManifests(wide).failures.map(f => f.rule)).toContain('argocd.source-repos');
  });

  test('targetRevision and path follow the settings', () => {
    const custom = compile([shop()], { ...PLATFORM, targetRevision: 'release', path: 'deploy/platform' });
    const application = one(custom.objects, o => o.kind === 'Application' && o.metadata.name === 'platform');
    expect(application.spec.source).toMatchObject({ targetRevision: 'release', path: 'deploy/platform' });
    const sourcePath = compile([shop()], PLATFORM, { sourcePath: 'out' });
    expect(one(sourcePath.objects, o => o.kind === 'Application' && o.metadata.name === 'platform').spec.source.path).toBe('out/platform');
  });

  test.each([
    ['a glob repo', { repoURL: 'https://github.com/acme/*' }, /repoURL: must name one repo, not a pattern/],
    ['plain http', { repoURL: 'http://github.com/acme/platform' }, /repoURL: must be an https:\/\//],
    ['a path climbing out', { path: '../platform' }, /path: must be a plain folder path/],
    ['a glob revision', { targetRevision: 'release-*' }, /targetRevision: must be a branch, tag or commit/],
  ])('refuses %s', (_, edit, message) => {
    const refused = compile([shop()], { ...PLATFORM, ...edit });
    expect(refused.files).toEqual({});
    expect(refused.errors.join('\n')).toMatch(message);
  });

  test('refuses an app named bootstrap, whose file it would overwrite', () => {
    const refused = compile([shop(s => { s.name = 'bootstrap'; })], PLATFORM);
    expect(refused.errors.join('\n')).toMatch(/\[apps\/bootstrap\] name: names the platform's bootstrap file/);
    expect(compile([shop(s => { s.name = 'bootstrap'; })]).errors).toEqual([]);
  });

  test('refuses an app on another cluster, whose guardrails one platform Application would put in the wrong cluster', () => {
    const clusters = [{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }, { name: 'edge', server: 'https://edge.example.com:6443' }];
    const refused = compile([shop(s => { s.cluster = clusters[1]; })], { ...PLATFORM, clusters });
    expect(refused.errors.join('\n')).toMatch(/\[platform\] repoURL: the bootstrap syncs the platform folder to one cluster, in-cluster, but app shop deploys to edge/);
    expect(compile([shop(s => { s.cluster = clusters[1]; })], { clusters }).errors).toEqual([]);
  });
});
