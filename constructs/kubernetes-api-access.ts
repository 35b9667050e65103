import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { EXCEPTION_PREFIX, MANAGED_BY } from '../policy/annotations';
import { KUBERNETES_API_EXCEPTION, READ_VERBS, readableResource, ReadableResource, spellResource } from '../policy/api-access';
import { refuse } from '../policy/errors';
import { RBAC_GROUP } from '../policy/rbac';
import { sameCopies } from './copies';
import { ITenantNamespace } from './tenant-namespace';
import { checkDnsLabel, checkOneOf, checkReason } from './validate';

/** Where a service account may read: its own namespace (a Role), or every namespace (a ClusterRole). */
export type KubernetesApiScope = 'namespace' | 'cluster';

/**
 * Read access to the Kubernetes API for one service, asked for on purpose: `get`, `list` and
 * `watch` on the resources listed, and nothing else.
 */
export interface KubernetesApiRead {
  /** Only `read` is offered: get, list and watch. A service that changes objects is a controller, the platform team's. */
  readonly access: 'read';
  /**
   * The resources it reads, each `<resource>` for the core group or `<group>/<resource>`, as RBAC
   * names them: e.g. `pods`, `pods/log`, `apps/deployments`, `events.k8s.io/events`. Resources of
   * the Kubernetes 1.28 API only; never `secrets`, never a wildcard, no subresource but `pods/log`.
   */
  readonly resources: string[];
  /**
   * `namespace`: a Role and RoleBinding in the service's namespace (namespaced resources only);
   * `cluster`: a ClusterRole and ClusterRoleBinding, every namespace and cluster-scoped resources
   * such as `nodes`.
   */
  readonly scope: KubernetesApiScope;
  /**
   * Why the service reads the API: written as `guardrails.cdk8s.io/exception.kubernetes-api` on
   * the role, its binding and the pods, and listed in the report.
   */
  readonly reason: string;
}

export interface KubernetesApiAccessProps extends KubernetesApiRead {
  /** The namespace of the service account. */
  readonly namespace: ITenantNamespace;
  /** The service account that gets the rights: the workload's (a HardenedPod's is named like the workload). */
  readonly serviceAccount: string;
}

/** A checked {@link KubernetesApiRead}: the resources read as RBAC names them. */
export interface CheckedApiRead {
  readonly resources: readonly ReadableResource[];
  readonly scope: KubernetesApiScope;
  readonly reason: string;
}

/**
 * Checks a {@link KubernetesApiRead}, refusing at `scope` under `prefix` (e.g. `kubernetesApi.`):
 * read access only, known resources spelled one way and listed once (a typo is refused with the
 * resource it likely means), no Secrets, no wildcard, no subresource but `pods/log`, namespaced
 * resources only at namespace scope, and a reason.
 */
export function checkKubernetesApiRead(scope: IConstruct | string, prefix: string, value: KubernetesApiRead): CheckedApiRead {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    refuse(scope, prefix.replace(/\.$/, ''), value, 'must be { access, resources, scope, reason }',
      'e.g. { access: "read", resources: ["pods", "pods/log"], scope: "namespace", reason: "..." }');
  }
  if (value.access !== 'read') {
    refuse(scope, `${prefix}access`, value.access, 'must be "read": only get, list and watch are offered; a service that creates, changes or deletes objects is a controller',
      'set access: "read", and leave writes to a controller the platform team runs');
  }
  const where = checkOneOf(scope, `${prefix}scope`, value.scope, ['namespace', 'cluster'] as const);
  const reason = checkReason(scope, `${prefix}reason`, value.reason);
  if (!Array.isArray(value.resources) || value.resources.length === 0) {
    refuse(scope, `${prefix}resources`, value.resources, 'must list at least one resource', 'e.g. resources: ["pods", "apps/deployments"]');
  }
  const seen = new Set<string>();
  const resources = value.resources.map((spelling, i) => {
    const field = `${prefix}resources[${i}]`;
    const r = readableResource(spelling);
    if ('problem' in r) refuse(scope, field, spelling, r.problem, r.fix);
    if (where === 'namespace' && !r.namespaced) {
      refuse(scope, field, spelling, `is cluster-scoped, and a Role in the service's namespace cannot grant it`,
        'set scope: "cluster" (with its reason), or remove it');
    }
    const key = `${r.group}/${r.rbacResource}`;
    if (seen.has(key)) refuse(scope, field, spelling, 'is listed twice', 'list each resource once');
    seen.add(key);
    return r;
  });
  return { resources, scope: where, reason };
}

/**
 * The RBAC rules of a read grant: one rule per API group with get, list and watch, sorted for
 * stable output; `pods/log` in a rule of its own with `get`, the only verb it serves.
 */
export function readRules(resources: readonly ReadableResource[]): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
  const byGroup = new Map<string, Set<string>>();
  for (const r of resources.filter(r => r.subresource === undefined)) byGroup.set(r.group, (byGroup.get(r.group) ?? new Set()).add(r.rbacResource));
  const subresources = resources.filter(r => r.subresource !== undefined).map(r => r.rbacResource).sort();
  return [
    ...[...byGroup.keys()].sort().map(group => ({ apiGroups: [group], resources: [...byGroup.get(group)!].sort(), verbs: [...READ_VERBS] })),
    ...(subresources.length ? [{ apiGroups: [''], resources: subresources, verbs: ['get'] }] : []),
  ];
}

/**
 * Read access to the Kubernetes API for one service account: a Role and RoleBinding in its
 * namespace (`scope: 'namespace'`) or a ClusterRole and ClusterRoleBinding (`scope: 'cluster'`),
 * with the rules of {@link readRules} and the reason as the exception `kubernetes-api` on the role
 * and the binding. RBAC objects are guardrails: build this in the platform chart, never in the
 * workloads a ScopedDeployer applies, so that the deployer cannot change its workload's rights.
 * The pod gets its token from HardenedPodProps.apiToken.
 */
export class KubernetesApiAccess extends Construct {
  /** The Role's or ClusterRole's name (and its binding's). */
  public readonly roleName: string;
  public readonly scope: KubernetesApiScope;
  /** The resources granted, spelled as in the spec (`pods/log`, `apps/deployments`). */
  public readonly resources: readonly string[];
  /** The username the grant is for: `system:serviceaccount:<namespace>:<name>`. */
  public readonly subject: string;

  constructor(scope: Construct, id: string, props: KubernetesApiAccessProps) {
    super(sameCopies(scope, 'KubernetesApiAccess'), id);
    if (!props.namespace || typeof props.namespace.name !== 'string') {
      refuse(this, 'namespace', props.namespace, 'must be a TenantNamespace', 'pass the TenantNamespace the service account lives in');
    }
    const namespace = props.namespace.name;
    const serviceAccount = checkDnsLabel(this, 'serviceAccount', props.serviceAccount, 253);
    const checked = checkKubernetesApiRead(this, '', props);
    this.scope = checked.scope;
    this.resources = checked.resources.map(r => (r.subresource ? r.rbacResource : spellResource(r)));
    this.subject = `system:serviceaccount:${namespace}:${serviceAccount}`;
    const cluster = checked.scope === 'cluster';
    // ClusterRoles share one cluster-wide namespace: the service account's namespace and name,
    // both DNS names without ':', make the name unique to it.
    this.roleName = cluster ? `${KUBERNETES_API_EXCEPTION}:${namespace}:${serviceAccount}` : `${serviceAccount}-${KUBERNETES_API_EXCEPTION}`;
    const metadata = {
      name: this.roleName,
      ...(cluster ? {} : { namespace }),
      labels: { ...MANAGED_BY },
      annotations: { [`${EXCEPTION_PREFIX}${KUBERNETES_API_EXCEPTION}`]: checked.reason },
    };
    new ApiObject(this, 'Role', {
      apiVersion: `${RBAC_GROUP}/v1`,
      kind: cluster ? 'ClusterRole' : 'Role',
      metadata,
      rules: readRules(checked.resources),
    });
    const binding = {
      metadata,
      roleRef: { apiGroup: RBAC_GROUP, kind: cluster ? 'ClusterRole' : 'Role', name: this.roleName },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
    };
    if (cluster) new k8s.KubeClusterRoleBinding(this, 'Binding', binding);
    else new k8s.KubeRoleBinding(this, 'Binding', binding);
  }
}
