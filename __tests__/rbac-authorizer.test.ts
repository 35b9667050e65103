import { canI, rbacIndex } from '../policy/rbac';

// An independent judge for policy/rbac.ts: every expectation here is a statement of Kubernetes'
// documented RBAC semantics (https://kubernetes.io/docs/reference/access-authn-authz/rbac/, the
// impersonation section of .../authentication/, and the matching behaviour of
// pkg/registry/rbac/validation/rule.go and plugin/pkg/auth/authorizer/rbac/rbac.go), mostly on the
// docs' own example objects; none is derived from our implementation.

type Json = Record<string, any>;
const G = 'rbac.authorization.k8s.io';
const role = (name: string, namespace: string | undefined, rules: Json[], extra: Json = {}): Json =>
  ({ apiVersion: `${G}/v1`, kind: namespace ? 'Role' : 'ClusterRole', metadata: { name, ...(namespace ? { namespace } : {}), ...extra.metadata }, rules, ...extra.body });
const binding = (name: string, namespace: string | undefined, roleRef: Json, subjects: Json[]): Json =>
  ({ apiVersion: `${G}/v1`, kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding', metadata: { name, ...(namespace ? { namespace } : {}) }, roleRef: { apiGroup: G, ...roleRef }, subjects });
const user = (name: string) => ({ kind: 'User', name, apiGroup: G });
const group = (name: string) => ({ kind: 'Group', name, apiGroup: G });
const sa = (namespace: string, name: string) => `system:serviceaccount:${namespace}:${name}`;

describe('Role and RoleBinding (docs: "Role example", "RoleBinding examples")', () => {
  // The docs' pod-reader Role in "default", bound to the user jane.
  const objects = [
    role('pod-reader', 'default', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] }]),
    binding('read-pods', 'default', { kind: 'Role', name: 'pod-reader' }, [user('jane')]),
  ];

  test('jane may read pods in default', () => {
    for (const verb of ['get', 'watch', 'list']) expect(canI(objects, 'jane', verb, '', 'pods', 'default')).toBe(true);
  });
  test('only the verbs listed, only in the Role\'s namespace, and never across all namespaces', () => {
    expect(canI(objects, 'jane', 'delete', '', 'pods', 'default')).toBe(false);
    expect(canI(objects, 'jane', 'get', '', 'pods', 'kube-system')).toBe(false);
    expect(canI(objects, 'jane', 'list', '', 'pods')).toBe(false);
  });
  test('only for the subject named', () => {
    expect(canI(objects, 'jane2', 'get', '', 'pods', 'default')).toBe(false);
  });
  test('"" is the core group: apps is another group', () => {
    expect(canI(objects, 'jane', 'get', 'apps', 'pods', 'default')).toBe(false);
  });
});

describe('ClusterRole bound by a RoleBinding or a ClusterRoleBinding (docs: secret-reader examples)', () => {
  const secretReader = role('secret-reader', undefined, [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }]);

  test('a RoleBinding of a ClusterRole grants it only in the RoleBinding\'s namespace (dave in development)', () => {
    const objects = [secretReader, binding('read-secrets', 'development', { kind: 'ClusterRole', name: 'secret-reader' }, [user('dave')])];
    expect(canI(objects, 'dave', 'get', '', 'secrets', 'development')).toBe(true);
    expect(canI(objects, 'dave', 'get', '', 'secrets', 'production')).toBe(false);
    expect(canI(objects, 'dave', 'list', '', 'secrets')).toBe(false);
  });

  test('a ClusterRoleBinding grants it in every namespace, to every member of the group (manager)', () => {
    const objects = [secretReader, binding('read-secrets-global', undefined, { kind: 'ClusterRole', name: 'secret-reader' }, [group('manager')])];
    expect(canI(objects, 'someone', 'get', '', 'secrets', 'production', { groups: ['manager', 'system:authenticated'] })).toBe(true);
    expect(canI(objects, 'someone', 'list', '', 'secrets', undefined, { groups: ['manager'] })).toBe(true);
    expect(canI(objects, 'someone', 'get', '', 'secrets', 'production')).toBe(false);
  });

  test('a RoleBinding grants nothing cluster-scoped, even through a ClusterRole about nodes', () => {
    const objects = [
      role('node-reader', undefined, [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }]),
      binding('nodes', 'development', { kind: 'ClusterRole', name: 'node-reader' }, [user('dave')]),
    ];
    expect(canI(objects, 'dave', 'get', '', 'nodes')).toBe(false);
  });
});

describe('Referring to resources (docs: subresources, resourceNames, wildcards)', () => {
  const bind = (rules: Json[]) => [role('r', 'default', rules), binding('b', 'default', { kind: 'Role', name: 'r' }, [user('u')])];

  test('pods/log is named as a subresource; pods does not cover it, nor pods/exec', () => {
    const logs = bind([{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }]);
    expect(canI(logs, 'u', 'get', '', 'pods/log', 'default')).toBe(true);
    expect(canI(logs, 'u', 'get', '', 'pods/exec', 'default')).toBe(false);
    const podsOnly = bind([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    expect(canI(podsOnly, 'u', 'get', '', 'pods/log', 'default')).toBe(false);
  });

  test('resourceNames restricts get and update to the named object (configmap-updater)', () => {
    const objects = bind([{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['my-configmap'], verbs: ['update', 'get'] }]);
    expect(canI(objects, 'u', 'update', '', 'configmaps', 'default', { name: 'my-configmap' })).toBe(true);
    expect(canI(objects, 'u', 'update', '', 'configmaps', 'default', { name: 'other' })).toBe(false);
  });

  test('create and deletecollection cannot be restricted by resourceName, so such a rule never grants them', () => {
    const objects = bind([{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['my-configmap'], verbs: ['create', 'deletecollection'] }]);
    expect(canI(objects, 'u', 'create', '', 'configmaps', 'default')).toBe(false);
    expect(canI(objects, 'u', 'deletecollection', '', 'configmaps', 'default')).toBe(false);
  });

  test('a create on a named subresource carries the name (e.g. serviceaccounts/token of one account)', () => {
    const objects = bind([{ apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: ['builder'], verbs: ['create'] }]);
    expect(canI(objects, 'u', 'create', '', 'serviceaccounts/token', 'default', { name: 'builder' })).toBe(true);
    expect(canI(objects, 'u', 'create', '', 'serviceaccounts/token', 'default', { name: 'admin' })).toBe(false);
  });

  test('* matches every resource, subresources included, and every verb; */scale every scale subresource', () => {
    const all = bind([{ apiGroups: ['example.com'], resources: ['*'], verbs: ['*'] }]);
    expect(canI(all, 'u', 'deletecollection', 'example.com', 'widgets', 'default')).toBe(true);
    expect(canI(all, 'u', 'create', 'example.com', 'widgets/status', 'default')).toBe(true);
    expect(canI(all, 'u', 'get', 'other.com', 'widgets', 'default')).toBe(false);
    const scale = bind([{ apiGroups: ['*'], resources: ['*/scale'], verbs: ['update'] }]);
    expect(canI(scale, 'u', 'update', 'apps', 'deployments/scale', 'default')).toBe(true);
    expect(canI(scale, 'u', 'update', 'apps', 'deployments', 'default')).toBe(false);
    expect(canI(scale, 'u', 'update', 'apps', 'deployments/status', 'default')).toBe(false);
  });

  test('verbs are matched as written: a custom or capitalised verb is another verb', () => {
    const objects = bind([{ apiGroups: [''], resources: ['pods'], verbs: ['Get', 'use'] }]);
    expect(canI(objects, 'u', 'get', '', 'pods', 'default')).toBe(false);
    expect(canI(objects, 'u', 'use', '', 'pods', 'default')).toBe(true);
  });
});

describe('non-resource URLs (docs: "a * in a nonResourceURL is a suffix glob match")', () => {
  const objects = [
    role('healthz', undefined, [{ nonResourceURLs: ['/healthz', '/healthz/*'], verbs: ['get', 'post'] }]),
    binding('healthz', undefined, { kind: 'ClusterRole', name: 'healthz' }, [group('system:authenticated')]),
  ];
  test('exact and prefix matches, only the verbs listed', () => {
    expect(canI(objects, 'u', 'get', '', '/healthz')).toBe(true);
    expect(canI(objects, 'u', 'post', '', '/healthz/etcd')).toBe(true);
    expect(canI(objects, 'u', 'get', '', '/healthzz')).toBe(false);
    expect(canI(objects, 'u', 'delete', '', '/healthz')).toBe(false);
    expect(canI(objects, 'u', 'get', '', '/metrics')).toBe(false);
  });
  test('only through a ClusterRoleBinding: a RoleBinding never applies to a request without a namespace', () => {
    const viaRoleBinding = [objects[0], binding('healthz', 'default', { kind: 'ClusterRole', name: 'healthz' }, [user('u')])];
    expect(canI(viaRoleBinding, 'u', 'get', '', '/healthz')).toBe(false);
  });
});

describe('subjects (docs: "Referring to subjects")', () => {
  const reader = role('reader', undefined, [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
  const bound = (subject: Json, namespace?: string) => [reader, binding('b', namespace, { kind: 'ClusterRole', name: 'reader' }, [subject])];
  const may = (objects: Json[], who: string, namespace = 'qa') => canI(objects, who, 'get', '', 'configmaps', namespace);

  test('the default service account of kube-system', () => {
    const objects = bound({ kind: 'ServiceAccount', name: 'default', namespace: 'kube-system' });
    expect(may(objects, sa('kube-system', 'default'))).toBe(true);
    expect(may(objects, sa('qa', 'default'))).toBe(false);
  });
  test('a service account is also the user system:serviceaccount:<ns>:<name>', () => {
    expect(may(bound(user(sa('qa', 'ci'))), sa('qa', 'ci'))).toBe(true);
  });
  test('all service accounts of qa (group system:serviceaccounts:qa), of any namespace, all authenticated users', () => {
    expect(may(bound(group('system:serviceaccounts:qa')), sa('qa', 'anything'))).toBe(true);
    expect(may(bound(group('system:serviceaccounts:qa')), sa('dev', 'anything'))).toBe(false);
    expect(may(bound(group('system:serviceaccounts')), sa('dev', 'anything'))).toBe(true);
    expect(may(bound(group('system:serviceaccounts')), 'alice')).toBe(false);
    expect(may(bound(group('system:authenticated')), sa('dev', 'anything'))).toBe(true);
    expect(may(bound(group('system:authenticated')), 'alice')).toBe(true);
    expect(may(bound(group('system:authenticated')), 'system:anonymous')).toBe(false);
    expect(may(bound(group('system:unauthenticated')), 'system:anonymous')).toBe(true);
  });
  test('a ServiceAccount subject without namespace means the RoleBinding\'s namespace, and nothing in a ClusterRoleBinding', () => {
    expect(may(bound({ kind: 'ServiceAccount', name: 'ci' }, 'qa'), sa('qa', 'ci'))).toBe(true);
    expect(may(bound({ kind: 'ServiceAccount', name: 'ci' }, 'qa'), sa('dev', 'ci'), 'qa')).toBe(false);
    expect(may(bound({ kind: 'ServiceAccount', name: 'ci' }), sa('qa', 'ci'))).toBe(false);
    expect(rbacIndex(bound({ kind: 'ServiceAccount', name: 'ci' })).problems.map(p => p.field)).toEqual(['subjects[0].namespace']);
  });
  test('kinds are matched as written', () => {
    expect(may(bound({ kind: 'user', name: 'alice' }), 'alice')).toBe(false);
  });
});

describe('roleRef (rbac.go: a binding whose role cannot be found grants nothing, and the error is reported)', () => {
  test('a RoleBinding refers to a Role of its own namespace only', () => {
    const objects = [
      role('r', 'other', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
      binding('b', 'default', { kind: 'Role', name: 'r' }, [user('u')]),
    ];
    expect(canI(objects, 'u', 'get', '', 'pods', 'default')).toBe(false);
    expect(rbacIndex(objects).problems.map(p => p.field)).toEqual(['roleRef.name']);
  });
  test('a ClusterRoleBinding cannot refer to a Role', () => {
    const objects = [role('r', 'default', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]), binding('b', undefined, { kind: 'Role', name: 'r' }, [user('u')])];
    expect(canI(objects, 'u', 'get', '', 'pods', 'default')).toBe(false);
    expect(rbacIndex(objects).problems.map(p => p.field)).toEqual(['roleRef.kind']);
  });
});

describe('Namespace objects: requests on namespaces/N carry namespace N', () => {
  const objects = [
    role('ns-admin', undefined, [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'patch', 'create'] }]),
    binding('b', 'team-a', { kind: 'ClusterRole', name: 'ns-admin' }, [user('u')]),
  ];
  test('a RoleBinding in team-a grants get and patch on the Namespace team-a', () => {
    expect(canI(objects, 'u', 'get', '', 'namespaces', 'team-a')).toBe(true);
    expect(canI(objects, 'u', 'patch', '', 'namespaces', 'team-a')).toBe(true);
  });
  test('but not on another Namespace, nor listing or creating namespaces (requests without a namespace)', () => {
    expect(canI(objects, 'u', 'patch', '', 'namespaces', 'team-b')).toBe(false);
    expect(canI(objects, 'u', 'list', '', 'namespaces')).toBe(false);
    expect(canI(objects, 'u', 'list', '', 'namespaces', 'team-a')).toBe(false);
    expect(canI(objects, 'u', 'create', '', 'namespaces', 'team-a')).toBe(false);
  });
});

describe('aggregated ClusterRoles (docs: "Aggregated ClusterRoles")', () => {
  // The docs' monitoring example.
  const monitoring = role('monitoring', undefined, [], { body: { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] } } });
  const endpoints = role('monitoring-endpoints', undefined, [{ apiGroups: [''], resources: ['services', 'endpointslices', 'pods'], verbs: ['get', 'list', 'watch'] }],
    { metadata: { labels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } } });
  const bound = binding('mon', undefined, { kind: 'ClusterRole', name: 'monitoring' }, [user('u')]);

  test('a ClusterRole gets the rules of every ClusterRole its selectors match', () => {
    expect(canI([monitoring, endpoints, bound], 'u', 'list', '', 'services')).toBe(true);
    expect(canI([monitoring, bound], 'u', 'list', '', 'services')).toBe(false);
  });

  test('matchExpressions select too (In, NotIn, Exists), and an empty selector selects every ClusterRole', () => {
    const byExpression = (expression: Json) => role('monitoring', undefined, [], { body: { aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [expression] }] } } });
    expect(canI([byExpression({ key: 'rbac.example.com/aggregate-to-monitoring', operator: 'In', values: ['true', 'yes'] }), endpoints, bound], 'u', 'get', '', 'pods', 'x')).toBe(true);
    // NotIn also selects every object without the key (docs: Labels and Selectors), so the built-in cluster-admin too.
    expect(canI([byExpression({ key: 'rbac.example.com/aggregate-to-monitoring', operator: 'NotIn', values: ['true'] }), endpoints, bound], 'u', 'delete', '', 'nodes')).toBe(true);
    expect(canI([byExpression({ key: 'rbac.example.com/aggregate-to-monitoring', operator: 'Exists' }), endpoints, bound], 'u', 'delete', '', 'nodes')).toBe(false);
    const everything = role('monitoring', undefined, [], { body: { aggregationRule: { clusterRoleSelectors: [{}] } } });
    // ... cluster-admin (built in) included.
    expect(canI([everything, bound], 'u', 'delete', '', 'nodes')).toBe(true);
  });

  // The docs' CronTab example: labels that add rules to the default admin, edit and view roles.
  test('a ClusterRole labelled aggregate-to-edit widens every binding of the built-in edit and admin, not view', () => {
    const crontabs = role('aggregate-cron-tabs-edit', undefined, [{ apiGroups: ['stable.example.com'], resources: ['crontabs'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }],
      { metadata: { labels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true', 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } } });
    const to = (name: string) => [crontabs, binding('b', 'team-a', { kind: 'ClusterRole', name }, [user('u')])];
    expect(canI(to('edit'), 'u', 'create', 'stable.example.com', 'crontabs', 'team-a')).toBe(true);
    expect(canI(to('admin'), 'u', 'create', 'stable.example.com', 'crontabs', 'team-a')).toBe(true);
    expect(canI(to('view'), 'u', 'get', 'stable.example.com', 'crontabs', 'team-a')).toBe(false);
  });
});

describe('user-facing default roles (docs: "Default roles and role bindings"), bound in team-a', () => {
  const to = (name: string) => [binding('b', 'team-a', { kind: 'ClusterRole', name }, [{ kind: 'ServiceAccount', name: 'ci', namespace: 'team-a' }])];
  const who = sa('team-a', 'ci');

  test('cluster-admin: any action on any resource', () => {
    expect(canI(to('cluster-admin'), who, 'escalate', G, 'roles', 'team-a')).toBe(true);
    expect(canI(to('cluster-admin'), who, 'patch', '', 'namespaces', 'team-a')).toBe(true);
  });
  test('admin: read/write in the namespace, Roles and RoleBindings included; not resource quota, not the namespace itself', () => {
    const objects = to('admin');
    expect(canI(objects, who, 'create', G, 'rolebindings', 'team-a')).toBe(true);
    expect(canI(objects, who, 'delete', 'apps', 'deployments', 'team-a')).toBe(true);
    expect(canI(objects, who, 'update', '', 'resourcequotas', 'team-a')).toBe(false);
    expect(canI(objects, who, 'patch', '', 'namespaces', 'team-a')).toBe(false);
    expect(canI(objects, who, 'get', '', 'namespaces', 'team-a')).toBe(true);
  });
  test('edit: Secrets and running pods as any service account of the namespace; no Roles or RoleBindings', () => {
    const objects = to('edit');
    expect(canI(objects, who, 'get', '', 'secrets', 'team-a')).toBe(true);
    expect(canI(objects, who, 'create', '', 'pods', 'team-a')).toBe(true);
    expect(canI(objects, who, 'impersonate', '', 'serviceaccounts', 'team-a')).toBe(true);
    expect(canI(objects, who, 'create', '', 'pods/exec', 'team-a')).toBe(true);
    expect(canI(objects, who, 'get', G, 'roles', 'team-a')).toBe(false);
    expect(canI(objects, who, 'create', G, 'rolebindings', 'team-a')).toBe(false);
  });
  test('view: read most objects, not Secrets, not Roles or RoleBindings; nothing outside the namespace', () => {
    const objects = to('view');
    expect(canI(objects, who, 'list', '', 'pods', 'team-a')).toBe(true);
    expect(canI(objects, who, 'get', '', 'secrets', 'team-a')).toBe(false);
    expect(canI(objects, who, 'get', G, 'rolebindings', 'team-a')).toBe(false);
    expect(canI(objects, who, 'create', '', 'pods', 'team-a')).toBe(false);
    expect(canI(objects, who, 'list', '', 'pods', 'team-b')).toBe(false);
  });
  test('a set ClusterRole named like a built-in one adds to it (the API server keeps extra rules when it reconciles)', () => {
    const objects = [...to('view'), role('view', undefined, [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }])];
    expect(canI(objects, who, 'get', '', 'secrets', 'team-a')).toBe(true);
    expect(canI(objects, who, 'list', '', 'pods', 'team-a')).toBe(true);
  });
});

describe('the special verbs (docs: "Restrictions on role binding creation or update", impersonation)', () => {
  test('bind on named ClusterRoles (role-grantor): only those roles, only in the namespace', () => {
    const objects = [
      role('role-grantor', undefined, [
        { apiGroups: [G], resources: ['rolebindings'], verbs: ['create'] },
        { apiGroups: [G], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['admin', 'edit', 'view'] },
      ]),
      binding('role-grantor-binding', 'user-1-namespace', { kind: 'ClusterRole', name: 'role-grantor' }, [user('user-1')]),
    ];
    expect(canI(objects, 'user-1', 'bind', G, 'clusterroles', 'user-1-namespace', { name: 'edit' })).toBe(true);
    expect(canI(objects, 'user-1', 'bind', G, 'clusterroles', 'user-1-namespace', { name: 'cluster-admin' })).toBe(false);
    expect(canI(objects, 'user-1', 'bind', G, 'clusterroles', 'user-1-namespace')).toBe(true);
    expect(canI(objects, 'user-1', 'bind', G, 'clusterroles', 'other', { name: 'edit' })).toBe(false);
    expect(canI(objects, 'user-1', 'escalate', G, 'clusterroles', 'user-1-namespace')).toBe(false);
  });

  test('impersonate users, groups, service accounts, uids and user extras, limited by resourceNames', () => {
    const objects = [
      role('limited-impersonator', undefined, [
        { apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['jane.doe@example.com'] },
        { apiGroups: [''], resources: ['groups'], verbs: ['impersonate'], resourceNames: ['developers', 'admins'] },
        { apiGroups: ['authentication.k8s.io'], resources: ['userextras/scopes'], verbs: ['impersonate'], resourceNames: ['view', 'development'] },
        { apiGroups: ['authentication.k8s.io'], resources: ['uids'], verbs: ['impersonate'], resourceNames: ['06f6ce97-e2c5-4ab8-7ba5-7654dd08d52b'] },
      ]),
      binding('imp', undefined, { kind: 'ClusterRole', name: 'limited-impersonator' }, [user('u')]),
    ];
    expect(canI(objects, 'u', 'impersonate', '', 'users', undefined, { name: 'jane.doe@example.com' })).toBe(true);
    expect(canI(objects, 'u', 'impersonate', '', 'users', undefined, { name: 'root' })).toBe(false);
    expect(canI(objects, 'u', 'impersonate', '', 'groups', undefined, { name: 'admins' })).toBe(true);
    expect(canI(objects, 'u', 'impersonate', 'authentication.k8s.io', 'userextras/scopes', undefined, { name: 'view' })).toBe(true);
    expect(canI(objects, 'u', 'impersonate', 'authentication.k8s.io', 'uids')).toBe(true);
    expect(canI(objects, 'u', 'impersonate', '', 'serviceaccounts', 'default')).toBe(false);
  });

  test('approve for one signer (the built-in kubelet-serving approver role)', () => {
    const objects = [binding('approver', undefined, { kind: 'ClusterRole', name: 'system:certificates.k8s.io:kubelet-serving-approver' }, [user('u')])];
    expect(canI(objects, 'u', 'approve', 'certificates.k8s.io', 'signers', undefined, { name: 'kubernetes.io/kubelet-serving' })).toBe(true);
    expect(canI(objects, 'u', 'approve', 'certificates.k8s.io', 'signers', undefined, { name: 'kubernetes.io/kube-apiserver-client' })).toBe(false);
    expect(canI(objects, 'u', 'sign', 'certificates.k8s.io', 'signers')).toBe(false);
  });

  test('nodes/proxy through the built-in system:kubelet-api-admin', () => {
    const objects = [binding('kubelet', undefined, { kind: 'ClusterRole', name: 'system:kubelet-api-admin' }, [user('u')])];
    expect(canI(objects, 'u', 'create', '', 'nodes/proxy')).toBe(true);
    expect(canI(objects, 'u', 'get', '', 'nodes/proxy')).toBe(true);
    expect(canI(objects, 'u', 'delete', '', 'nodes')).toBe(false);
  });
});

describe('speed: the report asks canI thousands of times on one set', () => {
  test('20,000 questions over 1,000 bindings of the built-in edit role take well under a second', () => {
    const objects: Json[] = [];
    for (let i = 0; i < 1000; i++) objects.push(binding(`b${i}`, `ns-${i}`, { kind: 'ClusterRole', name: 'edit' }, [{ kind: 'ServiceAccount', name: 'ci' }]));
    const start = Date.now();
    let yes = 0;
    // Account ns-(i mod 1000) asks about namespace ns-(7i mod 1000): its own exactly when 6i = 0 mod 1000.
    for (let i = 0; i < 20000; i++) if (canI(objects, sa(`ns-${i % 1000}`, 'ci'), 'patch', 'apps', 'deployments', `ns-${(i * 7) % 1000}`)) yes++;
    expect(yes).toBe(40);
    expect(Date.now() - start).toBeLessThan(1000);
  });
});
