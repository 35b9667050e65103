import { BOOTSTRAP_CLUSTER_ROLES, BOOTSTRAP_ROLES } from '../bootstrap-roles';
import { Json, ManifestContext, namespaceOf } from '../model';
import { AccessRequest, Grant, parseServiceAccount, policyRule, RBAC_GROUP, rbacIndex, RbacIndex, ResolvedBinding, ruleAllows } from '../rbac';
import { Rule, RuleViolation } from '../rule';

/**
 * RBAC: what the bindings let accounts do, as the authorizer decides it (policy/rbac.ts): through
 * roles of the set and built-in ones (a RoleBinding to `edit` or `cluster-admin` counts), with
 * aggregation, wildcards, subresources and resourceNames-limited rules as grants.
 *
 * Who is judged: the subjects that stand for service accounts (a ServiceAccount subject, the user
 * `system:serviceaccount:<ns>:<name>`, the groups `system:serviceaccounts` and
 * `system:serviceaccounts:<ns>`) and for everyone (`system:authenticated`, `system:unauthenticated`,
 * the user `system:anonymous`), since tenants run code as service accounts and everyone includes
 * them. Other users and groups are people, whom the identity provider and the platform team vouch
 * for: they are judged only for malformed subjects.
 * Who is exempt: the service accounts of `kube-system` (the control plane and its add-ons run
 * there, and no tenant may write there: see rbac.system-namespaces). No other namespace is
 * exempt, not even one named `kube-*` (a tenant may name its namespace so) or the Argo CD one:
 * a platform binding there carries a waiver with its reason.
 *
 * Where findings go: on the binding that grants (field `subjects[i]`, the subject that receives
 * the right), so that a waiver on that binding excuses exactly them. Findings about what a role
 * says (wildcards, labels, names, invalid rules) and about a role no binding of the set uses yet
 * stay on the role.
 */

/** Namespaces whose objects run the cluster, and Argo CD's; rights there are the platform's. */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];
const ARGO_NAMESPACE = 'argocd';
const EXEMPT_NAMESPACE = 'kube-system';

/** Cluster-scoped resources a tenant service account must never create. */
const CLUSTER_SCOPED: [string, string][] = [
  ['', 'namespaces'], ['', 'nodes'], ['', 'persistentvolumes'],
  [RBAC_GROUP, 'clusterroles'], [RBAC_GROUP, 'clusterrolebindings'],
  ['apiextensions.k8s.io', 'customresourcedefinitions'], ['apiregistration.k8s.io', 'apiservices'], ['storage.k8s.io', 'storageclasses'],
  ['admissionregistration.k8s.io', 'validatingwebhookconfigurations'], ['admissionregistration.k8s.io', 'mutatingwebhookconfigurations'],
  ['admissionregistration.k8s.io', 'validatingadmissionpolicies'], ['admissionregistration.k8s.io', 'validatingadmissionpolicybindings'],
  ['scheduling.k8s.io', 'priorityclasses'], ['node.k8s.io', 'runtimeclasses'], ['networking.k8s.io', 'ingressclasses'],
];

/** The accounts a subject stands for: those of one namespace, or of every namespace (`*`). */
interface Accounts {
  readonly namespace: string;
  /** How findings name the subject. */
  readonly text: string;
}

function accountsOf(principal: string): Accounts | undefined {
  const [type, ...rest] = principal.split(':');
  const name = rest.join(':');
  if (type === 'user') {
    const sa = parseServiceAccount(name);
    if (sa) return { namespace: sa.namespace, text: `ServiceAccount ${sa.namespace}/${sa.name}` };
    return name === 'system:anonymous' ? { namespace: '*', text: 'the anonymous user' } : undefined;
  }
  if (name === 'system:serviceaccounts') return { namespace: '*', text: 'every service account (group system:serviceaccounts)' };
  if (name === 'system:authenticated') return { namespace: '*', text: 'everyone authenticated (group system:authenticated)' };
  if (name === 'system:unauthenticated') return { namespace: '*', text: 'everyone unauthenticated (group system:unauthenticated)' };
  if (name.startsWith('system:serviceaccounts:')) {
    const ns = name.slice('system:serviceaccounts:'.length);
    return { namespace: ns, text: `every service account of ${ns} (group ${name})` };
  }
  return undefined;
}

/** A subject of a binding that rules judge. */
interface Judged {
  readonly binding: ResolvedBinding;
  readonly index: number;
  readonly accounts: Accounts;
}

const index = (ctx: ManifestContext): RbacIndex => ctx.once('rbac:index', () => rbacIndex(ctx.rbac));

/** Every judged, non-exempt subject of every binding, once per model. */
function judged(ctx: ManifestContext): Judged[] {
  return ctx.once('rbac:judged', () => index(ctx).bindings.flatMap(binding => binding.subjects.flatMap(s => {
    const accounts = s.principal ? accountsOf(s.principal) : undefined;
    return accounts && accounts.namespace !== EXEMPT_NAMESPACE ? [{ binding, index: s.index, accounts }] : [];
  })));
}

const roleText = (o: Json) => o.kind === 'Role' ? `Role ${namespaceOf(o)}/${o.metadata?.name}` : `ClusterRole ${o.metadata?.name}`;
const via = (g: Grant) => `${roleText(g.role)}${g.builtin ? ' (built in)' : ''} rules[${g.index}]`;
const scopeText = (b: ResolvedBinding) => b.namespace === undefined ? 'in every namespace' : `in ${b.namespace}`;
const resourceText = (r: AccessRequest) => `${r.verb} ${r.group ? `${r.resource}.${r.group}` : r.resource}`;

/**
 * A rule about a right: for every judged subject, the requests of `probes(binding)` its binding
 * allows, reported once per subject; and for every role of the set that no binding of the set
 * uses yet (when `unbound`), the same requests against its own rules, reported on the role.
 */
function grantRule(
  probes: (b: ResolvedBinding, who: Accounts) => AccessRequest[],
  message: (who: Accounts, b: ResolvedBinding, granted: { req: AccessRequest; grant: Grant }[]) => string,
  unbound?: { probes: AccessRequest[]; message: (granted: AccessRequest[]) => string },
): (ctx: ManifestContext) => RuleViolation[] {
  return ctx => {
    const idx = index(ctx);
    const found: RuleViolation[] = judged(ctx).flatMap(({ binding, index: i, accounts }) => {
      const granted = probes(binding, accounts).flatMap(req => {
        const grant = idx.allows(binding, req);
        return grant ? [{ req, grant }] : [];
      });
      return granted.length ? [{ object: binding.object, field: `subjects[${i}]`, message: message(accounts, binding, granted) }] : [];
    });
    if (!unbound) return found;
    return [...found, ...unusedRoles(ctx).flatMap(role => (Array.isArray(role.rules) ? role.rules as unknown[] : []).flatMap((raw, i) => {
      const rule = policyRule(raw);
      const granted = unbound.probes.filter(req => ruleAllows(rule, req));
      return granted.length ? [{ object: role, field: `rules[${i}]`, message: `${roleText(role)} is bound by no binding of the set yet, but ${unbound.message(granted)}` }] : [];
    }))];
  };
}

/** Roles and ClusterRoles of the set that no binding of the set uses, directly or through aggregation. */
function unusedRoles(ctx: ManifestContext): Json[] {
  return ctx.once('rbac:unused', () => {
    const idx = index(ctx);
    const used = new Set<Json>();
    for (const b of idx.bindings) {
      if (!b.role) continue;
      for (const entry of [b.role, ...idx.aggregated(b.role)]) entry.objects.forEach(o => used.add(o));
    }
    return ctx.ofKind('Role', 'ClusterRole').filter(o => !used.has(o));
  });
}

/** Requests that let an account give itself rights it does not have. */
function escalationProbes(b: ResolvedBinding): AccessRequest[] {
  const namespace = b.namespace;
  const probes: AccessRequest[] = [
    { verb: 'escalate', group: RBAC_GROUP, resource: 'roles', namespace },
    { verb: 'bind', group: RBAC_GROUP, resource: 'roles', namespace },
    // Binding a ClusterRole in a RoleBinding asks for `bind clusterroles` in that namespace.
    { verb: 'bind', group: RBAC_GROUP, resource: 'clusterroles', namespace },
    { verb: 'impersonate', group: '', resource: 'serviceaccounts', namespace },
  ];
  if (b.namespace !== undefined) return probes;
  return [...probes,
    { verb: 'escalate', group: RBAC_GROUP, resource: 'clusterroles' },
    { verb: 'impersonate', group: '', resource: 'users' },
    { verb: 'impersonate', group: '', resource: 'groups' },
    { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids' },
    { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras/scopes' },
  ];
}
/** What a role's own rules are asked, when no binding says where they apply: everything a ClusterRoleBinding could grant. */
const ESCALATION_CONTENT: AccessRequest[] = escalationProbes({ kind: 'ClusterRoleBinding', object: {}, subjects: [] });

const EXEC: AccessRequest[] = ['pods/exec', 'pods/attach', 'pods/portforward']
  // `get` too: exec, attach and port-forward over WebSocket are GET requests, authorized as `get`.
  .flatMap(resource => ['create', 'get'].map(verb => ({ verb, group: '', resource })));
/**
 * Writes that change a Namespace object. The status and finalize subresources count: their update
 * strategies reset only spec (status) or status (finalize), so labels and annotations sent
 * through them are kept.
 */
const NAMESPACE_WRITES: AccessRequest[] = [
  ...['update', 'patch', 'delete'].map(verb => ({ verb, group: '', resource: 'namespaces' })),
  ...['namespaces/status', 'namespaces/finalize'].flatMap(resource => ['update', 'patch'].map(verb => ({ verb, group: '', resource }))),
];
const SECRETS_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const TOKEN: AccessRequest = { verb: 'create', group: '', resource: 'serviceaccounts/token' };
const NODE_PROXY: AccessRequest[] = [
  ...['get', 'create', 'update', 'patch', 'delete'].map(verb => ({ verb, group: '', resource: 'nodes/proxy' })),
  // The legacy `proxy` verb on nodes, still held by system:kubelet-api-admin.
  { verb: 'proxy', group: '', resource: 'nodes' },
];
const inScope = (list: AccessRequest[], b: ResolvedBinding) => list.map(r => ({ ...r, namespace: b.namespace }));
const unique = (list: string[]) => [...new Set(list)];

/** The ClusterRoles of the bootstrap policy that aggregate others (admin, edit, view), with their selectors. */
const BUILTIN_AGGREGATORS = BOOTSTRAP_CLUSTER_ROLES.filter(r => r.aggregationRule)
  .map(r => ({ name: r.metadata.name as string, selectors: (r.aggregationRule.clusterRoleSelectors as Json[]).map(s => s.matchLabels as Record<string, string>) }));
const BUILTIN_NAMES = new Set([
  ...BOOTSTRAP_CLUSTER_ROLES.map(r => `ClusterRole ${r.metadata.name}`),
  ...BOOTSTRAP_ROLES.map(r => `Role ${r.metadata.namespace}/${r.metadata.name}`),
]);

function argoNamespaces(ctx: ManifestContext): string[] {
  return ctx.once('rbac:argo-namespaces', () => unique([ARGO_NAMESPACE, ...ctx.ofKind('AppProject').map(namespaceOf)]));
}

export const RBAC_RULES: Rule[] = [
  {
    id: 'rbac.wildcard', family: 'rbac', severity: 'error', title: 'no wildcards in RBAC rules',
    fix: 'list the API groups, resources and verbs the subject needs',
    check: ctx => ctx.ofKind('Role', 'ClusterRole').flatMap(role => (Array.isArray(role.rules) ? role.rules as unknown[] : []).flatMap((raw, i) => {
      const rule = policyRule(raw);
      const wild = [
        ...(['apiGroups', 'resources', 'verbs'] as const).filter(k => rule[k].some(x => x.includes('*'))),
        ...rule.nonResourceURLs.includes('*') ? ['nonResourceURLs'] : [],
      ];
      return wild.map(k => ({ object: role, field: `rules[${i}].${k}`, message: `${k} holds a wildcard` }));
    })),
  },
  {
    id: 'rbac.escalation', family: 'rbac', severity: 'error', title: 'no escalate, bind or impersonate',
    fix: 'remove the escalate, bind and impersonate verbs (and the roles that hold them, such as edit and admin); grant the roles themselves instead',
    check: grantRule(
      escalationProbes,
      (who, b, granted) => `${who.text} can ${unique(granted.map(g => resourceText(g.req))).join(', ')} ${scopeText(b)} (through ${via(granted[0].grant)}), and so gain rights it was not given`,
      { probes: ESCALATION_CONTENT, message: granted => `it grants ${unique(granted.map(resourceText)).join(', ')}, which lets its holder gain rights it was not given` },
    ),
  },
  {
    id: 'rbac.cluster-binding', family: 'rbac', severity: 'error', title: 'no cluster-wide bindings to app service accounts',
    fix: 'bind a namespaced Role with a RoleBinding in the service account\'s namespace',
    check: ctx => judged(ctx).filter(j => j.binding.kind === 'ClusterRoleBinding')
      .map(j => ({ object: j.binding.object, field: `subjects[${j.index}]`, message: `${j.accounts.text} gets rights in every namespace` })),
  },
  {
    id: 'rbac.cross-namespace', family: 'rbac', severity: 'error', title: 'no grants to service accounts of other namespaces',
    fix: 'bind only service accounts of the RoleBinding\'s own namespace',
    check: ctx => judged(ctx).filter(j => j.binding.kind === 'RoleBinding' && j.accounts.namespace !== j.binding.namespace)
      .map(j => ({ object: j.binding.object, field: `subjects[${j.index}]`, message: `${j.accounts.text} is granted rights in ${j.binding.namespace}` })),
  },
  {
    id: 'rbac.secrets-elsewhere', family: 'rbac', severity: 'error', title: 'no service account reads Secrets outside its namespace',
    fix: 'grant Secrets only through a Role in the service account\'s own namespace',
    check: grantRule(
      (b, who) => b.namespace === who.namespace ? [] : inScope(['get', 'list', 'watch'].map(verb => ({ verb, group: '', resource: 'secrets' })), b),
      (who, b, granted) => `${who.text} can read Secrets ${scopeText(b)} (through ${via(granted[0].grant)})`,
    ),
  },
  {
    id: 'rbac.secrets-access', family: 'rbac', severity: 'error', title: 'access to Secrets, even in the own namespace, has a reason',
    fix: 'create Secrets outside Git (External Secrets, Sealed Secrets) and grant no access to them; or give the deployer secrets: { reason } (exception secrets on the Role), or waive with the reason',
    check: ctx => {
      const idx = index(ctx);
      const seen = new Set<string>();
      // Written in a role of the set: the finding sits on that role (where ScopedDeployer writes its
      // `secrets` exception), once per rule; granted by a built-in role: on the binding.
      return judged(ctx).filter(j => j.binding.kind === 'RoleBinding' && j.accounts.namespace === j.binding.namespace).flatMap(j => {
        const granted = SECRETS_VERBS.flatMap(verb => {
          const grant = idx.allows(j.binding, { verb, group: '', resource: 'secrets', namespace: j.binding.namespace });
          return grant ? [{ verb, grant }] : [];
        });
        if (granted.length === 0) return [];
        const inSet = granted.filter(g => !g.grant.builtin);
        if (inSet.length === 0) {
          return [{ object: j.binding.object, field: `subjects[${j.index}]`,
            message: `${j.accounts.text} can ${granted.map(g => g.verb).join(', ')} Secrets in ${j.binding.namespace} (through ${via(granted[0].grant)})` }];
        }
        return inSet.flatMap(({ grant }) => {
          const key = `${roleText(grant.role)}\u0000${grant.index}`;
          if (seen.has(key)) return [];
          seen.add(key);
          const verbs = inSet.filter(g => g.grant === grant).map(g => g.verb);
          return [{ object: grant.role, field: `rules[${grant.index}]`, message: `grants ${verbs.join(', ')} on Secrets in ${j.binding.namespace} to ${j.accounts.text}` }];
        });
      });
    },
  },
  {
    id: 'rbac.cluster-scoped-create', family: 'rbac', severity: 'error', title: 'no service account creates cluster-scoped objects',
    fix: 'leave cluster-scoped objects (namespaces, CRDs, cluster RBAC, webhooks) to the platform team',
    check: grantRule(
      b => b.namespace !== undefined ? [] : CLUSTER_SCOPED.map(([group, resource]) => ({ verb: 'create', group, resource })),
      (who, _b, granted) => `${who.text} can create ${granted.map(g => g.req.group ? `${g.req.resource}.${g.req.group}` : g.req.resource).join(', ')} (through ${via(granted[0].grant)})`,
    ),
  },
  {
    id: 'rbac.own-namespace', family: 'rbac', severity: 'error', waivable: false, title: 'no account can change its Namespace',
    fix: 'grant at most get/list/watch on namespaces; the platform team owns Namespace objects and their Pod Security labels',
    check: grantRule(
      b => NAMESPACE_WRITES.map(r => ({ ...r, namespace: b.namespace })),
      (who, b, granted) => {
        const what = b.namespace === undefined ? 'every Namespace, its own included'
          : who.namespace === b.namespace || who.namespace === '*' ? `its own Namespace ${b.namespace}` : `Namespace ${b.namespace}`;
        return `${who.text} can ${unique(granted.map(g => g.req.resource === 'namespaces' ? g.req.verb : `${g.req.verb} (${g.req.resource})`)).join(', ')} ${what} (through ${via(granted[0].grant)}), e.g. relabel it to enforce: privileged`;
      },
      { probes: NAMESPACE_WRITES, message: granted => `it grants ${unique(granted.map(resourceText)).join(', ')}, which changes Namespace objects (e.g. their Pod Security labels)` },
    ),
  },
  {
    id: 'rbac.token-minting', family: 'rbac', severity: 'error', title: 'no account mints service account tokens',
    fix: 'remove create on serviceaccounts/token (and the roles that hold it, such as edit and admin); pods get their own token by projection',
    check: grantRule(
      b => inScope([TOKEN], b),
      (who, b, granted) => `${who.text} can create tokens for the service accounts ${scopeText(b)}, and so act as any of them (through ${via(granted[0].grant)})`,
      { probes: [TOKEN], message: () => 'it grants create serviceaccounts/token, which mints tokens for any service account in reach' },
    ),
  },
  {
    id: 'rbac.system-namespaces', family: 'rbac', severity: 'error', title: 'no rights in kube-system, kube-public, kube-node-lease or the Argo CD namespace',
    fix: 'bind tenant accounts only in their own namespaces; the platform namespaces are the platform team\'s',
    check: ctx => {
      const protectedNs = new Set([...SYSTEM_NAMESPACES, ...argoNamespaces(ctx)]);
      const idx = index(ctx);
      return judged(ctx).filter(j => j.binding.kind === 'RoleBinding' && protectedNs.has(j.binding.namespace!)).flatMap(j => {
        const granted = j.binding.role ? idx.effectiveRules(j.binding.role).find(g => g.rule.verbs.length > 0 && g.rule.resources.length > 0) : undefined;
        // A roleRef that does not resolve cannot be judged: counted as a right (and reported by rbac.role-ref).
        if (j.binding.role && !granted) return [];
        return [{ object: j.binding.object, field: `subjects[${j.index}]`,
          message: `${j.accounts.text} gets rights in ${j.binding.namespace}${granted ? ` (through ${via(granted)})` : ''}, a namespace of the platform` }];
      });
    },
  },
  {
    id: 'rbac.automount-token', family: 'rbac', severity: 'error', title: 'ServiceAccounts do not mount their token by default',
    fix: 'set automountServiceAccountToken: false on the ServiceAccount; a pod that needs the API opts in with its own projected token',
    check: ctx => ctx.ofKind('ServiceAccount').flatMap(sa => {
      const value = sa.automountServiceAccountToken;
      if (value === false) return [];
      return [{ object: sa, field: 'automountServiceAccountToken', message: value === undefined
        ? 'is not set, so every pod running as this account gets its API token mounted'
        : value === true ? 'is true, so every pod running as this account gets its API token mounted'
          : `is ${JSON.stringify(value)}, not the boolean false` }];
    }),
  },
  {
    id: 'rbac.pod-exec', family: 'rbac', severity: 'warning', title: 'exec, attach and port-forward into pods are waived',
    fix: 'remove pods/exec, pods/attach and pods/portforward (and roles that hold them, such as edit); or waive on the binding with the reason',
    check: grantRule(
      b => inScope(EXEC, b),
      (who, b, granted) => `${who.text} can ${unique(granted.map(g => g.req.resource.slice('pods/'.length))).join(', ')} into pods ${scopeText(b)} (through ${via(granted[0].grant)})`,
      { probes: EXEC, message: granted => `it grants ${unique(granted.map(g => g.resource)).join(', ')}` },
    ),
  },
  {
    id: 'rbac.node-proxy', family: 'rbac', severity: 'error', title: 'no access to the kubelet API (nodes/proxy)',
    fix: 'remove nodes/proxy (and roles that hold it, such as system:kubelet-api-admin); read metrics through the metrics API',
    check: grantRule(
      b => b.namespace !== undefined ? [] : NODE_PROXY,
      (who, _b, granted) => `${who.text} can ${unique(granted.map(g => g.req.verb)).join(', ')} nodes/proxy, which runs commands in every pod of every node (through ${via(granted[0].grant)})`,
      { probes: NODE_PROXY, message: () => 'it grants nodes/proxy, which runs commands in every pod of every node' },
    ),
  },
  {
    id: 'rbac.aggregation', family: 'rbac', severity: 'error', title: 'no ClusterRole aggregates into the built-in admin, edit or view',
    fix: 'remove the rbac.authorization.k8s.io/aggregate-to-* label; bind the ClusterRole itself where it is needed',
    check: ctx => ctx.ofKind('ClusterRole').filter(role => !BUILTIN_NAMES.has(`ClusterRole ${role.metadata?.name}`)).flatMap(role => {
      const labels: Json = role.metadata?.labels !== null && typeof role.metadata?.labels === 'object' ? role.metadata.labels : {};
      const own = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
      // A value that is not a string cannot be judged: counted as matching.
      const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => own(k) && (labels[k] === v || typeof labels[k] !== 'string'));
      return BUILTIN_AGGREGATORS.flatMap(agg => agg.selectors.filter(matches).flatMap(selector => Object.keys(selector).map(key => ({
        object: role, field: `metadata.labels.${key}`,
        message: `aggregates its rules into the built-in ClusterRole ${agg.name}, widening every binding of ${agg.name} in the cluster`,
      }))));
    }),
  },
  {
    id: 'rbac.builtin-override', family: 'rbac', severity: 'error', title: 'no role named like a built-in one',
    fix: 'give the role its own name; to extend a built-in role, bind a second role beside it',
    check: ctx => ctx.ofKind('Role', 'ClusterRole').filter(role => BUILTIN_NAMES.has(role.kind === 'Role' ? `Role ${namespaceOf(role)}/${role.metadata?.name}` : `ClusterRole ${role.metadata?.name}`))
      .map(role => ({ object: role, field: 'metadata.name', message: `${roleText(role)} is built in: the API server merges these rules into it (and keeps them), so every binding of the built-in role, bootstrap ones included, gets them` })),
  },
  {
    id: 'rbac.role-ref', family: 'rbac', severity: 'error', title: 'every binding refers to a role we can judge',
    fix: 'refer to a Role of the binding\'s namespace or a ClusterRole defined in the set or built in, with apiGroup rbac.authorization.k8s.io',
    check: ctx => index(ctx).bindings.filter(b => b.problem && b.problem.field.startsWith('roleRef'))
      .map(b => ({ object: b.object, field: b.problem!.field, message: b.problem!.message })),
  },
  {
    id: 'rbac.subject', family: 'rbac', severity: 'error', waivable: false, title: 'binding subjects are well-formed',
    fix: 'give each subject kind ServiceAccount (with name and namespace), User or Group (with name), as the API server accepts them',
    check: ctx => index(ctx).problems.filter(p => /^subjects/.test(p.field) && ['RoleBinding', 'ClusterRoleBinding'].includes(p.object.kind)),
  },
  {
    id: 'rbac.invalid-rule', family: 'rbac', severity: 'error', waivable: false, title: 'role rules and aggregation selectors are well-formed',
    fix: 'write each rule with verbs and either apiGroups and resources, or (in a ClusterRole) nonResourceURLs; selectors as matchLabels/matchExpressions',
    check: ctx => index(ctx).problems.filter(p => ['Role', 'ClusterRole'].includes(p.object.kind)),
  },
];
