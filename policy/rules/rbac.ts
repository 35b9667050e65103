import { BOOTSTRAP_CLUSTER_ROLES, BOOTSTRAP_ROLES } from '../bootstrap-roles';
import { Json, ManifestContext, namespaceOf } from '../model';
import { AccessRequest, Grant, parseServiceAccount, PolicyRule, policyRule, RBAC_GROUP, rbacIndex, RbacIndex, ResolvedBinding, ruleAllows } from '../rbac';
import { Rule, RuleViolation } from '../rule';
import { KUBERNETES_API_EXCEPTION, READ_VERBS, readOnlyRuleProblem } from '../api-access';
import { reasonProblem } from '../departures';
import { EXCEPTION_PREFIX } from '../annotations';
import { EXPIRES_ANNOTATION, expiryProblem, MAX_EXPIRY_DAYS } from '../expiry';

/**
 * RBAC: what the bindings let accounts do, as the authorizer decides it (policy/rbac.ts): through
 * roles of the set and built-in ones (a RoleBinding to `edit` or `cluster-admin` counts), with
 * aggregation, wildcards, subresources and resourceNames-limited rules as grants.
 *
 * Who is judged: the subjects that stand for service accounts (a ServiceAccount subject, the user
 * `system:serviceaccount:<ns>:<name>`, the groups `system:serviceaccounts` and
 * `system:serviceaccounts:<ns>`) and for everyone (`system:authenticated`, `system:unauthenticated`,
 * the user `system:anonymous`), since tenants run code as service accounts and everyone includes
 * them. Other users and groups are people (OIDC `User`/`Group` subjects, e.g. TeamAccess's):
 * bound by a RoleBinding in a namespace that is not the platform's, they are judged like service
 * accounts of that namespace (no escalation, no token minting, no write to the Namespace, Secrets
 * only with a reason) and exec into pods needs an expiry and a reason on the Role
 * (rbac.exec-expiry). Bound cluster-wide, or in a platform namespace to a role that can write
 * there, they are rbac.person-cluster-wide: the gate cannot tell a tenant's hand-written binding
 * from the platform team's own, so the platform's bindings of its admins carry a waiver with
 * their reason. Users and groups named `system:*` that are not
 * service accounts are Kubernetes' own identities (nodes, control-plane components, everyone):
 * binding them is rbac.system-subject.
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
  /** A person or a group of people (a User or Group not named `system:*`), not a service account. */
  readonly human?: boolean;
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

/**
 * A person or group bound by `binding`, judged as an account of the binding's namespace; undefined
 * for a `system:*` name (see rbac.system-subject), a ClusterRoleBinding or a platform namespace.
 */
function personIn(principal: string, binding: ResolvedBinding, ctx: ManifestContext): Accounts | undefined {
  const [type, ...rest] = principal.split(':');
  const name = rest.join(':');
  if (name.startsWith('system:') || binding.kind !== 'RoleBinding' || binding.namespace === undefined) return undefined;
  if (SYSTEM_NAMESPACES.includes(binding.namespace) || argoNamespaces(ctx).includes(binding.namespace)) return undefined;
  return { namespace: binding.namespace, text: `${type === 'user' ? 'User' : 'Group'} ${name}`, human: true };
}

const index = (ctx: ManifestContext): RbacIndex => ctx.once('rbac:index', () => rbacIndex(ctx.rbac));

/** Every judged, non-exempt subject of every binding, once per model. */
function judged(ctx: ManifestContext): Judged[] {
  return ctx.once('rbac:judged', () => index(ctx).bindings.flatMap(binding => binding.subjects.flatMap(s => {
    const accounts = s.principal ? accountsOf(s.principal) ?? personIn(s.principal, binding, ctx) : undefined;
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

const AGGREGATE_LABEL = `${RBAC_GROUP}/aggregate-to-`;

/**
 * The read-only ClusterRole a judged subject of a ClusterRoleBinding gets (see rbac.cluster-binding),
 * with the resources it reads; or why the binding is not that shape.
 */
function readOnlyShape(idx: RbacIndex, j: Judged): { role: Json; resources: string[] } | string {
  // The exception stands for the one service account kubernetesApi binds: a binding of several
  // subjects would have it excuse each of them (other namespaces' accounts included).
  if (j.binding.subjects.length !== 1) return `the binding has ${j.binding.subjects.length} subjects, and the exception covers one service account`;
  const bound = j.binding.subjects[0];
  if (bound.subject.kind !== 'ServiceAccount' || !bound.principal?.startsWith('user:system:serviceaccount:')) {
    return 'the subject is not one service account written as a ServiceAccount subject';
  }
  const entry = j.binding.role;
  if (!entry) return 'its roleRef names no role we can judge';
  if (entry.builtin) return `ClusterRole ${entry.name} is built in`;
  if (entry.objects.length !== 1) return `ClusterRole ${entry.name} is defined ${entry.objects.length} times`;
  const role = entry.objects[0];
  const reason = role.metadata?.annotations?.[`${EXCEPTION_PREFIX}${KUBERNETES_API_EXCEPTION}`];
  if (reasonProblem(reason) !== undefined) return `ClusterRole ${entry.name} carries no ${EXCEPTION_PREFIX}${KUBERNETES_API_EXCEPTION} with a reason`;
  if (role.aggregationRule !== undefined && role.aggregationRule !== null) return `ClusterRole ${entry.name} aggregates other ClusterRoles`;
  const labels = role.metadata?.labels !== null && typeof role.metadata?.labels === 'object' ? Object.keys(role.metadata.labels) : [];
  const label = labels.find(k => k.startsWith(AGGREGATE_LABEL));
  if (label !== undefined) return `ClusterRole ${entry.name} is labelled ${label}, which adds its rules to other roles`;
  const grants = idx.effectiveRules(entry);
  if (grants.length === 0) return `ClusterRole ${entry.name} has no rules`;
  for (const g of grants) {
    const problem = readOnlyRuleProblem(g.rule);
    if (problem !== undefined) return `${via(g)} ${problem}`;
  }
  return { role, resources: unique(grants.flatMap(g => g.rule.apiGroups.flatMap(group => g.rule.resources.map(r => (group ? `${r}.${group}` : r))))) };
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
/** `exec, attach` from the pods/<sub> requests. */
const execText = (requests: AccessRequest[]) => unique(requests.map(r => r.resource.slice('pods/'.length))).join(', ');

/** Exec granted to a person through one binding subject. */
interface HumanExec {
  readonly binding: ResolvedBinding;
  readonly index: number;
  readonly who: string;
  readonly namespace: string;
  /** The first grant, and whether it is only in built-in roles. */
  readonly grant: Grant;
  readonly builtin: boolean;
  readonly requests: AccessRequest[];
  /** The grants by rule of a role of the set. */
  readonly inSet: { grant: Grant; req: AccessRequest }[];
}

/** Every person granted exec, attach or port-forward in a namespace, once per model. */
function humanExec(ctx: ManifestContext): HumanExec[] {
  return ctx.once('rbac:human-exec', () => {
    const idx = index(ctx);
    return judged(ctx).filter(j => j.accounts.human).flatMap(j => {
      const granted = inScope(EXEC, j.binding).flatMap(req => {
        const grant = idx.allows(j.binding, req);
        return grant ? [{ grant, req }] : [];
      });
      if (granted.length === 0) return [];
      const inSet = granted.filter(g => !g.grant.builtin);
      return [{ binding: j.binding, index: j.index, who: j.accounts.text, namespace: j.accounts.namespace,
        grant: granted[0].grant, builtin: inSet.length === 0, requests: granted.map(g => g.req), inSet }];
    });
  });
}

/** The rules of roles of the set through which people may exec: where the reason and expiry are written. */
interface ExecRule {
  readonly role: Json;
  readonly rule: number;
  /** `User alice in shop-production`, each once. */
  readonly who: string[];
  readonly requests: AccessRequest[];
}

function execRoles(ctx: ManifestContext): ExecRule[] {
  return ctx.once('rbac:exec-roles', () => {
    const byRule = new Map<Json, Map<number, ExecRule>>();
    for (const e of humanExec(ctx)) {
      for (const { grant, req } of e.inSet) {
        let perRule = byRule.get(grant.role);
        if (!perRule) byRule.set(grant.role, perRule = new Map());
        let entry = perRule.get(grant.index);
        if (!entry) perRule.set(grant.index, entry = { role: grant.role, rule: grant.index, who: [], requests: [] });
        const who = `${e.who} in ${e.namespace}`;
        if (!entry.who.includes(who)) entry.who.push(who);
        if (!entry.requests.some(r => r.resource === req.resource)) entry.requests.push(req);
      }
    }
    return [...byRule.values()].flatMap(m => [...m.values()]);
  });
}

/** The exec rules merged per role (and namespace): the annotations sit on the role, once. */
function rolesOf(rules: ExecRule[]): { role: Json; who: string[]; requests: AccessRequest[] }[] {
  const byRole = new Map<Json, { role: Json; who: string[]; requests: AccessRequest[] }>();
  for (const r of rules) {
    let entry = byRole.get(r.role);
    if (!entry) byRole.set(r.role, entry = { role: r.role, who: [], requests: [] });
    for (const w of r.who) if (!entry.who.includes(w)) entry.who.push(w);
    for (const q of r.requests) if (!entry.requests.some(x => x.resource === q.resource)) entry.requests.push(q);
  }
  return [...byRole.values()];
}

/** `User alice` for a person or a group of people (a User or Group not named `system:*`), else undefined. */
function personText(principal: string): string | undefined {
  const [type, ...rest] = principal.split(':');
  const name = rest.join(':');
  if ((type !== 'user' && type !== 'group') || name.startsWith('system:')) return undefined;
  return `${type === 'user' ? 'User' : 'Group'} ${name}`;
}

/**
 * Requests that act although their verb reads: Secrets (service account tokens, Argo CD's cluster
 * and repository credentials) and exec, attach, port-forward and proxy, which WebSocket clients
 * send as `get`.
 */
const READS_THAT_ACT: AccessRequest[] = [
  { verb: 'get', group: '', resource: 'secrets' }, { verb: 'list', group: '', resource: 'secrets' }, { verb: 'watch', group: '', resource: 'secrets' },
  ...['pods/exec', 'pods/attach', 'pods/portforward', 'pods/proxy', 'services/proxy'].map(resource => ({ verb: 'get', group: '', resource })),
];

/** What a role's rule lets its holder change (or act as) in the binding's namespace, or undefined when it only reads. */
function writeOf(rule: PolicyRule, namespace: string | undefined): string | undefined {
  // A rule that names no group or resource grants nothing in a namespace (non-resource URLs do not apply there).
  if (rule.apiGroups.length === 0 || rule.resources.length === 0) return undefined;
  const writes = rule.verbs.filter(v => !READ_VERBS.includes(v));
  if (writes.length) return `${writes.join(', ')} on ${rule.resources.join(', ')}`;
  const acts = READS_THAT_ACT.filter(r => ruleAllows(rule, { ...r, namespace }));
  return acts.length ? unique(acts.map(resourceText)).join(', ') + (acts.some(a => a.resource === 'secrets') ? ' (Secrets hold the namespace\'s credentials)' : '') : undefined;
}

/** What a `system:*` User or Group stands for, or undefined for a service account identity (judged by the other rules). */
function systemIdentity(kind: 'User' | 'Group', name: string): string | undefined {
  if (kind === 'User' && parseServiceAccount(name)) return undefined;
  if (kind === 'Group' && (name === 'system:serviceaccounts' || /^system:serviceaccounts:[^:]+$/.test(name))) return undefined;
  if (name === 'system:authenticated') return 'every authenticated identity: every person and every service account of the cluster';
  if (name === 'system:unauthenticated' || name === 'system:anonymous') return 'anyone who reaches the API server, without credentials';
  if (name === 'system:masters') return 'a group the API server lets past RBAC altogether (cluster-admin whatever the roles say)';
  return 'an identity of Kubernetes itself (nodes, control-plane components), which the cluster\'s own bindings serve; no tenant or person logs in as it';
}

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
    fix: 'bind a namespaced Role with a RoleBinding in the service account\'s namespace; a service that reads the whole cluster asks for kubernetesApi '
      + `with scope "cluster": a ClusterRole of get, list and watch only (no Secrets, no wildcard, no subresource but pods/log, no aggregation), bound to its one ServiceAccount subject alone, and the exception ${KUBERNETES_API_EXCEPTION} with its reason on the ClusterRole and its binding`,
    // One shape is the kubernetes-api exception's to excuse (its subject): one service account
    // bound to a ClusterRole of the set that reads (get, list, watch) named resources, no Secrets,
    // no subresource but pods/log, aggregates nothing, and carries the exception's reason too.
    check: ctx => judged(ctx).filter(j => j.binding.kind === 'ClusterRoleBinding').map(j => {
      const shape = readOnlyShape(index(ctx), j);
      return typeof shape === 'string'
        ? { object: j.binding.object, field: `subjects[${j.index}]`, message: `${j.accounts.text} gets rights in every namespace (not the read-only shape of exception ${KUBERNETES_API_EXCEPTION}: ${shape})` }
        : { object: j.binding.object, field: `subjects[${j.index}]`, subject: KUBERNETES_API_EXCEPTION,
          message: `${j.accounts.text} reads ${shape.resources.join(', ')} in every namespace (${READ_VERBS.join(', ')} at most, through ${roleText(shape.role)}), which needs the exception ${KUBERNETES_API_EXCEPTION} with its reason` };
    }),
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
          : !who.human && (who.namespace === b.namespace || who.namespace === '*') ? `its own Namespace ${b.namespace}` : `Namespace ${b.namespace}`;
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
    id: 'rbac.person-cluster-wide', family: 'rbac', severity: 'error',
    title: 'no person is bound cluster-wide, or to write in kube-system, kube-public, kube-node-lease or the Argo CD namespace, without a waiver',
    fix: 'bind people with a RoleBinding in the tenant\'s namespace (TeamAccess); the platform team\'s own binding of its admins carries '
      + 'guardrails.cdk8s.io/waive.rbac.person-cluster-wide with its reason',
    // The gate cannot tell a tenant's hand-written binding of a person from the platform team's:
    // both are written the same way, so each is a finding that the platform excuses on its own.
    check: ctx => {
      const idx = index(ctx);
      const platform = new Set([...SYSTEM_NAMESPACES, ...argoNamespaces(ctx)]);
      return idx.bindings.flatMap(b => {
        if (b.kind !== 'ClusterRoleBinding' && !(b.kind === 'RoleBinding' && platform.has(b.namespace!))) return [];
        const role = b.role ? `ClusterRole ${b.role.name}${b.role.builtin ? ' (built in)' : ''}` : undefined;
        let what: string | undefined;
        if (b.kind === 'ClusterRoleBinding') {
          what = `gets ${role ?? 'a ClusterRole we cannot judge'} in every namespace`;
        } else if (!b.role) {
          what = `gets a role we cannot judge in ${b.namespace}, a namespace of the platform`;
        } else {
          const write = idx.effectiveRules(b.role).map(g => ({ g, w: writeOf(g.rule, b.namespace) })).find(x => x.w !== undefined);
          if (!write) return [];
          what = `can write in ${b.namespace}, a namespace of the platform: ${write.w} (through ${via(write.g)})`;
        }
        return b.subjects.flatMap(s => {
          const who = s.principal ? personText(s.principal) : undefined;
          return who ? [{ object: b.object, field: `subjects[${s.index}]`, message: `${who} ${what}; the gate cannot tell a tenant's binding from the platform's` }] : [];
        });
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
    fix: 'remove pods/exec, pods/attach and pods/portforward (and roles that hold them, such as edit); or waive on the binding with the reason (for people: exception pods-exec on the Role, with its expiry)',
    check: ctx => {
      const accounts = grantRule(
        (b, who) => who.human ? [] : inScope(EXEC, b),
        (who, b, granted) => `${who.text} can ${execText(granted.map(g => g.req))} into pods ${scopeText(b)} (through ${via(granted[0].grant)})`,
        { probes: EXEC, message: granted => `it grants ${unique(granted.map(g => g.resource)).join(', ')}` },
      )(ctx);
      // A person's exec is a time-boxed grant written on the Role (TeamAccess writes the exception
      // pods-exec and the expiry there): the finding sits on the Role, where that exception excuses it.
      const people = humanExec(ctx).flatMap(e => e.builtin
        ? [{ object: e.binding.object, field: `subjects[${e.index}]`, message: `${e.who} can ${execText(e.requests)} into pods in ${e.binding.namespace} (through ${via(e.grant)})` }]
        : []);
      const onRoles = execRoles(ctx).map(r => ({ object: r.role, field: `rules[${r.rule}]`,
        message: `grants ${execText(r.requests)} into pods to ${r.who.join(', ')}` }));
      return [...accounts, ...people, ...onRoles];
    },
  },
  {
    id: 'rbac.exec-expiry', family: 'rbac', severity: 'error', waivable: false, title: 'a person\'s exec into pods carries a reason and an expiry at most 90 days ahead',
    fix: `grant it through TeamAccess exec: { reason, expires: "YYYY-MM-DD" } (or annotate the Role with ${EXCEPTION_PREFIX}pods-exec: <reason> and ${EXPIRES_ANNOTATION}: <date at most ${MAX_EXPIRY_DAYS} days ahead>); renew it with a new date, or remove it`,
    check: ctx => [
      // Built-in roles (edit, admin) cannot carry the annotations: the binding is the finding.
      ...humanExec(ctx).filter(e => e.builtin).map(e => ({ object: e.binding.object, field: `subjects[${e.index}]`,
        message: `${e.who} can ${execText(e.requests)} into pods in ${e.binding.namespace} through ${via(e.grant)}, which cannot carry an expiry; bind a Role of your own that does` })),
      ...rolesOf(execRoles(ctx)).flatMap(r => {
        const annotations: Json = r.role.metadata?.annotations !== null && typeof r.role.metadata?.annotations === 'object' ? r.role.metadata.annotations : {};
        const own = (k: string) => Object.prototype.hasOwnProperty.call(annotations, k);
        const who = r.who.join(', ');
        const found: RuleViolation[] = [];
        const expires = own(EXPIRES_ANNOTATION) ? annotations[EXPIRES_ANNOTATION] : undefined;
        const problem = expires === undefined ? 'is missing, so the grant never ends' : expiryProblem(expires, ctx.now);
        if (problem !== undefined) {
          found.push({ object: r.role, field: `metadata.annotations.${EXPIRES_ANNOTATION}`,
            message: `${expires === undefined ? '' : `${JSON.stringify(expires)} `}${problem}; the Role grants ${execText(r.requests)} into pods to ${who}` });
        }
        const reason = `${EXCEPTION_PREFIX}pods-exec`;
        // Only whether it is there: waiver.valid judges the reason itself.
        if (!own(reason)) {
          found.push({ object: r.role, field: `metadata.annotations.${reason}`, message: `is missing: no one said why ${who} may ${execText(r.requests)} into pods` });
        }
        return found;
      }),
    ],
  },
  {
    id: 'rbac.system-subject', family: 'rbac', severity: 'error', title: 'no binding to Kubernetes\' own users and groups (system:*)',
    fix: 'bind the people (their OIDC user or group) or service accounts who need the rights; system:* names are Kubernetes\' own identities',
    check: ctx => ctx.ofKind('RoleBinding', 'ClusterRoleBinding')
      // The cluster's own namespace holds the control plane's bindings.
      .filter(b => !(b.kind === 'RoleBinding' && namespaceOf(b) === EXEMPT_NAMESPACE))
      .flatMap(b => (Array.isArray(b.subjects) ? b.subjects as unknown[] : []).flatMap((subject, i) => {
        const s: Json = subject !== null && typeof subject === 'object' ? subject as Json : {};
        if ((s.kind !== 'User' && s.kind !== 'Group') || typeof s.name !== 'string' || !s.name.startsWith('system:')) return [];
        const why = systemIdentity(s.kind, s.name);
        return why === undefined ? [] : [{ object: b, field: `subjects[${i}]`, message: `${s.kind} ${s.name} is ${why}` }];
      })),
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
