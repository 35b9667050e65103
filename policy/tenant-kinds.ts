/**
 * The one list of namespaced kinds a tenant may own. The ScopedDeployer's Role, the tenant
 * AppProject's namespaceResourceWhitelist and the team-access roles all derive from it, so a kind
 * added here is granted everywhere at once and a kind missing here is refused everywhere at once.
 * No cdk8s here: the policy engine and the constructs both read it.
 */

/** Where a kind lives in the API: what a Role rule (group + resource) and an AppProject whitelist (group + kind) name. */
export interface ApiResource {
  /** API group, '' for the core group. */
  readonly group: string;
  /** Plural resource name, as an RBAC rule names it. */
  readonly resource: string;
}

/** The namespaced kinds a tenant may own, by kind. Anything else belongs to the platform. */
export const TENANT_KINDS: Record<string, ApiResource> = {
  Deployment: { group: 'apps', resource: 'deployments' },
  StatefulSet: { group: 'apps', resource: 'statefulsets' },
  Service: { group: '', resource: 'services' },
  ServiceAccount: { group: '', resource: 'serviceaccounts' },
  ConfigMap: { group: '', resource: 'configmaps' },
  PodDisruptionBudget: { group: 'policy', resource: 'poddisruptionbudgets' },
  HorizontalPodAutoscaler: { group: 'autoscaling', resource: 'horizontalpodautoscalers' },
  Job: { group: 'batch', resource: 'jobs' },
  CronJob: { group: 'batch', resource: 'cronjobs' },
  Ingress: { group: 'networking.k8s.io', resource: 'ingresses' },
  // Secrets from a secret manager: the tenant writes what to fetch or the ciphertext, the
  // operators write the Secret. Never their stores (SecretStore, ClusterSecretStore: which vault
  // path and credentials a namespace reaches is the platform's), PushSecret (writes into the store)
  // or ClusterExternalSecret (cluster-scoped, fans out to other namespaces); never `secrets`.
  ExternalSecret: { group: 'external-secrets.io', resource: 'externalsecrets' },
  SealedSecret: { group: 'bitnami.com', resource: 'sealedsecrets' },
};

/** Secrets: a tenant's only with a reason (ScopedDeployer `secrets`). */
export const SECRETS: ApiResource = { group: '', resource: 'secrets' };

/**
 * A DaemonSet puts a pod on every node, those of other tenants too: a platform workload. A tenant
 * may own one only in a namespace whose Pod Security level is `baseline` or `privileged`, a level
 * the platform granted with a reason (written on the Namespace).
 */
export const DAEMON_SETS: ApiResource = { group: 'apps', resource: 'daemonsets' };

/** An AppProject whitelist entry: what Argo CD matches a kind by. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** The group and kind of a kind a tenant may own (DaemonSet and Secret included), or `undefined`. */
export function tenantGroupKind(kind: string): GroupKind | undefined {
  const resource = Object.prototype.hasOwnProperty.call(TENANT_KINDS, kind) ? TENANT_KINDS[kind]
    : kind === 'DaemonSet' ? DAEMON_SETS : kind === 'Secret' ? SECRETS : undefined;
  return resource && { group: resource.group, kind };
}

/**
 * Namespaced kinds that fence a tenant in: quotas, limits, network policy, RBAC, and Argo CD's own
 * projects and applications (a tenant that could write an AppProject could widen its own). Never on
 * a tenant project's whitelist, never applied by a deployer.
 */
export const FENCE_KINDS: readonly GroupKind[] = [
  { group: '', kind: 'ResourceQuota' },
  { group: '', kind: 'LimitRange' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
  { group: 'argoproj.io', kind: 'AppProject' },
  { group: 'argoproj.io', kind: 'Application' },
  { group: 'argoproj.io', kind: 'ApplicationSet' },
];

const PODS: ApiResource = { group: '', resource: 'pods' };
/** Container logs: `get` only (the only verb the subresource has). */
export const POD_LOGS: ApiResource = { group: '', resource: 'pods/log' };
/**
 * Events: Argo CD 3.5 lists a resource's events as the impersonated account, through core/v1 only
 * (server/application ListResourceEvents); `events.k8s.io` is the same data under another group
 * that Argo CD never reads, so it is not granted.
 */
export const EVENTS: ApiResource = { group: '', resource: 'events' };

/**
 * What the Argo CD UI shows under an object of each kind (its resource tree: ReplicaSets and Pods
 * of a Deployment, Jobs of a CronJob, a StatefulSet's revisions and claims), which Argo CD 3.5
 * reads as the impersonated deployer when someone opens it. Read only: these are made by
 * controllers, never by the sync. Endpoints and EndpointSlices under a Service are left out: Argo
 * CD's default `resource.exclusions` hide them.
 */
export const CHILD_READS: Readonly<Record<string, readonly ApiResource[]>> = {
  Deployment: [{ group: 'apps', resource: 'replicasets' }, PODS],
  StatefulSet: [{ group: 'apps', resource: 'controllerrevisions' }, { group: '', resource: 'persistentvolumeclaims' }, PODS],
  DaemonSet: [{ group: 'apps', resource: 'controllerrevisions' }, PODS],
  Job: [PODS],
  CronJob: [{ group: 'batch', resource: 'jobs' }, PODS],
};
