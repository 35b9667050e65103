import { Testing } from 'cdk8s';
import { PlatformSpec } from '../compiler/app-spec';
import { compile } from '../compiler/compile';
import { buildReport, renderMarkdown } from '../compiler/report';
import { securityDiff } from '../compiler/security-diff';
import { HardenedDeployment, KubernetesApiAccess } from '../constructs';
import { API_RESOURCES, canI, checkManifests, readableResource, resourceOfKind } from '../policy';
import { BOOTSTRAP_CLUSTER_ROLES } from '../policy/bootstrap-roles';
import { refusalOf } from './refusal';
import { environment, IMAGE } from './support/workloads';
import '../testing';

// A service's kubernetesApi (issue 12, item 3): a projected token bound to an audience and an
// hour, a read-only Role or ClusterRole built in the platform chart, the API server as a named
// egress peer, the reason on the role, its binding and the pods, and the report's section.

type Json = Record<string, any>;

const API_SERVER = { cidrs: ['10.96.0.1/32', '192.168.1.10/32'] };
// The platform settings of these tests alone, not the examples' (which may grow a bootstrap project and its waivers).
const PLATFORM: PlatformSpec = { apiServer: API_SERVER };
const NS = 'ops';
const SA = (name: string, namespace = NS) => `system:serviceaccount:${namespace}:${name}`;
const CLUSTER_REASON = 'answers the on-call team\'s questions about the state of every namespace';
const VIEW_REASON = 'shows the workloads of its namespace to the developers';

/** An app with a cluster reader `agent` (Kubently-like) and a namespace viewer `viewer` (Headlamp-like), JSON-shaped. */
function app(edit: (services: Json) => void = () => undefined): any {
  const spec = JSON.parse(JSON.stringify({
    name: 'ops', repoURL: 'https://github.com/acme/ops.git',
    environments: { production: { namespace: NS } },
    services: {
      agent: {
        image: IMAGE, ports: [{ name: 'http', port: 8080 }],
        kubernetesApi: { access: 'read', resources: ['pods', 'pods/log', 'nodes', 'apps/deployments', 'events.k8s.io/events'], scope: 'cluster', reason: CLUSTER_REASON },
      },
      viewer: {
        image: IMAGE, ports: [{ name: 'http', port: 8080 }],
        sidecars: [{ name: 'proxy', image: IMAGE }],
        kubernetesApi: { access: 'read', resources: ['pods', 'services', 'apps/deployments'], scope: 'namespace', reason: VIEW_REASON },
      },
      web: { image: IMAGE, ports: [{ name: 'http', port: 8080 }] },
    },
  }));
  edit(spec.services);
  return spec;
}

const compiled = (spec = app(), platformSpec: PlatformSpec = PLATFORM) => compile([spec], platformSpec);
const find = (objects: Json[], kind: string, name: string) => {
  const found = objects.filter(o => o.kind === kind && o.metadata?.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};
const api = (services: Json, name = 'agent') => services[name].kubernetesApi;

describe('compile: what kubernetesApi builds', () => {
  const result = compiled();
  const { objects } = result;

  test('compiles with no error, passes the gate and stays restricted', () => {
    expect(result.errors).toEqual([]);
    expect(checkManifests(objects).failures).toEqual([]);
    expect(objects).toMeetPodSecurity('restricted');
  });

  test('the pod keeps the legacy token off and gets a projected volume bound to the platform\'s audience and an hour, read-only where client-go looks, in the main container only', () => {
    const pod = find(objects, 'Deployment', 'viewer').spec.template;
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(pod.spec.serviceAccountName).toBe('viewer');
    const volume = pod.spec.volumes.find((v: Json) => v.name === 'kube-api-access');
    expect(volume).toEqual({
      name: 'kube-api-access',
      projected: {
        defaultMode: 0o440,
        sources: [
          { serviceAccountToken: { audience: 'https://kubernetes.default.svc.cluster.local', expirationSeconds: 3600, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    });
    const [main, proxy] = pod.spec.containers;
    expect(main.volumeMounts).toContainEqual({ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
    expect(proxy.name).toBe('proxy');
    expect(JSON.stringify(proxy.volumeMounts ?? [])).not.toContain('kube-api-access');
    expect(pod.metadata.annotations['guardrails.cdk8s.io/exception.kubernetes-api']).toBe(VIEW_REASON);
  });

  test('its ServiceAccount is its own, in the workloads, and mounts no token', () => {
    const sa = find(objects, 'ServiceAccount', 'viewer');
    expect(sa).toMatchObject({ automountServiceAccountToken: false, metadata: { namespace: NS } });
    expect(result.files['apps/ops/production/workloads.k8s.yaml']).toMatch(/kind: ServiceAccount\nmetadata:\n(.*\n)*?\s+name: viewer/);
  });

  test('a service without kubernetesApi gets no token and no rights', () => {
    const web = find(objects, 'Deployment', 'web').spec.template;
    expect(JSON.stringify(web)).not.toMatch(/serviceAccountToken|kube-api-access|kubernetes-api/);
    expect(canI(objects, SA('web'), 'list', '', 'pods', NS)).toBe(false);
  });

  test('scope namespace: a Role and RoleBinding in the namespace, get/list/watch on the resources one group per rule, the reason on both', () => {
    const role = find(objects, 'Role', 'viewer-kubernetes-api');
    expect(role.metadata.namespace).toBe(NS);
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = find(objects, 'RoleBinding', 'viewer-kubernetes-api');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'viewer', namespace: NS }]);
    for (const o of [role, binding]) expect(o.metadata.annotations).toEqual({ 'guardrails.cdk8s.io/exception.kubernetes-api': VIEW_REASON });
    expect(objects.filter(o => o.kind === 'ClusterRole' && /viewer/.test(o.metadata.name))).toEqual([]);
  });

  test('scope cluster: a ClusterRole named after the namespace and account, pods/log with get only, and its ClusterRoleBinding', () => {
    const role = find(objects, 'ClusterRole', 'kubernetes-api:ops:agent');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    ]);
    expect(role.aggregationRule).toBeUndefined();
    expect(Object.keys(role.metadata.labels)).toEqual(['app.kubernetes.io/managed-by']);
    const binding = find(objects, 'ClusterRoleBinding', 'kubernetes-api:ops:agent');
    expect(binding).toMatchObject({ roleRef: { kind: 'ClusterRole', name: 'kubernetes-api:ops:agent' }, subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace: NS }] });
    expect(binding.metadata.annotations['guardrails.cdk8s.io/exception.kubernetes-api']).toBe(CLUSTER_REASON);
  });

  test('the RBAC objects are in the platform chart, never in the workloads the deployer applies', () => {
    const platformFile = result.files['platform/ops.k8s.yaml'];
    const workloads = result.files['apps/ops/production/workloads.k8s.yaml'];
    for (const name of ['kubernetes-api:ops:agent', 'viewer-kubernetes-api']) {
      expect(platformFile).toContain(`name: ${name}`);
      expect(workloads).not.toContain(name);
    }
    expect(workloads).not.toMatch(/kind: (Cluster)?Role(Binding)?\n/);
  });

  test('the deployer cannot change its workloads\' rights: no write on roles, bindings or cluster roles', () => {
    for (const verb of ['create', 'update', 'patch', 'delete', 'escalate', 'bind']) {
      for (const resource of ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']) {
        expect([verb, resource, canI(objects, SA('deployer'), verb, 'rbac.authorization.k8s.io', resource, NS)]).toEqual([verb, resource, false]);
        expect([verb, resource, canI(objects, SA('deployer'), verb, 'rbac.authorization.k8s.io', resource)]).toEqual([verb, resource, false]);
      }
    }
  });

  test('the API server is a named egress peer: its CIDRs on 443 and 6443 for the reading service only', () => {
    for (const name of ['agent', 'viewer']) {
      const policy = find(objects, 'NetworkPolicy', `allow-egress-${name}-to-kubernetes-api`);
      expect(policy.spec).toEqual({
        podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.96.0.1/32' } }, { ipBlock: { cidr: '192.168.1.10/32' } }], ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }] }],
      });
    }
    expect(objects.filter(o => o.kind === 'NetworkPolicy' && /web-to-kubernetes-api/.test(o.metadata.name))).toEqual([]);
  });

  test('the platform\'s ports and audience replace the defaults', () => {
    const custom = compiled(app(), { apiServer: { cidrs: ['172.20.0.1/32'], ports: [443], audience: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC' } });
    expect(custom.errors).toEqual([]);
    const token = find(custom.objects, 'Deployment', 'agent').spec.template.spec.volumes.find((v: Json) => v.name === 'kube-api-access').projected.sources[0];
    expect(token.serviceAccountToken.audience).toBe('https://oidc.eks.eu-west-1.amazonaws.com/id/ABC');
    expect(find(custom.objects, 'NetworkPolicy', 'allow-egress-agent-to-kubernetes-api').spec.egress)
      .toEqual([{ to: [{ ipBlock: { cidr: '172.20.0.1/32' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
  });

  test('the gate excuses the token and the ClusterRoleBinding by the exception, each once and with its reason, and nothing else', () => {
    const gate = checkManifests(objects);
    expect(gate.waived.map(f => [f.rule, f.object, f.waiver])).toEqual([
      ['hardening.token-automount', 'Deployment ops/agent', CLUSTER_REASON],
      ['hardening.token-automount', 'Deployment ops/viewer', VIEW_REASON],
      ['rbac.cluster-binding', 'ClusterRoleBinding kubernetes-api:ops:agent', CLUSTER_REASON],
    ]);
    // Without the exception on the binding, the same ClusterRoleBinding fails.
    const bare = objects.map(o => (o.kind === 'ClusterRoleBinding' ? { ...o, metadata: { ...o.metadata, annotations: undefined } } : o));
    expect(checkManifests(bare).failures.map(f => [f.rule, f.object])).toEqual([['rbac.cluster-binding', 'ClusterRoleBinding kubernetes-api:ops:agent']]);
  });

  test('the report lists each reading service: namespace, service, account, scope, resources, verbs and reason', () => {
    const gate = checkManifests(objects);
    const report = buildReport(objects, gate);
    expect(report.kubernetesApi).toEqual([
      { namespace: NS, service: 'Deployment agent', serviceAccount: 'agent', scope: 'cluster', role: 'ClusterRole kubernetes-api:ops:agent',
        resources: ['nodes', 'pods', 'apps/deployments', 'events.k8s.io/events', 'pods/log (get)'], verbs: ['get', 'list', 'watch'], reason: CLUSTER_REASON },
      { namespace: NS, service: 'Deployment viewer', serviceAccount: 'viewer', scope: 'namespace', role: 'Role ops/viewer-kubernetes-api',
        resources: ['pods', 'services', 'apps/deployments'], verbs: ['get', 'list', 'watch'], reason: VIEW_REASON },
    ]);
    const page = renderMarkdown(report);
    expect(page).toContain('## Kubernetes API access');
    expect(page).toContain(`| ops | Deployment agent | agent | **cluster** | nodes<br>pods<br>apps/deployments<br>events.k8s.io/events<br>pods/log (get) | get, list, watch | ${CLUSTER_REASON} |`);
  });

  test('the security diff shows a service starting to read the API: its token, its exception and what its account can now do', () => {
    const before = compiled(app(services => { delete services.viewer.kubernetesApi; })).objects;
    const changes = securityDiff(before, objects).changes;
    expect(changes).toEqual(expect.arrayContaining([
      expect.objectContaining({ subject: expect.stringContaining('viewer'), what: 'projected API token', before: 'none', after: 'audience https://kubernetes.default.svc.cluster.local, 3600 s' }),
      expect.objectContaining({ category: 'departures', change: 'added', reason: VIEW_REASON }),
    ]));
    expect(changes.filter(c => c.subject === 'ServiceAccount ops:viewer').map(c => [c.what, c.after]))
      .toEqual([['can now', 'ops: deployments.apps get, list, watch'], ['can now', 'ops: pods get, list, watch'], ['can now', 'ops: services get, list, watch']]);
  });

  test.each(['StatefulSet', 'Job', 'CronJob', 'DaemonSet'])('works for a %s too', kind => {
    const spec = app(services => {
      delete services.agent.ports;
      Object.assign(services.agent, { kind, ...(kind === 'CronJob' ? { schedule: '@hourly' } : {}) });
      if (kind === 'Job' || kind === 'CronJob') delete services.agent.ports;
    });
    if (kind === 'DaemonSet') spec.environments.production = { namespace: NS, podSecurity: 'baseline', podSecurityReason: 'the node agent runs on every node' };
    const result = compiled(spec);
    expect(result.errors).toEqual([]);
    const workload = find(result.objects, kind, 'agent');
    const pod = kind === 'CronJob' ? workload.spec.jobTemplate.spec.template : workload.spec.template;
    expect(pod.spec.volumes.map((v: Json) => v.name)).toContain('kube-api-access');
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(checkManifests(result.objects).failures).toEqual([]);
    expect(canI(result.objects, SA('agent'), 'list', '', 'pods')).toBe(true);
  });
});

describe('canI proves what the accounts can and cannot do', () => {
  const { objects } = compiled();
  const OTHER = 'payments';
  const WRITES = ['create', 'update', 'patch', 'delete', 'deletecollection'];
  const EVERY_RESOURCE: [string, string][] = [...API_RESOURCES.values()].map(r => [r.group, r.resource]);
  const namespaces = [NS, OTHER, 'kube-system', undefined];

  test('the cluster reader can get, list and watch each of its resources in every namespace and cluster-wide, and get pods/log', () => {
    for (const ns of namespaces) {
      for (const [group, resource] of [['', 'pods'], ['apps', 'deployments'], ['events.k8s.io', 'events']]) {
        for (const verb of ['get', 'list', 'watch']) expect([verb, resource, ns, canI(objects, SA('agent'), verb, group, resource, ns)]).toEqual([verb, resource, ns, true]);
      }
      expect(canI(objects, SA('agent'), 'get', '', 'pods/log', ns)).toBe(true);
    }
    expect(canI(objects, SA('agent'), 'list', '', 'nodes')).toBe(true);
    // What it did not ask for, it cannot read.
    expect(canI(objects, SA('agent'), 'list', '', 'configmaps', NS)).toBe(false);
    expect(canI(objects, SA('agent'), 'list', 'batch', 'jobs')).toBe(false);
  });

  test('the namespace viewer reads its resources in its namespace only', () => {
    for (const verb of ['get', 'list', 'watch']) {
      expect(canI(objects, SA('viewer'), verb, '', 'pods', NS)).toBe(true);
      expect(canI(objects, SA('viewer'), verb, 'apps', 'deployments', NS)).toBe(true);
      for (const ns of [OTHER, 'kube-system', undefined]) {
        expect([verb, ns, canI(objects, SA('viewer'), verb, '', 'pods', ns)]).toEqual([verb, ns, false]);
      }
    }
    expect(canI(objects, SA('viewer'), 'get', '', 'pods/log', NS)).toBe(false);
  });

  test.each(['agent', 'viewer'])('%s cannot create, update, patch or delete anything, anywhere', account => {
    for (const ns of namespaces) {
      for (const [group, resource] of EVERY_RESOURCE) {
        for (const verb of WRITES) {
          if (canI(objects, SA(account), verb, group, resource, ns)) throw new Error(`${account} can ${verb} ${group}/${resource} in ${ns ?? 'the cluster'}`);
        }
      }
    }
  });

  test.each(['agent', 'viewer'])('%s cannot read Secrets in any namespace, exec, attach, port-forward, proxy, mint tokens or escalate', account => {
    for (const ns of namespaces) {
      for (const verb of ['get', 'list', 'watch']) expect([verb, ns, canI(objects, SA(account), verb, '', 'secrets', ns)]).toEqual([verb, ns, false]);
      for (const resource of ['pods/exec', 'pods/attach', 'pods/portforward', 'pods/proxy', 'services/proxy']) {
        for (const verb of ['create', 'get']) expect([verb, resource, canI(objects, SA(account), verb, '', resource, ns)]).toEqual([verb, resource, false]);
      }
      expect(canI(objects, SA(account), 'create', '', 'serviceaccounts/token', ns)).toBe(false);
      expect(canI(objects, SA(account), 'impersonate', '', 'serviceaccounts', ns)).toBe(false);
      expect(canI(objects, SA(account), 'escalate', 'rbac.authorization.k8s.io', 'roles', ns)).toBe(false);
      expect(canI(objects, SA(account), 'bind', 'rbac.authorization.k8s.io', 'clusterroles', ns)).toBe(false);
    }
    expect(canI(objects, SA(account), 'get', '', 'nodes/proxy')).toBe(false);
  });
});

describe('compile: refusals name the service, the field, the value and the fix', () => {
  const errorsOf = (edit: (services: Json) => void) => compiled(app(edit)).errors;
  const AT = '[apps/ops/services/agent]';

  test.each([
    ['secrets', 'secrets', /kubernetesApi\.resources\[0\]: Secrets hold credentials.*\(got "secrets"\)/],
    ['a wildcard', '*', /kubernetesApi\.resources\[0\]: is a wildcard/],
    ['a group wildcard', 'apps/*', /kubernetesApi\.resources\[0\]: is a wildcard/],
    ['pods/exec', 'pods/exec', /kubernetesApi\.resources\[0\]: is a subresource, which runs commands in the pod; only pods\/log may be read/],
    ['pods/attach', 'pods/attach', /is a subresource, which attaches/],
    ['pods/portforward', 'pods/portforward', /is a subresource, which opens connections/],
    ['serviceaccounts/token', 'serviceaccounts/token', /is a subresource, which mints tokens/],
    ['nodes/proxy', 'nodes/proxy', /is a subresource, which proxies/],
    ['services/proxy', 'services/proxy', /is a subresource, which proxies/],
    ['a status subresource', 'apps/deployments/status', /is a subresource.*Fix: ask for "apps\/deployments"/],
    ['deployments without their group', 'deployments', /is not a resource of the core group.*Fix: did you mean "apps\/deployments"\?/],
    ['a typo', 'podz', /is not a resource of the Kubernetes 1\.28 API.*did you mean "pods"\?/],
    ['a singular', 'configmap', /did you mean "configmaps"\?/],
    ['a kind', 'Deployment', /did you mean "apps\/deployments"\?/],
    ['kubectl\'s spelling', 'deployments.apps', /did you mean "apps\/deployments"\?/],
    ['an API version', 'apps/v1/deployments', /names an API version.*did you mean "apps\/deployments"\?/],
    ['a custom resource', 'argoproj.io/applications', /custom resources are not offered/],
    ['a create-only review', 'authorization.k8s.io/subjectaccessreviews', /is not a resource of the Kubernetes 1\.28 API/],
    // Names every JavaScript object has: looked up as own keys only.
    ['a prototype key as a resource', 'constructor', /is not a resource of the Kubernetes 1\.28 API/],
    ['a prototype key as a subresource', 'pods/constructor', /is a subresource, which is not offered;/],
    ['__proto__', '__proto__', /is not a resource of the Kubernetes 1\.28 API/],
    ['a resource with a space', ' pods', /did you mean "pods"\?/],
    ['a capitalized resource', 'Pods', /did you mean "pods"\?/],
    ['a leading slash', '/pods', /is not a resource name/],
    ['a nested subresource', 'pods/log/x', /is not a resource name/],
  ])('refuses %s', (_, resource, message) => {
    const errors = errorsOf(s => { api(s).resources = [resource]; });
    expect(errors).toEqual([expect.stringMatching(message)]);
    expect(errors[0].startsWith(`${AT} kubernetesApi.resources[0]: `)).toBe(true);
    expect(errors[0]).toContain('Fix: ');
  });

  test('refuses a write: access must be read', () => {
    expect(errorsOf(s => { api(s).access = 'write'; }))
      .toEqual(['[apps/ops/services/agent/kubernetesApi] access: must be "read" (got "write"). Fix: write "read"']);
  });

  test('refuses verbs written beside the resources (an unknown field)', () => {
    expect(errorsOf(s => { api(s).verbs = ['get', 'patch']; })).toEqual([expect.stringMatching(/kubernetesApi.*verbs.*not a known field/)]);
  });

  test('refuses a missing or short reason, for namespace scope too', () => {
    expect(errorsOf(s => { delete api(s).reason; })).toEqual([expect.stringMatching(/kubernetesApi.*reason/)]);
    expect(errorsOf(s => { api(s, 'viewer').reason = 'dashboard'; }))
      .toEqual([expect.stringMatching(/^\[apps\/ops\/services\/viewer\] kubernetesApi\.reason: an exception needs a reason of at least 10 visible characters/)]);
  });

  test('refuses a cluster-scoped resource at namespace scope', () => {
    expect(errorsOf(s => { api(s, 'viewer').resources = ['pods', 'nodes']; }))
      .toEqual([expect.stringMatching(/^\[apps\/ops\/services\/viewer\] kubernetesApi\.resources\[1\]: is cluster-scoped.*Fix: set scope: "cluster"/)]);
  });

  test('refuses a resource listed twice, and an empty list', () => {
    expect(errorsOf(s => { api(s).resources = ['pods', 'nodes', 'pods']; })).toEqual([expect.stringMatching(/kubernetesApi\.resources\[2\]: is listed twice/)]);
    expect(errorsOf(s => { api(s).resources = []; })).toEqual([expect.stringMatching(/kubernetesApi\.resources: must list at least one resource/)]);
  });

  test('refuses an unknown scope', () => {
    expect(errorsOf(s => { api(s).scope = 'cluster-wide'; }))
      .toEqual(['[apps/ops/services/agent/kubernetesApi] scope: must be one of namespace, cluster (got "cluster-wide"). Fix: use one of them']);
  });

  test('refuses kubernetesApi when the platform settings name no apiServer, once per service, and builds neither service', () => {
    const result = compiled(app(), {});
    expect(result.errors).toEqual([
      expect.stringMatching(/^\[apps\/ops\/services\/agent\] kubernetesApi: needs the API server.*name no apiServer.*Fix: set apiServer in the platform settings/),
      expect.stringMatching(/^\[apps\/ops\/services\/viewer\] kubernetesApi: .*Fix: set apiServer in the platform settings/),
    ]);
  });

  test('a refusal is reported once per service, not once per environment', () => {
    const spec = app(s => { api(s).resources = ['secrets']; });
    spec.environments = { staging: {}, production: {} };
    expect(compiled(spec).errors).toEqual([expect.stringMatching(/^\[apps\/ops\/services\/agent\] kubernetesApi\.resources\[0\]: Secrets/)]);
  });

  test('a tenant cannot write apiToken itself: the service spec does not take it', () => {
    expect(errorsOf(s => { s.web.apiToken = { audience: 'x', reason: 'sneaking a token past the review' }; }))
      .toEqual([expect.stringMatching(/\[apps\/ops\/services\/web\].*apiToken.*not a known field/)]);
  });
});

describe('platform apiServer', () => {
  const refusal = (apiServer: any) => compile([app()], { apiServer }).errors;

  test.each([
    ['the whole IPv4 internet', ['0.0.0.0/0']],
    ['its two halves', ['0.0.0.0/1', '128.0.0.0/1']],
    ['all of IPv6', ['::/0']],
    ['a /8 of public IPv4', ['10.96.0.1/32', '8.0.0.0/8']],
  ])('refuses CIDRs that cover the internet: %s', (_, cidrs) => {
    expect(refusal({ cidrs })).toEqual([expect.stringMatching(/^\[platform\] apiServer\.cidrs: together reach .*the internet.*Fix: list the API server's own addresses/)]);
  });

  test('takes a public /32 (a managed cluster\'s endpoint)', () => {
    expect(refusal({ cidrs: ['34.120.1.10/32'] })).toEqual([]);
  });

  test.each([
    ['no CIDR', { cidrs: [] }, /apiServer\.cidrs: must list the API server's addresses/],
    ['a malformed CIDR', { cidrs: ['10.96.0.01/32'] }, /apiServer\.cidrs\[0\]: is not a CIDR/],
    ['a CIDR twice', { cidrs: ['10.96.0.1/32', '10.96.0.1/32'] }, /apiServer\.cidrs\[1\]: is listed twice/],
    ['port 0', { cidrs: ['10.96.0.1/32'], ports: [0] }, /apiServer\.ports\[0\]: must be a whole number from 1 to 65535/],
    ['no port', { cidrs: ['10.96.0.1/32'], ports: [] }, /apiServer\.ports: must list at least one port/],
    ['an audience with a space', { cidrs: ['10.96.0.1/32'], audience: 'api server' }, /apiServer\.audience: must be a non-empty audience/],
    ['an audience with a line break', { cidrs: ['10.96.0.1/32'], audience: 'https://a\nb' }, /apiServer\.audience/],
  ])('refuses %s', (_, apiServer, message) => {
    expect(refusal(apiServer)).toEqual([expect.stringMatching(message)]);
  });
});

describe('the constructs on their own', () => {
  test('KubernetesApiAccess refuses at its own path, and builds a Role in the namespace', () => {
    const env = environment();
    const access = new KubernetesApiAccess(env.platform, 'read', { namespace: env.namespace, serviceAccount: 'api', access: 'read', resources: ['pods', 'pods/log'], scope: 'namespace', reason: VIEW_REASON });
    expect(access.roleName).toBe('api-kubernetes-api');
    expect(access.resources).toEqual(['pods', 'pods/log']);
    const role = Testing.synth(env.platform).find(o => o.kind === 'Role');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }, { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }]);
    const e = refusalOf(() => new KubernetesApiAccess(env.platform, 'bad', {
      namespace: env.namespace, serviceAccount: 'api', access: 'read', resources: ['secrets'], scope: 'namespace', reason: VIEW_REASON,
    }));
    expect([e.path, e.field]).toEqual(['platform/bad', 'resources[0]']);
  });

  const deployment = (apiToken: any, more: Json = {}) => {
    const env = environment();
    return () => new HardenedDeployment(env.chart, 'api', { namespace: env.namespace, image: IMAGE, apiToken, ...more });
  };
  const token = { audience: 'https://kubernetes.default.svc.cluster.local', reason: VIEW_REASON };

  test.each([
    ['an expiry under 10 minutes', { ...token, expirationSeconds: 599 }, 'apiToken.expirationSeconds'],
    ['an expiry over an hour (3607, the legacy default)', { ...token, expirationSeconds: 3607 }, 'apiToken.expirationSeconds'],
    ['no audience', { reason: VIEW_REASON }, 'apiToken.audience'],
    ['an audience with a space', { ...token, audience: 'a b' }, 'apiToken.audience'],
    ['no reason', { audience: token.audience }, 'apiToken.reason'],
  ])('HardenedPod refuses a token with %s', (_, apiToken, field) => {
    expect(refusalOf(deployment(apiToken)).field).toBe(field);
  });

  test('HardenedPod refuses a writable path or a volume where the token is mounted', () => {
    expect(refusalOf(deployment(token, { writablePaths: [{ path: '/var/run/secrets/kubernetes.io/serviceaccount' }] })).field).toBe('writablePaths');
    const e = refusalOf(deployment(token, { volumes: [{ name: 'kube-api-access', mountPath: '/etc/x', configMap: { name: 'x' } }] }));
    expect([e.field, e.problem]).toEqual(['volumes[0].name', 'is the name of another volume of the pod']);
    expect(refusalOf(deployment(token, { volumes: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', configMap: { name: 'x' } }] })).field)
      .toBe('volumes[0].mountPath');
  });

  test('a token asked for by hand in a projected volume is still refused, and its fix names kubernetesApi', () => {
    const e = refusalOf(deployment(undefined, { volumes: [{ name: 't', mountPath: '/t', projected: { sources: [{ serviceAccountToken: { audience: 'x', expirationSeconds: 3600, path: 'token' } }] } }] }));
    expect(e.fix).toMatch(/kubernetesApi/);
  });

  test('a HardenedPod with a token and no RBAC passes the gate with the exception, and can read nothing', () => {
    const env = environment();
    new HardenedDeployment(env.chart, 'api', { namespace: env.namespace, image: IMAGE, apiToken: token });
    const objects = [...Testing.synth(env.platform), ...Testing.synth(env.chart)];
    expect(checkManifests(objects).failures).toEqual([]);
    expect(canI(objects, SA('api', 'shop-production'), 'list', '', 'pods', 'shop-production')).toBe(false);
  });
});

describe('the gate on shapes a tenant might try instead', () => {
  const { objects } = compiled();
  const edit = (kind: string, name: string, change: (o: Json) => void) => objects.map(o => {
    if (o.kind !== kind || o.metadata?.name !== name) return o;
    const copy = structuredClone(o);
    change(copy);
    return copy;
  });
  const failures = (set: Json[]) => checkManifests(set).failures.map(f => [f.rule, f.object]);

  test('adding get on secrets to the reasoned ClusterRole fails, as a cluster binding and as Secrets elsewhere', () => {
    const set = edit('ClusterRole', 'kubernetes-api:ops:agent', r => { r.rules[0].resources.push('secrets'); });
    expect(failures(set)).toEqual(expect.arrayContaining([
      ['rbac.secrets-elsewhere', 'ClusterRoleBinding kubernetes-api:ops:agent'],
      ['rbac.cluster-binding', 'ClusterRoleBinding kubernetes-api:ops:agent'],
    ]));
  });

  test('an aggregation label on the reasoned ClusterRole fails', () => {
    const set = edit('ClusterRole', 'kubernetes-api:ops:agent', r => { r.metadata.labels['rbac.authorization.k8s.io/aggregate-to-view'] = 'true'; });
    expect(failures(set)).toEqual(expect.arrayContaining([
      ['rbac.aggregation', 'ClusterRole kubernetes-api:ops:agent'],
      ['rbac.cluster-binding', 'ClusterRoleBinding kubernetes-api:ops:agent'],
    ]));
  });

  test('a token that lives a day, or has no audience, fails even with the exception', () => {
    for (const change of [(t: Json) => { t.expirationSeconds = 86400; }, (t: Json) => { delete t.audience; }]) {
      const set = edit('Deployment', 'agent', d => { change(d.spec.template.spec.volumes.find((v: Json) => v.name === 'kube-api-access').projected.sources[0].serviceAccountToken); });
      expect(failures(set)).toEqual([['hardening.token-automount', 'Deployment ops/agent']]);
    }
  });

  test('a second, unbound token beside the bound one fails on its own field; the bound one stays excused', () => {
    const set = edit('Deployment', 'agent', d => {
      d.spec.template.spec.volumes.find((v: Json) => v.name === 'kube-api-access').projected.sources.push({ serviceAccountToken: { path: 'more' } });
    });
    const gate = checkManifests(set);
    expect(gate.failures.map(f => f.field)).toEqual([expect.stringMatching(/projected\.sources\[3\]\.serviceAccountToken$/)]);
    expect(gate.waived.filter(f => f.object === 'Deployment ops/agent').map(f => f.field)).toEqual([expect.stringMatching(/projected\.sources\[0\]\.serviceAccountToken$/)]);
  });

  test('the legacy token on the reading pod fails despite the exception', () => {
    const set = edit('Deployment', 'agent', d => { d.spec.template.spec.automountServiceAccountToken = true; });
    expect(failures(set)).toEqual([['hardening.token-automount', 'Deployment ops/agent']]);
  });
});

describe('the resource table', () => {
  test('is the 1.28 API: every resource the built-in roles name (but Secrets and create-only ones) is known, in its group', () => {
    const named = new Set<string>();
    for (const role of BOOTSTRAP_CLUSTER_ROLES) {
      for (const rule of role.rules ?? []) {
        for (const group of rule.apiGroups ?? []) {
          for (const resource of rule.resources ?? []) {
            if (!resource.includes('/') && !resource.includes('*') && group !== '*') named.add(group ? `${group}/${resource}` : resource);
          }
        }
      }
    }
    // Our pluralization of the 1.28 kinds spells every resource the built-in roles name, except the
    // create-only reviews, pods' bindings, the virtual signers and the removed extensions group.
    expect([...named].filter(r => API_RESOURCES.has(r)).length).toBe(37);
    expect([...named].filter(r => !API_RESOURCES.has(r) && !/reviews$|^bindings$|^certificates\.k8s\.io\/signers$|^extensions\//.test(r))).toEqual([]);
    expect(API_RESOURCES.has('secrets')).toBe(true);
    expect(readableResource('secrets')).toHaveProperty('problem');
  });

  test('pluralizes kinds as the API server does', () => {
    expect(['Ingress', 'NetworkPolicy', 'Endpoints', 'PriorityClass', 'Pod', 'CSIStorageCapacity'].map(resourceOfKind))
      .toEqual(['ingresses', 'networkpolicies', 'endpoints', 'priorityclasses', 'pods', 'csistoragecapacities']);
  });

  test('knows which resources are cluster-scoped', () => {
    const scope = (s: string) => (API_RESOURCES.get(s)!.namespaced ? 'namespaced' : 'cluster');
    expect(['pods', 'nodes', 'namespaces', 'apps/deployments', 'rbac.authorization.k8s.io/clusterroles', 'storage.k8s.io/storageclasses', 'networking.k8s.io/clustercidrs'].map(scope))
      .toEqual(['namespaced', 'cluster', 'cluster', 'namespaced', 'cluster', 'cluster', 'cluster']);
  });
});
