import KINDS from './schema/kinds.json';
import { CLUSTER_SCOPED_KINDS } from './model';
import { PolicyRule } from './rbac';
import { closest } from './spelling';

/**
 * Read access to the Kubernetes API on purpose (a service's `kubernetesApi`): the one shape in
 * which a tenant's pod may hold an API token and rights, shared by the constructs that build it
 * and the rules that judge it, so that the two always agree.
 *
 * - The token is projected, never the legacy automount: bound to an audience and an expiry of
 *   {@link MIN_TOKEN_EXPIRATION} to {@link MAX_TOKEN_EXPIRATION} seconds, mounted read-only where
 *   client-go's in-cluster config looks for it ({@link SERVICE_ACCOUNT_MOUNT}).
 * - The rights are read-only: `get`, `list`, `watch` on resources named one by one, never Secrets,
 *   never a wildcard, never a subresource but `pods/log` (see {@link READABLE_SUBRESOURCES}).
 * - The reason is written as `guardrails.cdk8s.io/exception.kubernetes-api` on the role, its
 *   binding and the pod; the rules accept the token and a tenant ClusterRoleBinding only in this
 *   shape and only with that reason (`hardening.token-automount`, `rbac.cluster-binding`).
 */

/** The exception's name: `guardrails.cdk8s.io/exception.kubernetes-api`. */
export const KUBERNETES_API_EXCEPTION = 'kubernetes-api';

/** The only verbs granted: reading, never acting. */
export const READ_VERBS: readonly string[] = ['get', 'list', 'watch'];

/** The API server refuses a TokenRequest below 10 minutes. */
export const MIN_TOKEN_EXPIRATION = 600;
/**
 * At most an hour: the kubelet refreshes a projected token at 80% of its life whatever it is, so a
 * longer expiry only lengthens how long a leaked token works. (3607, the kubelet's own default,
 * is excluded too: the API server extends tokens of exactly that expiry to a year for legacy clients.)
 */
export const MAX_TOKEN_EXPIRATION = 3600;
export const DEFAULT_TOKEN_EXPIRATION = 3600;

/** Where client-go's in-cluster config reads the token, `ca.crt` and `namespace`. */
export const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Subresources that may be read, by `<resource>/<subresource>` of the core group. Only a pod's
 * log: it is what viewers and debugging agents read, the built-in `view` role grants it, and a GET
 * on it acts on nothing. (Its risk, an app that logs a credential, is the app's bug; the grant is
 * listed in the report.) Every other subresource either acts (`pods/exec`, `pods/attach`,
 * `pods/portforward`, `*\/proxy`, `pods/eviction`, `serviceaccounts/token`, `*\/scale` writes) or
 * shows nothing a read of the object does not (`*\/status`).
 */
export const READABLE_SUBRESOURCES: readonly string[] = ['pods/log'];

/** Resources never granted, whatever the reason: Secrets hold the credentials of the namespace. */
export const UNREADABLE_RESOURCES: Readonly<Record<string, string>> = {
  secrets: 'Secrets hold credentials (other service accounts\' tokens among them): reading them is acting as their owners',
};

/** One resource of the Kubernetes 1.28 API that can be read. */
export interface KubernetesResource {
  /** `''` for the core group. */
  readonly group: string;
  /** The plural resource name, as RBAC rules name it, e.g. `deployments`. */
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/**
 * Kinds of the 1.28 API that are not collections to read: create-only reviews and requests, and
 * subresource bodies (Binding is `pods/binding`, Eviction `pods/eviction`, Scale `<x>/scale`,
 * TokenRequest `serviceaccounts/token`).
 */
const NOT_READABLE_KINDS = new Set([
  'Binding', 'Eviction', 'Scale', 'TokenRequest', 'TokenReview', 'SubjectAccessReview', 'LocalSubjectAccessReview',
  'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SelfSubjectReview',
]);
/** Cluster-scoped kinds of 1.28 alpha APIs that model.ts's list does not name. */
const MORE_CLUSTER_SCOPED = ['ClusterCIDR', 'ResourceClass', 'StorageVersion'];

/** How the API server names a kind's resource (lower case, plural: `Ingress` → `ingresses`, `NetworkPolicy` → `networkpolicies`). */
export function resourceOfKind(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
export const spellResource = (r: { group: string; resource: string }) => (r.group ? `${r.group}/${r.resource}` : r.resource);

/** Every readable resource of the built-in Kubernetes 1.28 API (not CRDs), by its spelling. */
export const API_RESOURCES: ReadonlyMap<string, KubernetesResource> = new Map(KINDS.kinds
  .filter(k => k.source === `kubernetes-${KINDS.kubernetes}` && !NOT_READABLE_KINDS.has(k.kind))
  .map((k): [string, KubernetesResource] => {
    const r = {
      group: groupOf(k.apiVersion), resource: resourceOfKind(k.kind), kind: k.kind,
      namespaced: !CLUSTER_SCOPED_KINDS.includes(k.kind) && !MORE_CLUSTER_SCOPED.includes(k.kind),
    };
    return [spellResource(r), r];
  })
  .sort(([a], [b]) => a.localeCompare(b)));

/** API groups of the built-in API: a first segment that is one of them is a group, not a resource. */
const GROUPS = new Set(KINDS.builtinGroups.filter(g => g !== ''));

/** A resource as asked for: the resource, and the subresource when one is named. */
export interface ReadableResource extends KubernetesResource {
  readonly subresource?: string;
  /** As RBAC names it: `pods`, `pods/log`. */
  readonly rbacResource: string;
}

/** How a spelling was refused: what is wrong and what to write instead. */
export interface ResourceRefusal {
  readonly problem: string;
  readonly fix: string;
}

const SYNTAX = 'name a resource as <resource> for the core group or <group>/<resource>, e.g. "pods", "apps/deployments", "events.k8s.io/events"';
const VERSION = /^v[0-9]+((alpha|beta)[0-9]+)?$/;

/**
 * Reads a resource spelling: `<resource>` (core group), `<group>/<resource>`, and `pods/log`.
 * A first segment is a group when it is one of the API's groups (no core resource is named like
 * one), so `apps/deployments` and `pods/log` cannot be confused. Unknown spellings are refused with
 * the resource they most likely mean.
 */
export function readableResource(spelling: unknown): ReadableResource | ResourceRefusal {
  if (typeof spelling !== 'string' || spelling === '') return { problem: 'is not a resource name', fix: SYNTAX };
  if (spelling.includes('*')) {
    return { problem: 'is a wildcard, which grants every resource that exists or will exist, Secrets and exec included', fix: 'list each resource the service reads' };
  }
  const parts = spelling.split('/');
  let [group, resource, sub] = GROUPS.has(parts[0]) || parts[0].includes('.') ? [parts[0], parts[1], parts[2]] : ['', parts[0], parts[1]];
  const extra = GROUPS.has(parts[0]) || parts[0].includes('.') ? parts.length > 3 : parts.length > 2;
  if (extra || resource === undefined || resource === '' || sub === '') return { problem: 'is not a resource name', fix: `${SYNTAX}${guess(spelling)}` };
  // `apps/v1/deployments`, `v1/pods`: the version is not part of an RBAC rule.
  if (VERSION.test(resource) && sub !== undefined) return { problem: 'names an API version, which RBAC rules do not', fix: `did you mean "${spellResource({ group, resource: sub })}"?` };
  if (group === '' && (resource === 'core' || VERSION.test(resource)) && sub !== undefined) {
    return { problem: 'names the core group, which is written without a group', fix: `did you mean "${sub}"?` };
  }
  if (Object.prototype.hasOwnProperty.call(UNREADABLE_RESOURCES, resource) && group === '') {
    return { problem: UNREADABLE_RESOURCES[resource], fix: 'remove it; a service that needs a credential gets it as a Secret file or environment variable of its own' };
  }
  const known = API_RESOURCES.get(spellResource({ group, resource }));
  if (!known) {
    const other = [...API_RESOURCES.values()].filter(r => r.resource === resource).map(spellResource);
    if (other.length) return { problem: `is not a resource of the ${group ? `${group} group` : 'core group'}`, fix: `did you mean ${other.map(o => `"${o}"`).join(' or ')}?` };
    return { problem: 'is not a resource of the Kubernetes 1.28 API (custom resources are not offered)', fix: `${SYNTAX}${guess(spelling)}` };
  }
  if (sub !== undefined) {
    const rbacResource = `${resource}/${sub}`;
    if (group !== '' || !READABLE_SUBRESOURCES.includes(rbacResource)) {
      const why = Object.prototype.hasOwnProperty.call(SUBRESOURCE_WHY, sub) ? SUBRESOURCE_WHY[sub] : 'is not offered';
      return { problem: `is a subresource, which ${why}; only ${READABLE_SUBRESOURCES.join(', ')} may be read`,
        fix: `ask for "${spellResource(known)}" to read the objects themselves` };
    }
    return { ...known, subresource: sub, rbacResource };
  }
  return { ...known, rbacResource: resource };
}

const SUBRESOURCE_WHY: Record<string, string> = {
  exec: 'runs commands in the pod', attach: 'attaches to a running container', portforward: 'opens connections into the pod',
  proxy: 'proxies requests to the object (nodes/proxy runs commands in every pod of the node)', token: 'mints tokens for the service account',
  eviction: 'evicts the pod', binding: 'schedules the pod', ephemeralcontainers: 'adds a debug container to the pod',
  status: 'shows nothing a read of the object does not', scale: 'shows nothing a read of the object does not',
};

/** `; did you mean "x"?` for the known spelling closest to `spelling`, or `''`. */
function guess(spelling: string): string {
  const candidates = [...API_RESOURCES.keys(), ...READABLE_SUBRESOURCES];
  // kubectl's `deployments.apps`, a kind (`Deployment`), a singular (`pod`).
  const dot = spelling.indexOf('.');
  const kubectl = dot > 0 ? spellResource({ group: spelling.slice(dot + 1), resource: spelling.slice(0, dot) }) : undefined;
  if (kubectl && API_RESOURCES.has(kubectl)) return `; did you mean "${kubectl}"?`;
  const byKind = [...API_RESOURCES.values()].filter(r => r.kind.toLowerCase() === spelling.split('/').pop()!.toLowerCase()).map(spellResource);
  if (byKind.length) return `; did you mean ${byKind.map(k => `"${k}"`).join(' or ')}?`;
  const close = closest(spelling, candidates, 3);
  return close ? `; did you mean "${close}"?` : '';
}

/**
 * Why an RBAC rule is not read-only in the sense above, or `undefined` when it is: verbs among
 * get/list/watch, explicit groups and resources (no `*`), no Secrets, no subresource but those of
 * {@link READABLE_SUBRESOURCES}, no non-resource URLs.
 */
export function readOnlyRuleProblem(rule: PolicyRule): string | undefined {
  if (rule.nonResourceURLs.length > 0) return `grants non-resource URLs (${rule.nonResourceURLs.join(', ')})`;
  const writes = rule.verbs.filter(v => !READ_VERBS.includes(v));
  if (writes.length) return `grants ${writes.join(', ')}, not only get, list and watch`;
  if (rule.verbs.length === 0 || rule.apiGroups.length === 0 || rule.resources.length === 0) return 'names no verb, group or resource';
  const wild = [...rule.apiGroups, ...rule.resources].find(x => x.includes('*'));
  if (wild !== undefined) return `holds the wildcard ${JSON.stringify(wild)}`;
  for (const resource of rule.resources) {
    const [base, sub] = resource.split('/');
    if (Object.prototype.hasOwnProperty.call(UNREADABLE_RESOURCES, base)) return `grants ${resource}: ${UNREADABLE_RESOURCES[base]}`;
    if (sub !== undefined && !(READABLE_SUBRESOURCES.includes(resource) && rule.apiGroups.every(g => g === ''))) return `grants the subresource ${resource}`;
  }
  return undefined;
}
