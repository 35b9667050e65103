import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { HardenedDeployment } from '../constructs/hardened-deployment';
import { canI, parseServiceAccount } from '../policy/rbac';
import { ScopedDeployer, ScopedDeployerProps } from '../constructs/scoped-deployer';
import { TenantNamespace } from '../constructs/tenant-namespace';
import { refusalOf } from './refusal';
// Registers the matchers (toGrant) with expect.
import '../testing';

const IMAGE = `ghcr.io/acme/api:1.4.2@sha256:${'a1'.repeat(32)}`;

interface Options {
  replicas?: number;
  secrets?: ScopedDeployerProps['secrets'];
  /** Runs after the deployer exists, to add objects to the shop's workloads. */
  addLater?: (workloads: Chart) => void;
}

/** A platform chart with two tenants and their deployers, and one workloads chart per tenant. */
function build(options: Options = {}) {
  const app = new App();
  const platform = new Chart(app, 'platform');
  const shopNs = new TenantNamespace(platform, 'Shop', { app: 'shop', environment: 'production' });
  const blogNs = new TenantNamespace(platform, 'Blog', { app: 'blog', environment: 'production' });

  const shop = new Chart(app, 'shop');
  new HardenedDeployment(shop, 'api', {
    namespace: shopNs, image: IMAGE, ports: [{ name: 'http', port: 8080 }], replicas: options.replicas ?? 2,
  });
  const blog = new Chart(app, 'blog');
  new HardenedDeployment(blog, 'web', { namespace: blogNs, image: IMAGE, ports: [{ name: 'http', port: 8080 }] });

  const deployer = new ScopedDeployer(platform, 'ShopDeployer', { namespace: shopNs, workloads: shop, secrets: options.secrets });
  const blogDeployer = new ScopedDeployer(platform, 'BlogDeployer', { namespace: blogNs, workloads: blog });
  options.addLater?.(shop);

  const synth = () => app.charts.flatMap(c => Testing.synth(c)) as Record<string, any>[];
  return { app, platform, shop, shopNs, deployer, blogDeployer, synth };
}

function roleOf(objects: Record<string, any>[], namespace: string) {
  return objects.find(o => o.kind === 'Role' && o.metadata.namespace === namespace)!;
}

/** cdk8s validates the whole app before synthesizing, and lists every refusal in one Error. */
function synthError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synthesis to fail, but it did not');
}

const refusal = refusalOf;

describe('ScopedDeployer', () => {
  const { deployer, blogDeployer, synth } = build();
  const objects = synth();
  const can = (verb: string, group: string, resource: string, namespace?: string) =>
    canI(objects, deployer.subject, verb, group, resource, namespace);

  test('exposes its service account, namespace and subject', () => {
    expect(deployer.serviceAccountName).toBe('deployer');
    expect(deployer.namespace).toBe('shop-production');
    expect(deployer.subject).toBe('system:serviceaccount:shop-production:deployer');
  });

  test('creates a token-less ServiceAccount, a Role and a RoleBinding, all named and labelled in the tenant namespace', () => {
    const own = objects.filter(o => o.metadata?.namespace === 'shop-production' && o.metadata?.name === 'deployer');
    expect(own.map(o => o.kind).sort()).toEqual(['Role', 'RoleBinding', 'ServiceAccount']);
    for (const o of own) expect(o.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'cdk8s-guardrails' });
    expect(own.find(o => o.kind === 'ServiceAccount')!.automountServiceAccountToken).toBe(false);
    const binding = own.find(o => o.kind === 'RoleBinding')!;
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'deployer', namespace: 'shop-production' }]);
  });

  test('never creates cluster-wide RBAC', () => {
    expect(objects.filter(o => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toEqual([]);
  });

  test('can apply the kinds its workloads synthesize, in its own namespace', () => {
    for (const verb of ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']) {
      expect(can(verb, 'apps', 'deployments', 'shop-production')).toBe(true);
    }
    expect(can('create', '', 'services', 'shop-production')).toBe(true);
    expect(can('create', 'policy', 'poddisruptionbudgets', 'shop-production')).toBe(true);
  });

  test('cannot read Secrets, in default or in its own namespace', () => {
    expect(can('get', '', 'secrets', 'default')).toBe(false);
    expect(can('get', '', 'secrets', 'shop-production')).toBe(false);
    expect(can('list', '', 'secrets', 'shop-production')).toBe(false);
  });

  test('cannot touch another tenant\'s namespace, while that tenant\'s deployer can', () => {
    expect(can('create', 'apps', 'deployments', 'blog-production')).toBe(false);
    expect(objects).toGrant(blogDeployer, 'create', 'deployments.apps', 'blog-production');
    expect(objects).not.toGrant(blogDeployer, 'create', 'deployments.apps', 'shop-production');
  });

  test('cannot create cluster-scoped objects', () => {
    expect(can('create', '', 'namespaces')).toBe(false);
    expect(can('create', 'rbac.authorization.k8s.io', 'clusterroles')).toBe(false);
    expect(can('create', 'apps', 'deployments')).toBe(false);
  });

  test('cannot change the guardrails of its own namespace', () => {
    expect(can('create', 'rbac.authorization.k8s.io', 'roles', 'shop-production')).toBe(false);
    expect(can('create', 'rbac.authorization.k8s.io', 'rolebindings', 'shop-production')).toBe(false);
    expect(can('create', 'networking.k8s.io', 'networkpolicies', 'shop-production')).toBe(false);
    expect(can('create', '', 'resourcequotas', 'shop-production')).toBe(false);
    expect(can('delete', '', 'limitranges', 'shop-production')).toBe(false);
  });

  test('cannot exec into, attach to or port-forward pods', () => {
    for (const sub of ['pods/exec', 'pods/attach', 'pods/portforward']) {
      expect(can('create', '', sub, 'shop-production')).toBe(false);
      expect(can('get', '', sub, 'shop-production')).toBe(false);
    }
  });

  test('has no wildcard and no escalate, bind or impersonate verb in its rules', () => {
    const rules: any[] = roleOf(objects, 'shop-production').rules;
    const words = rules.flatMap(r => [...r.apiGroups, ...r.resources, ...r.verbs]);
    expect(words).not.toContain('*');
    for (const verb of ['escalate', 'bind', 'impersonate', 'deletecollection']) expect(words).not.toContain(verb);
    for (const rule of rules) expect(Object.keys(rule).sort()).toEqual(['apiGroups', 'resources', 'verbs']);
  });

  test('derives one rule per API group, sorted, from the kinds its workloads hold, and reads what Argo CD shows under them', () => {
    const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    const read = ['get', 'list', 'watch'];
    expect(roleOf(objects, 'shop-production').rules).toEqual([
      { apiGroups: [''], resources: ['serviceaccounts', 'services'], verbs },
      // Argo CD 3.5 lists a resource's events and reads a Deployment's pods and their logs as the deployer.
      { apiGroups: [''], resources: ['events', 'pods'], verbs: read },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: read },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs },
    ]);
  });

  test('for the Argo CD 3.5 UI it can get pods and their logs and list events, but never read Secrets or exec, nor write what it only reads', () => {
    const sa = deployer.subject;
    for (const [verb, resource] of [['get', 'pods/log'], ['get', 'pods'], ['list', 'pods'], ['list', 'events'], ['watch', 'events'], ['get', 'replicasets.apps']]) {
      expect(objects).toGrant(sa, verb, resource, 'shop-production');
      expect(objects).not.toGrant(sa, verb, resource, 'blog-production');
    }
    for (const [verb, resource] of [['get', 'secrets'], ['list', 'secrets'], ['create', 'pods/exec'], ['get', 'pods/exec'], ['create', 'pods'], ['delete', 'pods'],
      ['create', 'events'], ['delete', 'replicasets.apps'], ['list', 'events.events.k8s.io'], ['get', 'endpoints'], ['create', 'pods/eviction'], ['get', 'pods/attach']]) {
      expect(objects).not.toGrant(sa, verb, resource, 'shop-production');
    }
  });

  test('reads the children of each kind: a CronJob\'s Jobs and pods, a StatefulSet\'s revisions and claims; a kind it applies keeps every verb', () => {
    const app = new App();
    const platform = new Chart(app, 'platform');
    const ns = new TenantNamespace(platform, 'Ns', { app: 'shop', environment: 'production' });
    const shop = new Chart(app, 'shop');
    new k8s.KubeConfigMap(shop, 'cm', { metadata: { name: 'cm', namespace: ns.name }, data: {} });
    const d = new ScopedDeployer(platform, 'D', { namespace: ns, workloads: shop, kinds: ['CronJob', 'StatefulSet', 'Job'] });
    const out = app.charts.flatMap(c => Testing.synth(c)) as Record<string, any>[];
    const read = ['get', 'list', 'watch'];
    expect(roleOf(out, ns.name).rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['events', 'persistentvolumeclaims', 'pods'], verbs: read },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
      { apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: read },
      // jobs: applied (Job in kinds) and a CronJob's child: one rule, every verb, not also a read rule.
      { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
    ]);
    expect(d.kinds()).toEqual(['ConfigMap', 'CronJob', 'Job', 'StatefulSet']);
  });

  test('workloads without pods get events read only: no pods, no logs', () => {
    const app = new App();
    const platform = new Chart(app, 'platform');
    const ns = new TenantNamespace(platform, 'Ns', { app: 'shop', environment: 'production' });
    const shop = new Chart(app, 'shop');
    new k8s.KubeConfigMap(shop, 'cm', { metadata: { name: 'cm', namespace: ns.name }, data: {} });
    new ScopedDeployer(platform, 'D', { namespace: ns, workloads: shop });
    const out = app.charts.flatMap(c => Testing.synth(c)) as Record<string, any>[];
    expect(roleOf(out, ns.name).rules.map((r: any) => r.resources)).toEqual([['configmaps'], ['events']]);
  });

  test.each([
    ['Role', /kinds\[0\]: is not a kind that the deployer .* may manage \(got "Role"\)/],
    ['Namespace', /kinds\[0\]: is not a kind/],
    ['CustomResourceDefinition', /kinds\[0\]: is not a kind/],
    ['toString', /kinds\[0\]: is not a kind/],
    ['Secret', /kinds\[0\]: is a Secret, and the deployer .* has no access to Secrets/],
    ['DaemonSet', /kinds\[0\]: is a DaemonSet, a pod on every node/],
  ])('refuses kinds: [%s] that it may not apply', (kind, message) => {
    const app = new App();
    const platform = new Chart(app, 'platform');
    const ns = new TenantNamespace(platform, 'Ns', { app: 'shop', environment: 'production' });
    const shop = new Chart(app, 'shop');
    const d = new ScopedDeployer(platform, 'D', { namespace: ns, workloads: shop, kinds: [kind] });
    expect(synthError(() => Testing.synth(platform))).toMatch(message);
    expect(d.kinds()).toEqual([]);
  });

  test('grants no PodDisruptionBudgets when a single replica means none is synthesized', () => {
    const single = build({ replicas: 1 });
    const out = single.synth();
    expect(out.some(o => o.kind === 'PodDisruptionBudget' && o.metadata.namespace === 'shop-production')).toBe(false);
    expect([...new Set(roleOf(out, 'shop-production').rules.map((r: any) => r.apiGroups[0]))]).toEqual(['', 'apps']);
    expect(out).not.toGrant(single.deployer, 'create', 'poddisruptionbudgets.policy', 'shop-production');
  });

  test('grants kinds added to the workloads after the deployer was constructed', () => {
    const later = build({
      addLater: shop => new k8s.KubeConfigMap(shop, 'settings', {
        metadata: { name: 'settings', namespace: 'shop-production' }, data: { LOG_LEVEL: 'info' },
      }),
    });
    const out = later.synth();
    expect(out).toGrant(later.deployer, 'create', 'configmaps', 'shop-production');
    expect(out).not.toGrant(later.deployer, 'create', 'configmaps', 'blog-production');
  });

  test('with a reasoned secrets exception, may use Secrets in its own namespace only, and says why on the Role', () => {
    const reason = 'applies the TLS Secret rendered by the release pipeline';
    const withSecrets = build({ secrets: { reason } });
    const out = withSecrets.synth();
    const subject = withSecrets.deployer;
    expect(out).toGrant(subject, 'get', 'secrets', 'shop-production');
    expect(out).toGrant(subject, 'create', 'secrets', 'shop-production');
    expect(out).not.toGrant(subject, 'get', 'secrets', 'default');
    expect(out).not.toGrant(subject, 'get', 'secrets', 'blog-production');
    expect(out).not.toGrant(subject, 'list', 'secrets');
    expect(roleOf(out, 'shop-production').metadata.annotations).toEqual({ 'guardrails.cdk8s.io/exception.secrets': reason });
    expect(roleOf(out, 'shop-production').rules[0].resources).toEqual(['secrets', 'serviceaccounts', 'services']);
  });

  test('accepts a Secret in its workloads when it has the secrets exception', () => {
    const ok = build({
      secrets: { reason: 'applies the TLS Secret rendered by the release pipeline' },
      addLater: shop => new k8s.KubeSecret(shop, 'tls', { metadata: { name: 'tls', namespace: 'shop-production' } }),
    });
    expect(() => ok.synth()).not.toThrow();
  });
});

describe('ScopedDeployer refuses', () => {
  test('a Secret in its workloads without the secrets exception', () => {
    const { synth } = build({
      addLater: shop => new k8s.KubeSecret(shop, 'db', { metadata: { name: 'db', namespace: 'shop-production' } }),
    });
    const message = synthError(synth);
    expect(message).toContain('[platform/ShopDeployer] [shop/db] kind: is a Secret');
    expect(message).toContain('no access to Secrets (got "Secret/db")');
    expect(message).toContain('Fix: create the Secret outside Git (e.g. ExternalSecrets), or give the deployer secrets: { reason');
  });

  test('a NetworkPolicy in its workloads, because it is a guardrail', () => {
    const { synth } = build({
      addLater: shop => new k8s.KubeNetworkPolicy(shop, 'open', {
        metadata: { name: 'allow-all', namespace: 'shop-production' }, spec: { podSelector: {} },
      }),
    });
    const message = synthError(synth);
    expect(message).toContain('[shop/open] kind: is a guardrail of the tenant');
    expect(message).toContain('(got "NetworkPolicy/allow-all")');
    expect(message).toContain('Fix: move it to the platform chart');
  });

  test('a cluster-scoped object in its workloads', () => {
    const { synth } = build({ addLater: shop => new k8s.KubePersistentVolume(shop, 'pv', { metadata: { name: 'disk' } }) });
    const message = synthError(synth);
    expect(message).toContain('[shop/pv] kind: is cluster-scoped');
    expect(message).toContain('(got "PersistentVolume/disk")');
    expect(message).toContain('Fix: move it to the platform chart');
  });

  test('a kind it has no rule for', () => {
    const { synth } = build({
      addLater: shop => new k8s.KubeReplicaSet(shop, 'agent', {
        metadata: { name: 'agent', namespace: 'shop-production' },
        spec: { selector: {}, template: {} },
      }),
    });
    const message = synthError(synth);
    expect(message).toContain('[shop/agent] kind: is not a kind that the deployer platform/ShopDeployer');
    expect(message).toContain('(got "apps/v1 ReplicaSet/agent")');
    expect(message).toContain('add it to TENANT_KINDS');
  });

  test('an object in another namespace', () => {
    const { synth } = build({
      addLater: shop => new k8s.KubeConfigMap(shop, 'elsewhere', { metadata: { name: 'settings', namespace: 'blog-production' } }),
    });
    const message = synthError(synth);
    expect(message).toContain('[shop/elsewhere] metadata.namespace: ConfigMap/settings is outside namespace shop-production');
    expect(message).toContain('(got "blog-production")');
    expect(message).toContain('Fix: set metadata.namespace to "shop-production"');
  });

  test('an object with no namespace, which would land wherever the sync points', () => {
    const { synth } = build({ addLater: shop => new k8s.KubeConfigMap(shop, 'nowhere', { metadata: { name: 'settings' } }) });
    expect(synthError(synth)).toContain('[shop/nowhere] metadata.namespace: ConfigMap/settings is outside namespace shop-production');
  });

  test('even when the Role is serialized on its own, with the refusal inside the error', () => {
    const { platform } = build({
      addLater: shop => new k8s.KubeSecret(shop, 'db', { metadata: { name: 'db', namespace: 'shop-production' } }),
    });
    const role = platform.node.findChild('ShopDeployer').node.findChild('Role') as ApiObject;
    expect(() => role.toJson()).toThrow('[shop/db] kind: is a Secret');
  });

  test('every refused object at once when validated, before anything is synthesized', () => {
    const { deployer } = build({
      addLater: shop => {
        new k8s.KubeSecret(shop, 'db', { metadata: { name: 'db', namespace: 'shop-production' } });
        new k8s.KubeConfigMap(shop, 'elsewhere', { metadata: { name: 'settings', namespace: 'blog-production' } });
      },
    });
    const problems = deployer.node.validate();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('[shop/db] kind');
    expect(problems[1]).toContain('[shop/elsewhere] metadata.namespace');
  });

  test.each([
    ['is empty', ''],
    ['is too short', 'needed'],
  ])('a secrets exception whose reason %s', (_, reason) => {
    const e = refusal(() => build({ secrets: { reason } }));
    expect(e.path).toBe('platform/ShopDeployer');
    expect(e.field).toBe('secrets.reason');
    expect(e.value).toBe(reason);
    expect(e.fix).toContain('secrets.reason');
  });

  test('being placed inside the workloads it applies', () => {
    const app = new App();
    const chart = new Chart(app, 'shop');
    const ns = new TenantNamespace(chart, 'Ns', { app: 'shop', environment: 'production' });
    const e = refusal(() => new ScopedDeployer(chart, 'Deployer', { namespace: ns, workloads: chart }));
    expect(e.path).toBe('shop/Deployer');
    expect(e.field).toBe('workloads');
    expect(e.fix).toContain('outside the workloads');
  });

  test('a name that is not a DNS label', () => {
    const app = new App();
    const chart = new Chart(app, 'platform');
    const ns = new TenantNamespace(chart, 'Ns', { app: 'shop', environment: 'production' });
    const e = refusal(() => new ScopedDeployer(chart, 'Deployer', { namespace: ns, workloads: new Chart(app, 'w'), name: 'CI_Bot' }));
    expect(e.field).toBe('name');
    expect(e.value).toBe('CI_Bot');
  });
});

describe('canI', () => {
  const sa = 'system:serviceaccount:team-a:ci';
  const role = (kind: 'Role' | 'ClusterRole', name: string, rules: object[], namespace?: string) =>
    ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name, namespace }, rules });
  const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', roleRef: { kind: string; name: string }, subjects: object[], namespace?: string) =>
    ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'b', namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects });
  const saSubject = { kind: 'ServiceAccount', name: 'ci', namespace: 'team-a' };
  const readPods = { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] };

  test('parses service account usernames and nothing else', () => {
    expect(parseServiceAccount(sa)).toEqual({ namespace: 'team-a', name: 'ci' });
    expect(parseServiceAccount('alice')).toBeUndefined();
    expect(parseServiceAccount('system:serviceaccount:team-a')).toBeUndefined();
    expect(parseServiceAccount('system:serviceaccount:a:b:c')).toBeUndefined();
  });

  test('a ClusterRoleBinding grants in every namespace and cluster-wide', () => {
    const objects = [role('ClusterRole', 'reader', [readPods]), binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'reader' }, [saSubject])];
    expect(canI(objects, sa, 'get', '', 'pods', 'team-a')).toBe(true);
    expect(canI(objects, sa, 'get', '', 'pods', 'kube-system')).toBe(true);
    expect(canI(objects, sa, 'get', '', 'pods')).toBe(true);
    expect(canI(objects, sa, 'delete', '', 'pods', 'team-a')).toBe(false);
    expect(canI(objects, 'system:serviceaccount:team-b:ci', 'get', '', 'pods', 'team-a')).toBe(false);
  });

  test('a RoleBinding grants only in its own namespace, with a Role there or a ClusterRole', () => {
    const toRole = [role('Role', 'reader', [readPods], 'team-a'), binding('RoleBinding', { kind: 'Role', name: 'reader' }, [saSubject], 'team-a')];
    expect(canI(toRole, sa, 'get', '', 'pods', 'team-a')).toBe(true);
    expect(canI(toRole, sa, 'get', '', 'pods', 'team-b')).toBe(false);
    expect(canI(toRole, sa, 'get', '', 'pods')).toBe(false);

    const toClusterRole = [role('ClusterRole', 'reader', [readPods]), binding('RoleBinding', { kind: 'ClusterRole', name: 'reader' }, [saSubject], 'team-b')];
    expect(canI(toClusterRole, sa, 'get', '', 'pods', 'team-b')).toBe(true);
    expect(canI(toClusterRole, sa, 'get', '', 'pods', 'team-a')).toBe(false);

    const roleElsewhere = [role('Role', 'reader', [readPods], 'team-b'), binding('RoleBinding', { kind: 'Role', name: 'reader' }, [saSubject], 'team-a')];
    expect(canI(roleElsewhere, sa, 'get', '', 'pods', 'team-a')).toBe(false);
  });

  test('wildcard rules match any group, resource, subresource and verb', () => {
    const objects = [
      role('ClusterRole', 'admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
      binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'admin' }, [saSubject]),
    ];
    expect(canI(objects, sa, 'escalate', 'rbac.authorization.k8s.io', 'clusterroles')).toBe(true);
    expect(canI(objects, sa, 'create', '', 'pods/exec', 'default')).toBe(true);
  });

  test('subresources match only when named', () => {
    const objects = [role('ClusterRole', 'r', [readPods, { apiGroups: [''], resources: ['*/log'], verbs: ['get'] }]),
      binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'r' }, [saSubject])];
    expect(canI(objects, sa, 'get', '', 'pods/exec', 'x')).toBe(false);
    expect(canI(objects, sa, 'get', '', 'pods/log', 'x')).toBe(true);
  });

  test('rules limited to resourceNames count as a grant on "any object", but only for the named object when a name is asked', () => {
    const objects = [
      role('ClusterRole', 'one', [{ ...readPods, resourceNames: ['web-0'] }]),
      binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'one' }, [saSubject]),
    ];
    expect(canI(objects, sa, 'get', '', 'pods', 'team-a')).toBe(true);
    expect(canI(objects, sa, 'get', '', 'pods', 'team-a', { name: 'web-0' })).toBe(true);
    expect(canI(objects, sa, 'get', '', 'pods', 'team-a', { name: 'web-1' })).toBe(false);
    expect(canI(objects, sa, 'list', '', 'pods', 'team-a', { name: '' })).toBe(false);
  });

  test('group subjects for service accounts match, and a namespaced group only its namespace\'s accounts', () => {
    const objects = [
      role('ClusterRole', 'reader', [readPods]),
      binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'Group', name: 'system:serviceaccounts:team-a' }]),
    ];
    expect(canI(objects, sa, 'get', '', 'pods', 'x')).toBe(true);
    expect(canI(objects, 'system:serviceaccount:team-b:ci', 'get', '', 'pods', 'x')).toBe(false);
    expect(canI(objects, 'alice', 'get', '', 'pods', 'x')).toBe(false);
    const all = [objects[0], binding('ClusterRoleBinding', { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'Group', name: 'system:serviceaccounts' }])];
    expect(canI(all, 'system:serviceaccount:team-b:ci', 'get', '', 'pods', 'x')).toBe(true);
  });

  test('User subjects match by name, a ServiceAccount subject defaults to the RoleBinding\'s namespace, and other kinds are ignored', () => {
    const objects: Record<string, any>[] = [
      { kind: 'ConfigMap', metadata: { name: 'noise', namespace: 'team-a' } },
      role('Role', 'reader', [readPods], 'team-a'),
      binding('RoleBinding', { kind: 'Role', name: 'reader' }, [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'ci' }], 'team-a'),
    ];
    expect(canI(objects, 'alice', 'list', '', 'pods', 'team-a')).toBe(true);
    expect(canI(objects, 'bob', 'list', '', 'pods', 'team-a')).toBe(false);
    expect(canI(objects, sa, 'list', '', 'pods', 'team-a')).toBe(true);
  });
});
