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
};

/** Secrets: a tenant's only with a reason (ScopedDeployer `secrets`). */
export const SECRETS: ApiResource = { group: '', resource: 'secrets' };

/**
 * A DaemonSet puts a pod on every node, those of other tenants too: a platform workload. A tenant
 * may own one only in a namespace whose Pod Security level is `baseline` or `privileged`, a level
 * the platform granted with a reason (written on the Namespace).
 */
export const DAEMON_SETS: ApiResource = { group: 'apps', resource: 'daemonsets' };
