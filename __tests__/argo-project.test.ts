import { Chart, Testing } from 'cdk8s';
import { ArgoHelmChart, ArgoProject, ArgoProjectProps } from '../constructs/argo-project';
import { checkManifests } from '../policy/gate';
import { FENCE_KINDS, TENANT_KINDS } from '../policy/tenant-kinds';

const REPO = 'https://github.com/acme/deployments';

function props(overrides: Partial<ArgoProjectProps> = {}): ArgoProjectProps {
  return {
    app: 'shop',
    repoURL: REPO,
    environments: [
      { name: 'staging', namespace: 'shop-staging', serviceAccount: 'deployer', path: 'dist/apps/shop/staging' },
      { name: 'production', namespace: 'shop-production', serviceAccount: 'deployer-prod', path: 'dist/apps/shop/production' },
    ],
    ...overrides,
  };
}

function synth(overrides: Partial<ArgoProjectProps> = {}): any[] {
  const chart = new Chart(Testing.app(), 'x');
  new ArgoProject(chart, 'argo', props(overrides));
  return Testing.synth(chart);
}

function build(overrides: Partial<ArgoProjectProps>): () => void {
  return () => new ArgoProject(new Chart(Testing.app(), 'x'), 'argo', props(overrides));
}

function project(objects: any[]): any {
  const found = objects.filter(o => o.kind === 'AppProject');
  expect(found).toHaveLength(1);
  return found[0];
}

function applications(objects: any[]): any[] {
  return objects.filter(o => o.kind === 'Application');
}

describe('ArgoProject output', () => {
  test('sourceRepos default to exactly the repo and contain no glob', () => {
    const { spec } = project(synth());
    expect(spec.sourceRepos).toEqual([REPO]);
    for (const repo of spec.sourceRepos) expect(repo).not.toContain('*');
  });

  test('an owner-scoped glob after a literal host and owner is accepted', () => {
    const { spec } = project(synth({ sourceRepos: ['https://github.com/acme/*'] }));
    expect(spec.sourceRepos).toEqual(['https://github.com/acme/*']);
  });

  test('destinations are only the app namespaces on the named cluster server', () => {
    const { spec } = project(synth());
    expect(spec.destinations).toEqual([
      { server: 'https://kubernetes.default.svc', namespace: 'shop-staging' },
      { server: 'https://kubernetes.default.svc', namespace: 'shop-production' },
    ]);
    for (const d of spec.destinations) {
      expect(d.namespace).not.toMatch(/[*?[]/);
      expect(d.server).not.toMatch(/[*?[]/);
    }
  });

  test('a custom cluster is used for every destination and exposed', () => {
    const chart = new Chart(Testing.app(), 'x');
    const cluster = { name: 'prod-eu', server: 'https://api.prod-eu.example.com:6443' };
    const argo = new ArgoProject(chart, 'argo', props({ cluster }));
    expect(argo.cluster).toEqual(cluster);
    expect(argo.name).toBe('shop');
    const objects = Testing.synth(chart);
    for (const d of project(objects).spec.destinations) expect(d.server).toBe(cluster.server);
    for (const a of applications(objects)) expect(a.spec.destination.server).toBe(cluster.server);
  });

  test('clusterResourceWhitelist is present and empty, so no cluster-scoped objects', () => {
    const { spec } = project(synth());
    expect(spec).toHaveProperty('clusterResourceWhitelist');
    expect(spec.clusterResourceWhitelist).toEqual([]);
  });

  test('namespaceResourceWhitelist allows exactly the tenant kinds, by name, and no blacklist is needed', () => {
    const { spec } = project(synth());
    expect(spec.namespaceResourceWhitelist.map((k: any) => `${k.group}/${k.kind}`)).toEqual(
      Object.entries(TENANT_KINDS).map(([kind, r]) => `${r.group}/${kind}`).sort((a, b) => a.split('/')[0].localeCompare(b.split('/')[0]) || a.split('/')[1].localeCompare(b.split('/')[1])));
    expect(spec).not.toHaveProperty('namespaceResourceBlacklist');
    for (const k of spec.namespaceResourceWhitelist) {
      expect(`${k.group}${k.kind}`).not.toMatch(/[*?[\]\\]/);
      expect(FENCE_KINDS).not.toContainEqual({ group: k.group, kind: k.kind });
    }
  });

  test('kinds narrow the whitelist to what the deployers apply, DaemonSet and Secret included when asked', () => {
    const { spec } = project(synth({ kinds: ['Service', 'Deployment', 'DaemonSet', 'Secret', 'Service'] }));
    expect(spec.namespaceResourceWhitelist).toEqual([
      { group: '', kind: 'Secret' }, { group: '', kind: 'Service' }, { group: 'apps', kind: 'DaemonSet' }, { group: 'apps', kind: 'Deployment' },
    ]);
  });

  test('destinationServiceAccounts map each namespace to its deployer', () => {
    const { spec } = project(synth());
    expect(spec.destinationServiceAccounts).toEqual([
      { server: 'https://kubernetes.default.svc', namespace: 'shop-staging', defaultServiceAccount: 'deployer' },
      { server: 'https://kubernetes.default.svc', namespace: 'shop-production', defaultServiceAccount: 'deployer-prod' },
    ]);
  });

  test('orphaned resources warn and the description names the app', () => {
    const { spec } = project(synth());
    expect(spec.orphanedResources).toEqual({ warn: true });
    expect(spec.description).toContain('shop');
  });

  test('every Application uses the AppProject and one of its destinations', () => {
    const objects = synth();
    const proj = project(objects);
    const apps = applications(objects);
    expect(apps.map(a => a.metadata.name)).toEqual(['shop-staging', 'shop-production']);
    for (const a of apps) {
      expect(a.spec.project).toBe(proj.metadata.name);
      expect(a.spec.project).not.toBe('default');
      expect(proj.spec.destinations).toContainEqual(a.spec.destination);
    }
  });

  test('Applications read only the YAML of their environment folder and sync without creating namespaces', () => {
    const apps = applications(synth({ targetRevision: 'release' }));
    expect(apps[1].spec.source).toEqual({
      repoURL: REPO, targetRevision: 'release', path: 'dist/apps/shop/production', directory: { include: '*.yaml' },
    });
    for (const a of apps) {
      expect(a.spec.syncPolicy).toEqual({
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=false'],
      });
    }
  });

  test('everything lives in the Argo CD namespace with explicit names and guardrail labels', () => {
    const objects = synth({ argoNamespace: 'gitops' });
    expect(objects).toHaveLength(3);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('gitops');
      expect(o.metadata.name).toMatch(/^shop(-staging|-production)?$/);
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/part-of': 'shop',
        'app.kubernetes.io/managed-by': 'cdk8s-guardrails',
      });
    }
  });

  test('output is deterministic', () => {
    expect(synth()).toEqual(synth());
  });
});

describe('ArgoProject refuses', () => {
  test('a "*" source repo', () => {
    expect(build({ sourceRepos: ['*'] })).toThrow(/\[x\/argo\] sourceRepos\[0\]: a glob before the owner matches repos of every owner or every host \(got "\*"\)/);
  });

  test('a source repo glob over every owner on a host', () => {
    expect(build({ sourceRepos: ['https://github.com/*'] })).toThrow(/sourceRepos\[0\]: a glob before the owner.*"https:\/\/github.com\/\*".*Fix: .*https:\/\/github.com\/acme\/\*/);
  });

  test('a "**" source repo', () => {
    expect(build({ sourceRepos: ['**'] })).toThrow(/sourceRepos\[0\]: a glob before the owner.*got "\*\*"/);
  });

  test.each([
    ['https://*'],
    ['*://*'],
    ['https://*/acme/deployments'],
    ['git@*:acme/deployments'],
  ])('a source repo glob over any host: %s', repo => {
    expect(build({ sourceRepos: [repo, REPO] })).toThrow(/sourceRepos\[0\]: a glob before the owner/);
  });

  test('a negated source repo', () => {
    expect(build({ sourceRepos: [REPO, '!https://github.com/evil/x'] })).toThrow(/sourceRepos\[1\]: negations .* \(got "!https:\/\/github.com\/evil\/x"\)\. Fix: list only the repos/);
  });

  test('source repos that are not https, ssh or git@host:path', () => {
    expect(build({ repoURL: 'http://github.com/acme/deployments' })).toThrow(/repoURL: must be an https:\/\//);
  });

  test('a repoURL that sourceRepos does not admit', () => {
    expect(build({ sourceRepos: ['https://github.com/other/*'] })).toThrow(/\[x\/argo\] repoURL: the repo is not in sourceRepos.*Fix: add "https:\/\/github.com\/acme\/deployments" to sourceRepos/);
  });

  test('a "*" destination namespace', () => {
    const environments = [{ name: 'staging', namespace: '*', serviceAccount: 'deployer', path: 'dist/staging' }];
    expect(build({ environments })).toThrow(/environments\[0\]\.namespace: a glob here lets the project deploy into namespaces the app does not own \(got "\*"\)/);
  });

  test('a glob in the cluster server', () => {
    expect(build({ cluster: { name: 'prod', server: 'https://*.example.com' } })).toThrow(/cluster\.server: a glob here lets the project deploy to every cluster it matches \(got "https:\/\/\*\.example\.com"\)/);
  });

  test('a cluster server that is not https', () => {
    expect(build({ cluster: { name: 'prod', server: 'http://api.example.com' } })).toThrow(/cluster\.server: must be the https:\/\/ URL/);
  });

  test('a duplicate environment', () => {
    const env = { name: 'staging', namespace: 'shop-staging', serviceAccount: 'deployer', path: 'dist/staging' };
    expect(build({ environments: [env, { ...env, namespace: 'shop-staging-2' }] })).toThrow(/environments\[1\]: duplicates the name "staging" of environments\[0\]/);
    expect(build({ environments: [env, { ...env, name: 'qa' }] })).toThrow(/environments\[1\]: duplicates the namespace "shop-staging" of environments\[0\]/);
  });

  test('no environments', () => {
    expect(build({ environments: [] })).toThrow(/\[x\/argo\] environments: must list at least one environment \(got \[\]\)/);
  });

  test.each(['NetworkPolicy', 'Role', 'RoleBinding', 'ResourceQuota', 'LimitRange', 'AppProject', 'Application', 'Namespace', 'ClusterRole', 'Widget', '__proto__', 'constructor'])(
    'a whitelist kind a tenant may not own: %s', kind => {
      expect(build({ kinds: ['Deployment', kind] })).toThrow(/\[x\/argo\] kinds\[1\]: is not a namespaced kind a tenant may own/);
    });

  test.each([
    ['an OCI chart', 'oci://ghcr.io/acme/charts/api'],
    ['a Helm registry root', 'https://charts.jetstack.io'],
  ])('%s among sourceRepos, where it would be trusted without a pinned version or reason', (_, repo) => {
    expect(build({ sourceRepos: [REPO, repo] })).toThrow(/sourceRepos\[1\]: is a chart repository, which the project trusts only for a chart with a pinned version and a reason.*Fix: remove it from sourceRepos and add the chart to charts/);
  });

  test('an environment name that is not a DNS label', () => {
    const environments = [{ name: 'Prod_1', namespace: 'shop-prod', serviceAccount: 'deployer', path: 'dist/prod' }];
    expect(build({ environments })).toThrow(/environments\[0\]\.name: must be a DNS-1123 label of at most 63 characters \(got "Prod_1"\)/);
  });
});

describe('ArgoProject and the policy gate agree', () => {
  test.each(['kube-system', 'kube-public', 'kube-node-lease', 'default', 'argocd'])('an environment in %s is refused', namespace => {
    const environments = [{ name: 'prod', namespace, serviceAccount: 'deployer', path: 'dist/prod' }];
    expect(build({ environments })).toThrow(/environments\[0\]\.namespace: is a namespace of the cluster or of Argo CD, not of a tenant/);
  });

  test('an environment in the Argo CD namespace it is given is refused', () => {
    const environments = [{ name: 'prod', namespace: 'gitops', serviceAccount: 'deployer', path: 'dist/prod' }];
    expect(build({ argoNamespace: 'gitops', environments })).toThrow(/environments\[0\]\.namespace: is a namespace of the cluster or of Argo CD/);
  });

  test.each([
    ['the defaults', {}],
    ['an owner glob and scp-style repos', { repoURL: 'git@github.com:acme/deployments.git', sourceRepos: ['git@github.com:acme/*', 'https://github.com/acme/*'] }],
    ['another Argo CD namespace and cluster', { argoNamespace: 'gitops', cluster: { name: 'prod-eu', server: 'https://api.prod-eu.example.com:6443' } }],
  ] as const)('the gate finds nothing in its output with %s', (_, overrides) => {
    const findings = checkManifests(synth(overrides as Partial<ArgoProjectProps>)).findings.filter(f => f.rule.startsWith('argocd.'));
    expect(findings).toEqual([]);
  });
});

const JETSTACK = 'https://charts.jetstack.io';
const REASON = 'cert-manager issues the shop\'s TLS certificates';

function chart(overrides: Partial<ArgoHelmChart> = {}): ArgoHelmChart {
  return { name: 'cert-manager', repoURL: JETSTACK, chart: 'cert-manager', version: 'v1.14.4', valueFiles: ['charts/cert-manager/values.yaml'], reason: REASON, ...overrides };
}

describe('ArgoProject Helm charts', () => {
  test('each chart is one multi-source Application per environment: the chart with its values from the app repo as $values', () => {
    const apps = applications(synth({ charts: [chart()] })).filter(a => a.metadata.labels['guardrails.cdk8s.io/chart']);
    expect(apps.map(a => a.metadata.name)).toEqual(['shop-staging-cert-manager', 'shop-production-cert-manager']);
    const prod = apps[1];
    expect(prod.spec.sources).toEqual([
      {
        repoURL: JETSTACK, chart: 'cert-manager', targetRevision: 'v1.14.4',
        helm: { releaseName: 'cert-manager', skipCrds: true, valueFiles: ['$values/charts/cert-manager/values.yaml'] },
      },
      { repoURL: REPO, targetRevision: 'main', ref: 'values' },
    ]);
    expect(prod.spec).not.toHaveProperty('source');
    expect(prod.spec.project).toBe('shop');
    // Same namespace as the environment's own Application, and the project maps it to the same deployer.
    expect(prod.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'shop-production' });
    expect(prod.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=false'] });
    expect(prod.metadata.annotations).toEqual({ 'guardrails.cdk8s.io/exception.helm-chart': REASON });
  });

  test('the project lists the chart repo exactly, once, beside the app repo', () => {
    const { spec } = project(synth({ charts: [chart(), chart({ name: 'trust', chart: 'trust-manager', valueFiles: undefined })] }));
    expect(spec.sourceRepos).toEqual([REPO, JETSTACK]);
    for (const repo of spec.sourceRepos) expect(repo).not.toMatch(/[*?[\]!]/);
  });

  test('an OCI chart is its own repo: the registry path with the chart name, read at its root', () => {
    const objects = synth({ charts: [chart({ name: 'api', repoURL: 'oci://ghcr.io/acme/charts', chart: 'api', version: '2.3.0', valueFiles: [], environments: ['production'] })] });
    expect(project(objects).spec.sourceRepos).toEqual([REPO, 'oci://ghcr.io/acme/charts/api']);
    const [app] = applications(objects).filter(a => a.metadata.labels['guardrails.cdk8s.io/chart']);
    expect(app.metadata.name).toBe('shop-production-api');
    // No values files: no $values source.
    expect(app.spec.sources).toEqual([{ repoURL: 'oci://ghcr.io/acme/charts/api', path: '.', targetRevision: '2.3.0', helm: { releaseName: 'api', skipCrds: true } }]);
  });

  test('an OCI chart may be pinned by digest', () => {
    const digest = `sha256:${'0b'.repeat(32)}`;
    const objects = synth({ charts: [chart({ repoURL: 'oci://ghcr.io/acme/charts', version: digest })] });
    expect(applications(objects).find(a => a.metadata.name === 'shop-production-cert-manager').spec.sources[0].targetRevision).toBe(digest);
  });

  test('environments limit where a chart goes', () => {
    const names = applications(synth({ charts: [chart({ environments: ['staging'] })] })).map(a => a.metadata.name);
    expect(names).toEqual(['shop-staging', 'shop-production', 'shop-staging-cert-manager']);
  });

  test('the gate passes the whole output, and reports the chart as a reasoned departure', () => {
    const result = checkManifests(synth({ charts: [chart(), chart({ name: 'api', repoURL: 'oci://ghcr.io/acme/charts', chart: 'api', version: '1.0.0' })] }));
    expect(result.failures).toEqual([]);
    expect(result.findings.filter(f => f.rule.startsWith('argocd.') && !f.waiver)).toEqual([]);
    const departures = result.departures.filter(d => d.annotation === 'guardrails.cdk8s.io/exception.helm-chart');
    expect(departures.map(d => [d.object, d.reason, d.excuses])).toEqual([
      ['Application argocd/shop-staging-cert-manager', REASON, 1],
      ['Application argocd/shop-production-cert-manager', REASON, 1],
      ['Application argocd/shop-staging-api', REASON, 1],
      ['Application argocd/shop-production-api', REASON, 1],
    ]);
  });

  test.each([
    ['a caret range', { version: '^1.2' }, /charts\[0\]\.version: must pin one chart version; "\^1\.2" is not one exact version.*\(got "\^1\.2"\)/],
    ['latest', { version: 'latest' }, /charts\[0\]\.version: must pin one chart version/],
    ['*', { version: '*' }, /charts\[0\]\.version: must pin one chart version/],
    ['a two-part version', { version: '1.2' }, /charts\[0\]\.version: must pin/],
    ['a tilde range', { version: '~1.2.3' }, /charts\[0\]\.version: must pin/],
    ['an x range', { version: '1.2.x' }, /charts\[0\]\.version: must pin/],
    ['an or', { version: '1.2.3 || 1.3.0' }, /charts\[0\]\.version: must pin/],
    ['no version', { version: undefined }, /charts\[0\]\.version: must pin one chart version; no version/],
    ['a digest for a Helm repository', { version: `sha256:${'a'.repeat(64)}` }, /charts\[0\]\.version: must pin/],
    ['a glob over a registry', { repoURL: 'https://charts.jetstack.io/*' }, /charts\[0\]\.repoURL: a chart repository is one literal URL/],
    ['a "!" repo', { repoURL: '!https://charts.jetstack.io' }, /charts\[0\]\.repoURL: a chart repository is one literal URL/],
    ['an OCI glob', { repoURL: 'oci://ghcr.io/*' }, /charts\[0\]\.repoURL: a chart repository is one literal URL/],
    ['an OCI registry root', { repoURL: 'oci://ghcr.io' }, /charts\[0\]\.repoURL: an OCI chart repository is a lower-case registry path below the host/],
    ['plain http', { repoURL: 'http://charts.jetstack.io' }, /charts\[0\]\.repoURL: must be an https:\/\/host\[\/path\] Helm repository/],
    ['a scheme-less registry', { repoURL: 'charts.jetstack.io' }, /charts\[0\]\.repoURL: must be/],
    ['credentials in the URL', { repoURL: 'https://bot:pw@charts.example.com' }, /charts\[0\]\.repoURL: must be/],
    ['a ".." segment', { repoURL: 'https://charts.example.com/a/../b' }, /charts\[0\]\.repoURL: must be/],
    ['a missing reason', { reason: undefined }, /charts\[0\]\.reason/],
    ['a blank reason', { reason: '   \u200b       ' }, /charts\[0\]\.reason/],
    ['a chart name with upper case', { chart: 'Cert-Manager' }, /charts\[0\]\.chart: must be a Helm chart name/],
    ['a values file outside the repo', { valueFiles: ['../secrets.yaml'] }, /charts\[0\]\.valueFiles\[0\]: must be a plain file path/],
    ['a values file that is already a $ref', { valueFiles: ['$values/x.yaml'] }, /charts\[0\]\.valueFiles\[0\]: must be a plain file path/],
    ['a values file glob', { valueFiles: ['charts/*.yaml'] }, /charts\[0\]\.valueFiles\[0\]: must be a plain file path/],
    ['a values file URL', { valueFiles: ['https://evil.example.com/values.yaml'] }, /charts\[0\]\.valueFiles\[0\]: must be a plain file path/],
    ['an unknown environment', { environments: ['qa'] }, /charts\[0\]\.environments\[0\]: is not an environment of the app \(got "qa"\)/],
    ['no environments', { environments: [] }, /charts\[0\]\.environments: must list at least one environment/],
    ['a name that is not a DNS label', { name: 'Cert_Manager' }, /charts\[0\]\.name: must be a DNS-1123 label/],
    ['an Application name over 63 characters', { name: 'c'.repeat(50) }, /charts\[0\]\.name: the Application name "shop-production-c+" is longer than 63 characters/],
  ] as const)('refuses %s', (_, overrides, message) => {
    expect(build({ charts: [chart(overrides as Partial<ArgoHelmChart>)] })).toThrow(message);
  });

  test('refuses two charts of one name', () => {
    expect(build({ charts: [chart(), chart()] })).toThrow(/charts\[1\]\.name: duplicates the name of charts\[0\]/);
  });

  test('a chart Application that would take an environment Application\'s name is refused', () => {
    const environments = [
      { name: 'prod', namespace: 'shop-prod', serviceAccount: 'deployer', path: 'dist/prod' },
      { name: 'prod-web', namespace: 'shop-prod-web', serviceAccount: 'deployer', path: 'dist/prod-web' },
    ];
    expect(build({ environments, charts: [chart({ name: 'web', environments: ['prod'] })] })).toThrow(/charts\[0\]\.name: the Application "shop-prod-web" would have the name of an environment's Application/);
  });
});
