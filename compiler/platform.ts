import { ArgoCluster, ARGO_IN_CLUSTER } from '../constructs/argo-project';
import { checkDnsLabel } from '../constructs/validate';
import { DEFAULT_ARGO_NAMESPACE, refuse } from '../policy';
import { PlatformSpec } from './app-spec';

/** The platform settings with their defaults applied: what compile checks every app against. */
export interface Platform {
  readonly argoNamespace: string;
  readonly project: string;
  readonly clusters: readonly ArgoCluster[];
  /** Why `namespace` is not an app's to claim, or `undefined` when it may be. */
  reservedNamespace(namespace: string): string | undefined;
  /** Why `project` is not an app's AppProject name, or `undefined` when it may be. */
  reservedProject(project: string): string | undefined;
}

/** Namespaces no app may claim whatever the settings say: the cluster's own. */
const ALWAYS_RESERVED = ['kube-*', 'default'];
const WHERE = 'platform';

/** Checks `spec` and applies its defaults. */
export function resolvePlatform(spec: PlatformSpec = {}): Platform {
  const argoNamespace = checkDnsLabel(WHERE, 'argoNamespace', spec.argoNamespace ?? DEFAULT_ARGO_NAMESPACE);
  const project = checkDnsLabel(WHERE, 'project', spec.project ?? 'platform');
  const clusters = spec.clusters ?? [ARGO_IN_CLUSTER];
  if (!Array.isArray(clusters) || clusters.length === 0) {
    refuse(WHERE, 'clusters', clusters, 'must list at least one cluster', 'list the clusters registered in Argo CD, e.g. [{ name: "in-cluster", server: "https://kubernetes.default.svc" }]');
  }
  clusters.forEach((c, i) => {
    if (clusters.findIndex(o => o.name === c.name || o.server === c.server) !== i) {
      refuse(WHERE, `clusters[${i}]`, c, 'repeats the name or server of another cluster', 'list each registered cluster once');
    }
  });
  const patterns = [...ALWAYS_RESERVED, argoNamespace, ...(spec.reservedNamespaces ?? []).map((ns, i) => {
    const field = `reservedNamespaces[${i}]`;
    checkDnsLabel(WHERE, field, typeof ns === 'string' && ns.endsWith('*') ? `${ns.slice(0, -1)}x` : ns);
    return ns;
  })];
  const projects = ['default', project, ...(spec.reservedProjects ?? []).map((p, i) => checkDnsLabel(WHERE, `reservedProjects[${i}]`, p))];
  return {
    argoNamespace,
    project,
    clusters,
    reservedNamespace: namespace => {
      const hit = patterns.find(p => (p.endsWith('*') ? namespace.startsWith(p.slice(0, -1)) : namespace === p));
      if (hit === undefined) return undefined;
      if (hit === argoNamespace) return 'is the namespace Argo CD runs in';
      return ALWAYS_RESERVED.includes(hit) ? `is a namespace of the cluster itself (${hit})` : `is reserved by the platform settings (${hit})`;
    },
    reservedProject: name => (projects.includes(name)
      ? (name === project ? 'is the platform team\'s own AppProject' : name === 'default' ? 'is Argo CD\'s default AppProject, which trusts every repo' : 'is reserved by the platform settings')
      : undefined),
  };
}
