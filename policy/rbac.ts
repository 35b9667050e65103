import { BOOTSTRAP_CLUSTER_ROLES, BOOTSTRAP_ROLES } from './bootstrap-roles';
import { dnsLabelProblem, dnsSubdomainProblem } from './grammar';

// `kubectl auth can-i` over plain manifests, decided the way the API server's RBAC authorizer
// decides it (kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go and
// pkg/registry/rbac/validation/rule.go; https://kubernetes.io/docs/reference/access-authn-authz/rbac/),
// so that rules, tests and the report can ask what an identity may do given exactly these objects
// plus what every cluster has built in, without a cluster.
//
// What it models, and the decisions where Kubernetes leaves a choice to us:
// - A request is allowed when any rule of any role bound to the user or one of its groups matches
//   it: ClusterRoleBindings for every request, RoleBindings only for requests in their own
//   namespace. There are no deny rules, so one grant answers "can it?".
// - Rule matching: verbs and apiGroups match exactly or by `*`; resources exactly, by `*`, or by
//   `*/<subresource>`; `pods` never covers `pods/exec`. nonResourceURLs match exactly, by `*`, or by
//   a prefix ending in `*`, and only through ClusterRoleBindings (such requests have no namespace).
// - resourceNames: a request that names an object (`name`) matches the rule only if the rule lists
//   that name. A question about *any* object (no `name`, the default) counts a rule limited by
//   resourceNames as a grant, because "can it NOT do this?" must not be answered "no" while it can do
//   it to some objects; except for `create` of a top-level resource and `deletecollection`, which
//   never carry a name (RBAC docs: "You cannot restrict create or deletecollection requests by
//   their resource name"). `name: ''` asks about a request that names no object (list all, create).
// - A request on the Namespace object N (`namespaces` or `namespaces/<sub>`, any verb but create,
//   list and deletecollection) carries namespace N, so a RoleBinding in N grants it.
// - Built-in roles: every ClusterRole of the bootstrap policy (cluster-admin, admin, edit, view,
//   the system:aggregate-to-* roles, system:node, ...) and the bootstrap Roles of kube-system and
//   kube-public (policy/bootstrap-roles.ts, v1.28). A role of the same name in the set does not
//   replace the built-in one: the API server reconciles bootstrap roles at every start, adding any
//   missing rule, label and aggregation selector and keeping extra ones (unless annotated
//   `rbac.authorization.kubernetes.io/autoupdate: "false"`, and even then the role had the
//   built-in rules until the set replaced them). So we take the union of both.
// - Aggregation: a ClusterRole with `aggregationRule.clusterRoleSelectors` also has the rules of
//   every ClusterRole (in the set or built in) whose labels match one of its selectors
//   (matchLabels and matchExpressions; an empty or null selector matches every ClusterRole, as
//   metav1.LabelSelectorAsSelector makes it), transitively, since the controller aggregates the
//   already aggregated rules (edit carries `aggregate-to-admin`, view `aggregate-to-edit`). We keep
//   its own rules too (the controller would overwrite them; the union is never less than the truth).
// - Subjects: a ServiceAccount subject without a namespace means the RoleBinding's namespace (and
//   matches nothing in a ClusterRoleBinding); a service account is the user
//   `system:serviceaccount:<ns>:<name>` in the groups `system:serviceaccounts`,
//   `system:serviceaccounts:<ns>` and `system:authenticated`; `system:anonymous` is in
//   `system:unauthenticated`; every other user is in `system:authenticated` (pass `groups` to say
//   more).
// - What cannot be judged is never silently a "no": a binding whose roleRef does not resolve, a
//   subject or rule the API server would reject, a selector it could not read. Each one is listed
//   (`RbacIndex.problems`) for the rules to report; an unreadable selector counts as matching every
//   ClusterRole.
// - Not modelled: the bootstrap bindings (they grant discovery and self-reviews to everyone, and
//   system roles to system users; a set that widens a bootstrap role is itself a finding), and the
//   controller roles (`system:controller:*`): a binding to one is an unresolvable roleRef.

type Json = Record<string, any>;

// The built-in roles are shared by every index: nothing may change them.
const deepFreeze = (o: unknown): void => {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.values(o).forEach(deepFreeze);
    Object.freeze(o);
  }
};
deepFreeze(BOOTSTRAP_CLUSTER_ROLES);
deepFreeze(BOOTSTRAP_ROLES);

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** A service account named by its username, `system:serviceaccount:<namespace>:<name>`. */
export interface ServiceAccountName {
  readonly namespace: string;
  readonly name: string;
}

const SA_PREFIX = 'system:serviceaccount:';

/** Parses `system:serviceaccount:<ns>:<name>`; undefined for any other username. */
export function parseServiceAccount(subject: string): ServiceAccountName | undefined {
  if (typeof subject !== 'string' || !subject.startsWith(SA_PREFIX)) return undefined;
  const [namespace, name, ...rest] = subject.slice(SA_PREFIX.length).split(':');
  return namespace && name && rest.length === 0 ? { namespace, name } : undefined;
}

export const serviceAccountUser = (namespace: string, name: string) => `${SA_PREFIX}${namespace}:${name}`;

/** The groups Kubernetes authenticates `user` in, as far as manifests can tell. */
export function groupsOf(user: string): string[] {
  const sa = parseServiceAccount(user);
  if (sa) return ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`, 'system:authenticated'];
  return user === 'system:anonymous' ? ['system:unauthenticated'] : ['system:authenticated'];
}

/** A rule as the authorizer reads it: only string entries count. */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

const strings = (list: unknown): string[] => Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];

export function policyRule(rule: unknown): PolicyRule {
  const r: Json = rule !== null && typeof rule === 'object' ? rule as Json : {};
  return {
    verbs: strings(r.verbs), apiGroups: strings(r.apiGroups), resources: strings(r.resources),
    resourceNames: strings(r.resourceNames), nonResourceURLs: strings(r.nonResourceURLs),
  };
}

/** One request: `resource` is `pods`, `pods/exec`, or a non-resource URL such as `/metrics`. */
export interface AccessRequest {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  /** The request's namespace; undefined for cluster-scoped and all-namespaces requests. */
  readonly namespace?: string;
  /** The object named; undefined asks about any object, `''` about a request that names none. */
  readonly name?: string;
}

const has = (list: readonly string[], value: string) => list.includes('*') || list.includes(value);
const isUrl = (resource: string) => resource.startsWith('/');

/** Whether `rule` allows `req` (scope aside: that is the binding's business). */
export function ruleAllows(rule: PolicyRule, req: AccessRequest): boolean {
  if (!has(rule.verbs, req.verb)) return false;
  if (isUrl(req.resource)) {
    return rule.nonResourceURLs.some(u => u === '*' || u === req.resource
      || (u.endsWith('*') && req.resource.startsWith(u.replace(/\*+$/, ''))));
  }
  if (!has(rule.apiGroups, req.group)) return false;
  const slash = req.resource.indexOf('/');
  const sub = slash < 0 ? '' : req.resource.slice(slash + 1);
  const resourceMatches = rule.resources.some(r => r === '*' || r === req.resource
    || (sub !== '' && r.length === sub.length + 2 && r.startsWith('*/') && r.endsWith(sub)));
  if (!resourceMatches) return false;
  if (rule.resourceNames.length === 0) return true;
  if (req.name !== undefined) return rule.resourceNames.includes(req.name);
  // Any object: some request naming a listed object matches, unless the verb never carries a name.
  const named = !(req.verb === 'deletecollection' || (req.verb === 'create' && sub === ''));
  return named || rule.resourceNames.includes('');
}

const NAMELESS_NAMESPACE_VERBS = ['create', 'list', 'deletecollection'];

/**
 * The request as the API server sees it: a request on the Namespace object N carries namespace N
 * and name N; one on the namespaces collection carries no namespace.
 */
function normalize(req: AccessRequest): AccessRequest {
  if (isUrl(req.resource)) return { ...req, namespace: undefined };
  const base = req.resource.split('/')[0];
  if (base !== 'namespaces' || req.namespace === undefined) return req;
  if (NAMELESS_NAMESPACE_VERBS.includes(req.verb) && req.resource === 'namespaces') return { ...req, namespace: undefined };
  const ns = req.name || req.namespace;
  return { ...req, namespace: ns, name: ns };
}

/** A rule of a role, with the object it is written in. */
export interface Grant {
  readonly rule: PolicyRule;
  /** The Role or ClusterRole object (from the set or built in) that holds the rule. */
  readonly role: Json;
  /** Its index in that object's `rules`. */
  readonly index: number;
  readonly builtin: boolean;
}

/** A Role or ClusterRole by name: the set's objects of that name and the built-in one, merged. */
export interface RoleEntry {
  readonly kind: 'Role' | 'ClusterRole';
  /** `''` for a ClusterRole. */
  readonly namespace: string;
  readonly name: string;
  /** The set's objects with this name (more than one only if the set repeats it). */
  readonly objects: Json[];
  readonly builtin?: Json;
}

/** A subject of a binding, and who it stands for. */
export interface BoundSubject {
  readonly index: number;
  readonly subject: Json;
  /** `user:<name>` or `group:<name>`; undefined when the subject is malformed (see `problem`). */
  readonly principal?: string;
  readonly problem?: { field: string; message: string };
}

export interface ResolvedBinding {
  readonly object: Json;
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  /** The RoleBinding's namespace; undefined for a ClusterRoleBinding. */
  readonly namespace?: string;
  /** The role its roleRef names, or undefined (see `problem`). */
  readonly role?: RoleEntry;
  readonly problem?: { field: string; message: string };
  readonly subjects: BoundSubject[];
}

/** Something in the RBAC objects that the authorizer cannot use as written: a finding, never a pass. */
export interface RbacProblem {
  readonly object: Json;
  readonly field: string;
  readonly message: string;
}

/** Who may do a request, and through what. */
export interface GrantPath {
  readonly binding: ResolvedBinding;
  readonly subjectIndex: number;
  readonly grant: Grant;
}

const isObject = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);
const own = (o: Json, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const json = (x: unknown) => x === undefined ? 'missing' : JSON.stringify(x);

/** The namespace of a namespaced RBAC object, `default` when it names none (as the API server defaults it). */
const namespaceOfObject = (o: Json) => typeof o?.metadata?.namespace === 'string' && o.metadata.namespace !== '' ? o.metadata.namespace : 'default';
const roleKey = (kind: string, namespace: string, name: string) => `${kind}\u0000${namespace}\u0000${name}`;

/** A label selector as a predicate, or why the controller could not read it (then it matches everything). */
function labelSelector(raw: unknown): { matches: (labels: Json) => boolean; problem?: string } {
  const everything = { matches: () => true };
  if (raw === null || raw === undefined) return everything;
  if (!isObject(raw)) return { ...everything, problem: `is ${json(raw)}, not a label selector` };
  const tests: ((labels: Json) => boolean)[] = [];
  const matchLabels = raw.matchLabels ?? {};
  if (!isObject(matchLabels)) return { ...everything, problem: 'matchLabels is not a map' };
  for (const key of Object.keys(matchLabels)) {
    const value = matchLabels[key];
    if (typeof value !== 'string') return { ...everything, problem: `matchLabels.${key} is ${json(value)}, not a string` };
    tests.push(labels => own(labels, key) && String(labels[key]) === value);
  }
  const expressions = raw.matchExpressions ?? [];
  if (!Array.isArray(expressions)) return { ...everything, problem: 'matchExpressions is not a list' };
  for (const [i, e] of expressions.entries()) {
    const values = e?.values ?? [];
    if (!isObject(e) || typeof e.key !== 'string' || !Array.isArray(values) || values.some((v: unknown) => typeof v !== 'string')) {
      return { ...everything, problem: `matchExpressions[${i}] is not a key, an operator and a list of strings` };
    }
    const key: string = e.key;
    switch (e.operator) {
      case 'In': case 'NotIn':
        if (values.length === 0) return { ...everything, problem: `matchExpressions[${i}] (${e.operator}) has no values` };
        tests.push(e.operator === 'In'
          ? labels => own(labels, key) && values.includes(String(labels[key]))
          : labels => !own(labels, key) || !values.includes(String(labels[key])));
        break;
      case 'Exists': case 'DoesNotExist':
        if (values.length > 0) return { ...everything, problem: `matchExpressions[${i}] (${e.operator}) must have no values` };
        tests.push(e.operator === 'Exists' ? labels => own(labels, key) : labels => !own(labels, key));
        break;
      default:
        return { ...everything, problem: `matchExpressions[${i}].operator is ${json(e.operator)}, not In, NotIn, Exists or DoesNotExist` };
    }
  }
  // No requirement at all selects every ClusterRole (metav1.LabelSelectorAsSelector).
  return { matches: labels => tests.every(t => t(labels)) };
}

/** Why a subject cannot be matched as written, or the principal it stands for. */
function principalOf(subject: unknown, bindingNamespace: string | undefined): Pick<BoundSubject, 'principal' | 'problem'> {
  if (!isObject(subject)) return { problem: { field: '', message: `is ${json(subject)}, not a subject` } };
  const { kind, name, namespace, apiGroup } = subject;
  if (kind !== 'ServiceAccount' && kind !== 'User' && kind !== 'Group') {
    return { problem: { field: '.kind', message: `kind is ${json(kind)}, not ServiceAccount, User or Group (the API server rejects it)` } };
  }
  if (typeof name !== 'string' || name === '') return { problem: { field: '.name', message: `name is ${json(name)}, not a name` } };
  if (kind === 'ServiceAccount') {
    if (apiGroup !== undefined && apiGroup !== '') return { problem: { field: '.apiGroup', message: `a ServiceAccount subject has apiGroup "", not ${json(apiGroup)}` } };
    if (namespace !== undefined && typeof namespace !== 'string') return { problem: { field: '.namespace', message: `namespace is ${json(namespace)}, not a string` } };
    const ns = namespace || bindingNamespace;
    if (!ns) return { problem: { field: '.namespace', message: 'a ServiceAccount subject of a ClusterRoleBinding needs a namespace (the API server rejects it without one)' } };
    if (dnsSubdomainProblem(name)) return { problem: { field: '.name', message: `${json(name)} is not a service account name` } };
    if (dnsLabelProblem(ns)) return { problem: { field: '.namespace', message: `${json(ns)} is not a namespace name` } };
    return { principal: `user:${serviceAccountUser(ns, name)}` };
  }
  if (apiGroup !== undefined && apiGroup !== '' && apiGroup !== RBAC_GROUP) {
    return { problem: { field: '.apiGroup', message: `a ${kind} subject has apiGroup ${RBAC_GROUP}, not ${json(apiGroup)}` } };
  }
  return { principal: `${kind === 'User' ? 'user' : 'group'}:${name}` };
}

interface UserBindings {
  readonly cluster: { binding: ResolvedBinding; subjectIndex: number }[];
  readonly byNamespace: Map<string, { binding: ResolvedBinding; subjectIndex: number }[]>;
}

/**
 * The RBAC objects of a set, resolved once: roles by name (with the built-in ones and aggregation),
 * bindings with their roles and subjects, and bindings by principal, so that every `canI` on the
 * same objects only looks at the bindings of the user asking.
 */
export class RbacIndex {
  public readonly bindings: ResolvedBinding[] = [];
  public readonly problems: RbacProblem[] = [];
  private readonly roles = new Map<string, { kind: 'Role' | 'ClusterRole'; namespace: string; name: string; objects: Json[]; builtin?: Json }>();
  private readonly byPrincipal = new Map<string, { binding: ResolvedBinding; subjectIndex: number }[]>();
  private readonly effectiveMemo = new Map<RoleEntry, Grant[]>();
  private readonly aggregatedMemo = new Map<RoleEntry, RoleEntry[]>();
  private readonly userMemo = new Map<string, UserBindings>();
  private readonly grantMemo = new Map<string, Map<string, GrantPath[]>>();
  private readonly clusterRoles: RoleEntry[] = [];

  constructor(objects: readonly Json[]) {
    const addRole = (o: Json, builtin: boolean) => {
      const kind = o?.kind;
      const name = o?.metadata?.name;
      if ((kind !== 'Role' && kind !== 'ClusterRole') || typeof name !== 'string') return;
      const namespace = kind === 'Role' ? namespaceOfObject(o) : '';
      const key = roleKey(kind, namespace, name);
      let entry = this.roles.get(key);
      if (!entry) {
        this.roles.set(key, entry = { kind, namespace, name, objects: [] });
        if (kind === 'ClusterRole') this.clusterRoles.push(entry);
      }
      if (builtin) entry.builtin = o;
      else entry.objects.push(o);
    };
    for (const o of [...BOOTSTRAP_CLUSTER_ROLES, ...BOOTSTRAP_ROLES]) addRole(o, true);
    for (const o of objects) addRole(o, false);
    for (const entry of this.roles.values()) for (const o of entry.objects) this.checkRole(o);

    for (const o of objects) {
      if (o?.kind !== 'RoleBinding' && o?.kind !== 'ClusterRoleBinding') continue;
      const binding = this.resolve(o);
      this.bindings.push(binding);
      if (binding.problem) this.problems.push({ object: o, field: binding.problem.field, message: binding.problem.message });
      for (const s of binding.subjects) {
        if (s.problem) this.problems.push({ object: o, field: `subjects[${s.index}]${s.problem.field}`, message: s.problem.message });
        if (!s.principal) continue;
        let list = this.byPrincipal.get(s.principal);
        if (!list) this.byPrincipal.set(s.principal, list = []);
        list.push({ binding, subjectIndex: s.index });
      }
    }
  }

  /** The Role (in `namespace`) or ClusterRole named `name`, from the set or built in. */
  public role(kind: 'Role' | 'ClusterRole', namespace: string, name: string): RoleEntry | undefined {
    return this.roles.get(roleKey(kind, kind === 'Role' ? namespace : '', name));
  }

  /** Every rule a role grants: its own (set and built-in) and, for an aggregated ClusterRole, those of every role it aggregates. */
  public effectiveRules(entry: RoleEntry): Grant[] {
    let grants = this.effectiveMemo.get(entry);
    if (!grants) {
      grants = [entry, ...this.aggregated(entry)].flatMap(e => this.ownRules(e));
      this.effectiveMemo.set(entry, grants);
    }
    return grants;
  }

  /** The ClusterRoles whose rules `entry` aggregates, transitively (not itself). */
  public aggregated(entry: RoleEntry): RoleEntry[] {
    let found = this.aggregatedMemo.get(entry);
    if (found) return found;
    const seen = new Set<RoleEntry>([entry]);
    const queue: RoleEntry[] = [entry];
    found = [];
    while (queue.length) {
      const next = queue.shift()!;
      const selectors = this.selectorsOf(next);
      if (selectors.length === 0) continue;
      for (const candidate of this.clusterRoles) {
        if (seen.has(candidate)) continue;
        const labels = this.labelsOf(candidate);
        if (selectors.some(s => labels.some(l => s.matches(l)))) {
          seen.add(candidate);
          found.push(candidate);
          queue.push(candidate);
        }
      }
    }
    this.aggregatedMemo.set(entry, found);
    return found;
  }

  /** The first grant through which `user` (in `groups`) may make `request`, or undefined. */
  public whoGrants(user: string, request: AccessRequest, groups?: readonly string[]): GrantPath | undefined {
    const req = normalize(request);
    for (const path of this.grantsFor(user, groups, req.namespace)) {
      if (ruleAllows(path.grant.rule, req)) return path;
    }
    return undefined;
  }

  /**
   * Every rule that reaches `user` for requests in `namespace` (undefined: cluster-scoped), through
   * ClusterRoleBindings and that namespace's RoleBindings; memoized, since the report asks about
   * every account, namespace, resource and verb.
   */
  private grantsFor(user: string, groups: readonly string[] | undefined, namespace: string | undefined): GrantPath[] {
    const userKey = groups === undefined ? user : [user, ...groups].join('\u0000');
    let perNamespace = this.grantMemo.get(userKey);
    if (!perNamespace) this.grantMemo.set(userKey, perNamespace = new Map());
    const nsKey = namespace ?? '\u0001';
    let paths = perNamespace.get(nsKey);
    if (!paths) {
      const mine = this.bindingsOf(user, groups ?? groupsOf(user));
      const bindings = namespace === undefined ? mine.cluster : [...mine.cluster, ...mine.byNamespace.get(namespace) ?? []];
      paths = bindings.flatMap(({ binding, subjectIndex }) => binding.role
        ? this.effectiveRules(binding.role).map(grant => ({ binding, subjectIndex, grant })) : []);
      perNamespace.set(nsKey, paths);
    }
    return paths;
  }

  /** The rule through which `binding` allows `request` (its scope included), or undefined. */
  public allows(binding: ResolvedBinding, request: AccessRequest): Grant | undefined {
    if (!binding.role) return undefined;
    const req = normalize(request);
    // A RoleBinding grants only requests in its own namespace, so never cluster-scoped ones.
    if (binding.kind === 'RoleBinding' && req.namespace !== binding.namespace) return undefined;
    return this.effectiveRules(binding.role).find(g => ruleAllows(g.rule, req));
  }

  private ownRules(entry: RoleEntry): Grant[] {
    const sources = [...entry.objects.map(o => ({ o, builtin: false })), ...entry.builtin ? [{ o: entry.builtin, builtin: true }] : []];
    return sources.flatMap(({ o, builtin }) => (Array.isArray(o.rules) ? o.rules as unknown[] : [])
      .map((rule, index) => ({ rule: policyRule(rule), role: o, index, builtin }))
      // A Role's nonResourceURLs are never consulted (such requests have no namespace); the rule is reported as invalid.
      .filter(g => entry.kind === 'ClusterRole' || g.rule.nonResourceURLs.length === 0 || g.rule.resources.length > 0));
  }

  private labelsOf(entry: RoleEntry): Json[] {
    return [...entry.objects, ...entry.builtin ? [entry.builtin] : []].map(o => o?.metadata?.labels).filter(isObject);
  }

  private selectorsOf(entry: RoleEntry): { matches: (labels: Json) => boolean }[] {
    if (entry.kind !== 'ClusterRole') return [];
    return [...entry.objects, ...entry.builtin ? [entry.builtin] : []].flatMap(o => {
      const rule = o?.aggregationRule;
      if (rule === undefined || rule === null) return [];
      const selectors = rule.clusterRoleSelectors;
      // Unreadable aggregation: counted as aggregating everything (reported by checkRole).
      if (!isObject(rule) || (selectors !== undefined && selectors !== null && !Array.isArray(selectors))) return [{ matches: () => true }];
      return ((selectors ?? []) as unknown[]).map(labelSelector);
    });
  }

  /** Records what the API server would reject in a role of the set, or what we could not read. */
  private checkRole(o: Json) {
    const report = (field: string, message: string): void => { this.problems.push({ object: o, field, message }); };
    const namespaced = o.kind === 'Role';
    if (o.rules !== undefined && o.rules !== null && !Array.isArray(o.rules)) report('rules', `is ${json(o.rules)}, not a list of rules`);
    (Array.isArray(o.rules) ? o.rules as unknown[] : []).forEach((rule, i) => {
      const at = `rules[${i}]`;
      if (!isObject(rule)) return report(at, `is ${json(rule)}, not a rule`);
      for (const key of ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs']) {
        const list = rule[key];
        if (list === undefined || list === null) continue;
        if (!Array.isArray(list)) report(`${at}.${key}`, `is ${json(list)}, not a list of strings`);
        else list.forEach((x, j) => typeof x !== 'string' && report(`${at}.${key}[${j}]`, `is ${json(x)}, not a string`));
      }
      const count = (key: string) => Array.isArray(rule[key]) ? rule[key].length : 0;
      if (count('verbs') === 0) report(`${at}.verbs`, 'a rule needs at least one verb');
      if (count('nonResourceURLs') > 0) {
        if (namespaced) report(`${at}.nonResourceURLs`, 'a Role cannot grant non-resource URLs');
        else if (count('apiGroups') + count('resources') + count('resourceNames') > 0) {
          report(`${at}.nonResourceURLs`, 'a rule cannot grant both resources and non-resource URLs');
        }
      } else {
        if (count('apiGroups') === 0) report(`${at}.apiGroups`, 'a resource rule needs at least one API group ("" is the core group)');
        if (count('resources') === 0) report(`${at}.resources`, 'a resource rule needs at least one resource');
      }
    });
    const agg = o.aggregationRule;
    if (agg === undefined || agg === null) return;
    if (namespaced) return report('aggregationRule', 'a Role cannot aggregate');
    if (!isObject(agg)) return report('aggregationRule', `is ${json(agg)}, not an aggregation rule; counted as aggregating every ClusterRole`);
    const selectors = agg.clusterRoleSelectors;
    if (selectors !== undefined && selectors !== null && !Array.isArray(selectors)) {
      return report('aggregationRule.clusterRoleSelectors', `is ${json(selectors)}, not a list; counted as aggregating every ClusterRole`);
    }
    ((selectors ?? []) as unknown[]).forEach((s, i) => {
      const { problem } = labelSelector(s);
      if (problem) report(`aggregationRule.clusterRoleSelectors[${i}]`, `${problem}; counted as aggregating every ClusterRole`);
    });
  }

  private resolve(o: Json): ResolvedBinding {
    const kind = o.kind as 'RoleBinding' | 'ClusterRoleBinding';
    const namespace = kind === 'RoleBinding' ? namespaceOfObject(o) : undefined;
    const subjects: BoundSubject[] = [];
    let problem: ResolvedBinding['problem'];
    if (o.subjects !== undefined && o.subjects !== null && !Array.isArray(o.subjects)) {
      problem = { field: 'subjects', message: `is ${json(o.subjects)}, not a list of subjects` };
    }
    (Array.isArray(o.subjects) ? o.subjects as unknown[] : []).forEach((subject, index) => {
      subjects.push({ index, subject: isObject(subject) ? subject : {}, ...principalOf(subject, namespace) });
    });
    const ref = o.roleRef;
    const fail = (field: string, message: string): ResolvedBinding => ({ object: o, kind, namespace, subjects, problem: { field, message } });
    if (problem) {
      // Reported, but the roleRef is still resolved so that other findings can be judged.
      this.problems.push({ object: o, field: problem.field, message: problem.message });
    }
    if (!isObject(ref)) return fail('roleRef', `is ${json(ref)}, so the binding grants nothing we can judge`);
    if (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') return fail('roleRef.kind', `is ${json(ref.kind)}, not Role or ClusterRole`);
    if (kind === 'ClusterRoleBinding' && ref.kind === 'Role') return fail('roleRef.kind', 'a ClusterRoleBinding can only refer to a ClusterRole');
    if (ref.apiGroup !== undefined && ref.apiGroup !== '' && ref.apiGroup !== RBAC_GROUP) return fail('roleRef.apiGroup', `is ${json(ref.apiGroup)}, not ${RBAC_GROUP}`);
    if (typeof ref.name !== 'string' || ref.name === '') return fail('roleRef.name', `is ${json(ref.name)}, not a role name`);
    const role = this.role(ref.kind, namespace ?? '', ref.name);
    if (!role) {
      const where = ref.kind === 'Role' ? `Role ${namespace}/${ref.name}` : `ClusterRole ${ref.name}`;
      return fail('roleRef.name', `names ${where}, which is neither in the set nor built in, so what it grants cannot be judged`);
    }
    return { object: o, kind, namespace, role, subjects };
  }

  private bindingsOf(user: string, groups: readonly string[]): UserBindings {
    const key = [user, ...groups].join('\u0000');
    let found = this.userMemo.get(key);
    if (found) return found;
    const seen = new Set<ResolvedBinding>();
    found = { cluster: [], byNamespace: new Map() };
    for (const principal of [`user:${user}`, ...groups.map(g => `group:${g}`)]) {
      for (const entry of this.byPrincipal.get(principal) ?? []) {
        if (seen.has(entry.binding)) continue;
        seen.add(entry.binding);
        if (entry.binding.kind === 'ClusterRoleBinding') {
          found.cluster.push(entry);
        } else {
          const ns = entry.binding.namespace!;
          found.byNamespace.set(ns, [...found.byNamespace.get(ns) ?? [], entry]);
        }
      }
    }
    this.userMemo.set(key, found);
    return found;
  }
}

const indexes = new WeakMap<readonly Json[], { length: number; index: RbacIndex }>();

/**
 * The RBAC index of these objects, built once per list (objects other than Roles, ClusterRoles and
 * their bindings are ignored). The list and its objects must not change after the first call.
 */
export function rbacIndex(objects: readonly Json[]): RbacIndex {
  const cached = indexes.get(objects);
  if (cached && cached.length === objects.length) return cached.index;
  const index = new RbacIndex(objects);
  indexes.set(objects, { length: objects.length, index });
  return index;
}

export interface CanIOptions {
  /** The object's name: undefined asks about any object (resourceNames-limited rules count), `''` about a request naming none. */
  readonly name?: string;
  /** The groups of the user, when more than `groupsOf(subject)` knows. */
  readonly groups?: readonly string[];
}

/**
 * Whether `subject` may `verb` objects of `group`/`resource` (e.g. `''`/`pods/exec`) in
 * `namespace` — or, without a namespace, cluster-scoped ones and across all namespaces — given
 * these manifest objects and the built-in roles. A `resource` starting with `/` is a non-resource
 * URL (e.g. `/metrics`). Repeated calls on the same list of objects reuse one index.
 */
export function canI(
  objects: readonly Json[],
  subject: string,
  verb: string,
  group: string,
  resource: string,
  namespace?: string,
  options: CanIOptions = {},
): boolean {
  return rbacIndex(objects).whoGrants(subject, { verb, group, resource, namespace, name: options.name }, options.groups) !== undefined;
}
