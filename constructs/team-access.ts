import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EXCEPTION_PREFIX, MANAGED_BY } from '../policy/annotations';
import { refuse } from '../policy/errors';
import { EXPIRES_ANNOTATION, expiryProblem, latestExpiry, MAX_EXPIRY_DAYS } from '../policy/expiry';
import { escapeHidden } from '../policy/printable';
import { ApiResource, DAEMON_SETS, SECRETS, TENANT_KINDS } from '../policy/tenant-kinds';
import { sameCopies } from './copies';
import { ITenantNamespace } from './tenant-namespace';
import { checkOneOf, checkReason } from './validate';

/** What a person may do in an environment's namespace. */
export type TeamRole = 'viewer' | 'operator';

/** Exec into the namespace's pods for a while, for a reason. */
export interface TeamExecSpec {
  /** Why this person needs a shell in the pods, e.g. an incident number. Written on the Role and reported. */
  readonly reason: string;
  /**
   * The day the grant ends, `YYYY-MM-DD` (UTC): it ends at 00:00 UTC that day. Must lie in the
   * future and at most 90 days ahead. The gate (rule `rbac.exec-expiry`) fails once it has passed,
   * so a committed spec with exec turns CI red on that day: renew it or remove it.
   */
  readonly expires: string;
}

/**
 * One person or group of people (as the cluster's OIDC login names them) and what they may do in
 * one environment: `{ user: 'alice@example.com', role: 'viewer' }` or
 * `{ group: 'shop-oncall', role: 'operator', exec: { reason, expires } }`.
 */
export interface TeamAccessSpec {
  /** An OIDC username (the claim the API server reads, e.g. an email address). Set this or `group`. @default - none */
  readonly user?: string;
  /** An OIDC group (the groups claim). Set this or `user`. @default - none */
  readonly group?: string;
  /**
   * `viewer`: read the app's objects, its pods, their logs and events; never Secrets.
   * `operator`: the viewer's rights plus rollout restart, scale and deleting a pod.
   */
  readonly role: TeamRole;
  /** Exec into pods (`kubectl exec`) until a date, for a reason. @default - no exec */
  readonly exec?: TeamExecSpec;
}

/**
 * How the API server names OIDC identities: the prefixes it puts before the username and group
 * claims (`--oidc-username-prefix`/`--oidc-groups-prefix`, or `claimMappings.username.prefix` /
 * `claimMappings.groups.prefix` of an AuthenticationConfiguration). Written exactly as configured:
 * with prefix `oidc:`, `user: 'alice@example.com'` is bound as the User `oidc:alice@example.com`.
 */
export interface OidcPrefixes {
  /** Put before every username. @default - none (as the API server does for the `email` claim) */
  readonly usernamePrefix?: string;
  /** Put before every group. @default - none */
  readonly groupsPrefix?: string;
}

export interface TeamAccessProps {
  /** The environment's namespace: the only place these people get rights. */
  readonly namespace: ITenantNamespace;
  /** Who gets which role; at least one entry, each person or group once. */
  readonly members: TeamAccessSpec[];
  /** The prefixes the API server puts before OIDC usernames and groups. @default - none */
  readonly oidc?: OidcPrefixes;
  /** The instant exec expiries are checked against (at most 90 days ahead, not passed). @default - the real clock */
  readonly now?: Date;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const READ = ['get', 'list', 'watch'];

/** A rule of one of the roles: resources of one API group and the verbs on them. */
export interface TeamRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

/**
 * What a viewer reads, besides the tenant's own kinds (policy/tenant-kinds.ts, Secrets excluded):
 * what those kinds make and what shows how they run. Pods and their logs, the ReplicaSets behind
 * Deployments, the PersistentVolumeClaims behind StatefulSets, events in both API groups,
 * endpoints (both APIs) to see which pods a Service reaches, and pod metrics for `kubectl top`.
 */
const OBSERVED: ApiResource[] = [
  { group: '', resource: 'pods' }, { group: '', resource: 'pods/log' }, { group: '', resource: 'events' },
  { group: '', resource: 'endpoints' }, { group: '', resource: 'persistentvolumeclaims' },
  { group: 'apps', resource: 'replicasets' }, { group: 'events.k8s.io', resource: 'events' },
  { group: 'discovery.k8s.io', resource: 'endpointslices' }, { group: 'metrics.k8s.io', resource: 'pods' },
];

/**
 * Rules from (resource, verbs) entries: the verbs of each resource joined, then one rule per API
 * group and set of verbs, sorted: stable output. Secrets are dropped whoever asked for them.
 */
function rulesOf(entries: { resource: ApiResource; verbs: string[] }[]): TeamRule[] {
  const verbsOf = new Map<string, { resource: ApiResource; verbs: Set<string> }>();
  for (const { resource, verbs } of entries) {
    if (resource.group === SECRETS.group && resource.resource === SECRETS.resource) continue;
    const key = `${resource.group}\u0000${resource.resource}`;
    let entry = verbsOf.get(key);
    if (!entry) verbsOf.set(key, entry = { resource, verbs: new Set() });
    verbs.forEach(v => entry!.verbs.add(v));
  }
  const byKey = new Map<string, { group: string; verbs: string[]; resources: Set<string> }>();
  for (const { resource, verbs: set } of verbsOf.values()) {
    const verbs = [...set].sort();
    const key = `${resource.group}\u0000${verbs.join(',')}`;
    let rule = byKey.get(key);
    if (!rule) byKey.set(key, rule = { group: resource.group, verbs, resources: new Set() });
    rule.resources.add(resource.resource);
  }
  return [...byKey.values()]
    .sort((a, b) => (a.group === b.group ? a.verbs.join(',').localeCompare(b.verbs.join(',')) : a.group.localeCompare(b.group)))
    .map(r => ({ apiGroups: [r.group], resources: [...r.resources].sort(), verbs: [...r.verbs] }));
}

/**
 * The viewer's rules: get/list/watch on every tenant kind (DaemonSets too: reading one is harmless)
 * and on {@link OBSERVED}. ConfigMaps are read: they come from Git, which the team already reads,
 * and the gate refuses a credential in their data (`secret.credential-in-value`). Secrets never.
 */
export function viewerRules(): TeamRule[] {
  return rulesOf(viewed());
}

const viewed = () => [...Object.values(TENANT_KINDS), DAEMON_SETS, ...OBSERVED].map(resource => ({ resource, verbs: READ }));

/**
 * The operator's rules beyond the viewer's. `patch` on Deployments and StatefulSets is what
 * `kubectl rollout restart` (and `rollout undo`) sends; it lets them change the whole spec
 * (image, command, env), within what the namespace's Pod Security level and quota admit. Argo CD's
 * self-heal puts back every field the manifests set (image, replicas) after such a change; the
 * restart annotation, which the manifests do not set, stays. `deployments/scale` and
 * `statefulsets/scale` is `kubectl scale` (self-heal also puts back `replicas` when the spec sets
 * it). `delete` on pods restarts one pod (its controller makes a new one); never deletecollection.
 */
export function operatorRules(): TeamRule[] {
  const rolled = [TENANT_KINDS.Deployment, TENANT_KINDS.StatefulSet];
  return rulesOf([
    ...viewed(),
    ...rolled.map(k => ({ resource: k, verbs: ['patch'] })),
    ...rolled.map(k => ({ resource: { group: k.group, resource: `${k.resource}/scale` }, verbs: ['get', 'patch', 'update'] })),
    { resource: { group: '', resource: 'pods' }, verbs: ['delete'] },
  ]);
}

/** Exec only: `create` on pods/exec, the verb `kubectl exec` is authorized with. No attach, no port-forward. */
export const EXEC_RULES: TeamRule[] = [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }];

const MEMBER_FIELDS = ['user', 'group', 'role', 'exec'];
const EXEC_FIELDS = ['reason', 'expires'];

/**
 * Why `name` (a username, group or prefix as written) would not name a person the API server
 * authenticates through OIDC, or `undefined`. `system:` names Kubernetes' own identities (a group
 * `system:masters` passes RBAC altogether, `system:authenticated` is everyone), in any case, since
 * a look-alike would be read as one. A wildcard matches nothing in RBAC (`*` is a literal name) and
 * would be read as "everyone". Hidden characters would make two names look alike.
 */
export function identityProblem(name: unknown, what: string, allowEmpty = false): string | undefined {
  if (typeof name !== 'string') return `must be a string`;
  if (name === '' && !allowEmpty) return `must not be empty`;
  if (escapeHidden(name) !== name) return `holds an invisible or control character, so two ${what}s could look alike`;
  if (name.trim() !== name) return 'starts or ends with a space, which the identity provider would not send';
  if (name.toLowerCase().startsWith('system:')) return 'starts with "system:", which names Kubernetes\' own identities (nodes, control-plane components, everyone)';
  if (name.includes('*')) return 'holds "*", which RBAC reads as a literal name, not a wildcard';
  return undefined;
}

/** Checks the OIDC prefixes (as PlatformSpec.oidc and TeamAccess read them). */
export function checkOidcPrefixes(scope: Construct | string, field: string, oidc: unknown): OidcPrefixes {
  if (oidc === undefined) return {};
  if (oidc === null || typeof oidc !== 'object' || Array.isArray(oidc)) {
    refuse(scope, field, oidc, 'must be an object', 'write it like { usernamePrefix: "oidc:", groupsPrefix: "oidc:" }');
  }
  const o = oidc as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key !== 'usernamePrefix' && key !== 'groupsPrefix') refuse(scope, `${field}.${key}`, o[key], 'is not a field of oidc', 'use usernamePrefix and groupsPrefix');
  }
  for (const key of ['usernamePrefix', 'groupsPrefix'] as const) {
    const value = o[key];
    if (value === undefined) continue;
    if (value === '-') {
      refuse(scope, `${field}.${key}`, value, 'is "-", which the API server flag reads as "no prefix" but would be put before every name here',
        `leave ${key} out for no prefix`);
    }
    const problem = identityProblem(value, 'prefixe');
    if (problem !== undefined) refuse(scope, `${field}.${key}`, value, problem, `write the prefix exactly as the API server is configured with it, e.g. "oidc:"; leave it out for none`);
  }
  return o as OidcPrefixes;
}

/** A person's rights as the report and tests read them. */
export interface TeamGrant {
  readonly kind: 'User' | 'Group';
  /** The subject's name, prefix included. */
  readonly name: string;
  readonly role: TeamRole;
  /** The exec Role's name, expiry and reason, when exec is granted. */
  readonly exec?: { role: string; expires: string; reason: string };
}

/**
 * Access for people (OIDC users and groups) to one environment's namespace: a Role `team-viewer`
 * and a Role `team-operator` (each only when someone holds it), each bound by a RoleBinding of the
 * same name to its holders; and for each person given exec, a Role `team-exec-<hash>` granting
 * `create pods/exec` and nothing else, annotated with the reason
 * (`guardrails.cdk8s.io/exception.pods-exec`) and the end date (`guardrails.cdk8s.io/expires`),
 * bound to that person alone. No role names Secrets or a wildcard, or grants escalate, bind,
 * impersonate, attach or port-forward. Built in the platform chart: the tenant's deployer never
 * applies RBAC.
 *
 * RBAC has no expiry: the gate fails once the date has passed (`rbac.exec-expiry`), which forces
 * the grant out of the spec, and the Role is gone from the cluster once the platform chart is
 * applied without it.
 */
export class TeamAccess extends Construct {
  /** The namespace the roles and bindings live in. */
  public readonly namespace: string;
  /** Every grant, in the order of `members`. */
  public readonly grants: TeamGrant[];

  constructor(scope: Construct, id: string, props: TeamAccessProps) {
    super(sameCopies(scope, 'TeamAccess'), id);
    if (!props.namespace || typeof props.namespace.name !== 'string') {
      refuse(this, 'namespace', props.namespace, 'must be a TenantNamespace', 'pass the TenantNamespace of the environment');
    }
    this.namespace = props.namespace.name;
    const oidc = checkOidcPrefixes(this, 'oidc', props.oidc);
    const now = props.now ?? new Date();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) refuse(this, 'now', props.now, 'must be a valid Date', 'leave it out for the real clock');
    const members = props.members;
    if (!Array.isArray(members) || members.length === 0) {
      refuse(this, 'members', members, 'must list at least one person or group', 'e.g. [{ group: "shop-oncall", role: "viewer" }]');
    }
    const seen = new Map<string, number>();
    this.grants = members.map((m, i) => {
      const field = `members[${i}]`;
      if (m === null || typeof m !== 'object' || Array.isArray(m)) {
        refuse(this, field, m, 'must be an object', 'write it like { user: "alice@example.com", role: "viewer" }');
      }
      for (const key of Object.keys(m)) {
        if (!MEMBER_FIELDS.includes(key)) refuse(this, `${field}.${key}`, (m as any)[key], 'is not a field of an access entry', `use ${MEMBER_FIELDS.join(', ')}`);
      }
      if ((m.user === undefined) === (m.group === undefined)) {
        refuse(this, field, m, 'must name exactly one of user and group', 'e.g. { user: "alice@example.com", role: "viewer" } or { group: "shop-oncall", role: "operator" }');
      }
      const kind = m.user !== undefined ? 'User' : 'Group';
      const key = m.user !== undefined ? 'user' : 'group';
      const raw = m.user ?? m.group;
      const problem = identityProblem(raw, key);
      if (problem !== undefined) {
        refuse(this, `${field}.${key}`, raw, problem, `write the ${key} as the identity provider sends it, e.g. ${kind === 'User' ? '"alice@example.com"' : '"shop-oncall"'} (the platform's oidc prefix is added for you)`);
      }
      const name = `${(kind === 'User' ? oidc.usernamePrefix : oidc.groupsPrefix) ?? ''}${raw}`;
      const subjectKey = `${kind}\u0000${name}`;
      if (seen.has(subjectKey)) {
        refuse(this, `${field}.${key}`, raw, `is already listed at members[${seen.get(subjectKey)}]`, 'list each person or group once, with the one role they need');
      }
      seen.set(subjectKey, i);
      const role = checkOneOf(this, `${field}.role`, m.role, ['viewer', 'operator'] as const);
      if (m.exec === undefined) return { kind, name, role };
      const exec = m.exec;
      if (exec === null || typeof exec !== 'object' || Array.isArray(exec)) {
        refuse(this, `${field}.exec`, exec, 'must be an object', 'write it like { reason: "debugging INC-42", expires: "2026-03-01" }');
      }
      for (const k of Object.keys(exec)) {
        if (!EXEC_FIELDS.includes(k)) refuse(this, `${field}.exec.${k}`, (exec as any)[k], 'is not a field of exec', `use ${EXEC_FIELDS.join(', ')}`);
      }
      const reason = checkReason(this, `${field}.exec.reason`, exec.reason);
      const expiry = expiryProblem(exec.expires, now);
      if (expiry !== undefined) {
        refuse(this, `${field}.exec.expires`, exec.expires, `${expiry}; exec is granted for at most ${MAX_EXPIRY_DAYS} days`,
          `give a day after today and no later than ${latestExpiry(now)}, as "YYYY-MM-DD" (the grant ends at 00:00 UTC that day)`);
      }
      return { kind, name, role, exec: { role: `team-exec-${hashOf(subjectKey)}`, expires: exec.expires, reason } };
    });

    const labels = { ...MANAGED_BY };
    const subjectOf = (g: TeamGrant) => ({ kind: g.kind, name: g.name, apiGroup: RBAC_GROUP });
    const bind = (name: string, rules: TeamRule[], holders: TeamGrant[], annotations?: Record<string, string>) => {
      const metadata = { name, namespace: this.namespace, labels };
      new ApiObject(this, `Role-${name}`, {
        apiVersion: `${RBAC_GROUP}/v1`, kind: 'Role', metadata: annotations ? { ...metadata, annotations } : metadata, rules,
      });
      new ApiObject(this, `RoleBinding-${name}`, {
        apiVersion: `${RBAC_GROUP}/v1`, kind: 'RoleBinding', metadata,
        roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name },
        subjects: holders.map(subjectOf),
      });
    };
    const viewers = this.grants.filter(g => g.role === 'viewer');
    const operators = this.grants.filter(g => g.role === 'operator');
    if (viewers.length) bind('team-viewer', viewerRules(), viewers);
    if (operators.length) bind('team-operator', operatorRules(), operators);
    for (const g of this.grants) {
      if (!g.exec) continue;
      bind(g.exec.role, EXEC_RULES, [g], { [`${EXCEPTION_PREFIX}pods-exec`]: g.exec.reason, [EXPIRES_ANNOTATION]: g.exec.expires });
    }
  }
}

/** A stable DNS-safe name part for a subject (usernames are e-mail addresses, not DNS labels). */
function hashOf(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 10);
}
