import { Chart, Testing } from 'cdk8s';
import { ArgoProject, ArgoProjectProps } from '../constructs/argo-project';
import { checkManifests } from '../policy/gate';

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

  test('namespaceResourceBlacklist holds exactly the five platform-owned kinds', () => {
    const { spec } = project(synth());
    const kinds = spec.namespaceResourceBlacklist.map((k: any) => `${k.group}/${k.kind}`).sort();
    expect(kinds).toEqual([
      '/LimitRange',
      '/ResourceQuota',
      'networking.k8s.io/NetworkPolicy',
      'rbac.authorization.k8s.io/Role',
      'rbac.authorization.k8s.io/RoleBinding',
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
