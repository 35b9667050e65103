import type { HardenedDeploymentProps, NetworkPort, PodSecurityLevel, TenantQuota } from '../constructs';

/** A cluster that ArgoCD deploys to. */
export interface ClusterSpec {
  /** Cluster name as registered in ArgoCD. */
  readonly name: string;
  /** API server URL as registered in ArgoCD. */
  readonly server: string;
}

/** One environment of an app: its own namespace, deployer and ArgoCD Application. */
export interface EnvironmentSpec {
  /** Pod Security level enforced on the namespace. @default 'restricted' */
  readonly podSecurity?: PodSecurityLevel;
  /** @default - TenantNamespace defaults */
  readonly quota?: TenantQuota;
  /**
   * YAML files of objects we did not build (vendor manifests, `helm template` output), relative
   * to the project root, added to this environment's workloads in its namespace. They go through
   * the same gate, and the deployer's Role grows by their kinds.
   * @default - none
   */
  readonly include?: string[];
}

/** Lets pods of another namespace call this service. */
export interface CallerSpec {
  /** The caller's namespace, e.g. `ingress-nginx`. */
  readonly namespace: string;
  /** The caller pods' labels. @default - every pod of that namespace */
  readonly podLabels?: Record<string, string>;
}

/** Lets this service call something outside its app. */
export interface DestinationSpec {
  /** Short name of the rule, e.g. `postgres`. */
  readonly name: string;
  /** IP range, e.g. a managed database's subnet. Set this or `namespace`. */
  readonly cidr?: string;
  /** Namespace of in-cluster peers. */
  readonly namespace?: string;
  /** Labels of the peer pods in `namespace`. @default - every pod of that namespace */
  readonly podLabels?: Record<string, string>;
  readonly ports: NetworkPort[];
  /** Required when `cidr` is the whole internet. @default - none */
  readonly reason?: string;
}

/**
 * One service of an app: a HardenedDeployment in every environment (see its props for the
 * workload fields and their defaults), plus who may call it and what it may call.
 */
export interface ServiceSpec extends Omit<HardenedDeploymentProps, 'namespace' | 'name' | 'labels' | 'replicas'> {
  /** A count for every environment, or one per environment name. @default 1 */
  readonly replicas?: number | Record<string, number>;
  /** Other namespaces whose pods may call this service on its ports. @default - none */
  readonly callers?: CallerSpec[];
  /** Services of the same app this one calls (both sides are opened). @default - none */
  readonly calls?: string[];
  /** Destinations outside the app. @default - none (DNS only) */
  readonly egress?: DestinationSpec[];
}

/** A declarative app: what `apps/*.ts` export and `main.ts` compiles. */
export interface AppSpec {
  /** DNS label; namespaces are `{name}-{environment}`. */
  readonly name: string;
  /** The Git repo that holds this project's `dist/`; ArgoCD syncs from it. */
  readonly repoURL: string;
  /** @default 'main' */
  readonly targetRevision?: string;
  /** @default [repoURL] */
  readonly sourceRepos?: string[];
  /** @default { name: 'in-cluster', server: 'https://kubernetes.default.svc' } */
  readonly cluster?: ClusterSpec;
  /** Environment name to its settings, e.g. `{ staging: {}, production: {} }`. */
  readonly environments: Record<string, EnvironmentSpec>;
  /** Service name to its spec. */
  readonly services: Record<string, ServiceSpec>;
}

/** Types an app definition; the identity function that gives editors completion and checks. */
export function defineApp(spec: AppSpec): AppSpec {
  return spec;
}
