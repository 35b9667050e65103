import type { HardenedDeploymentProps, NetworkPort, PodSecurityLevel, TenantQuota } from '../constructs';

/** A cluster that ArgoCD deploys to. */
export interface ClusterSpec {
  /** Cluster name as registered in ArgoCD. */
  readonly name: string;
  /** API server URL as registered in ArgoCD. */
  readonly server: string;
}

/**
 * What the platform team decides once for every app: where Argo CD runs, which clusters exist,
 * and which namespaces and AppProject names no app may claim. Exported next to the apps.
 */
export interface PlatformSpec {
  /** Namespace Argo CD runs in, where AppProjects and Applications live. Always reserved. @default 'argocd' */
  readonly argoNamespace?: string;
  /** The platform team's own AppProject, which syncs `dist/platform/`. Reserved. @default 'platform' */
  readonly project?: string;
  /** Clusters registered in Argo CD; an app deploys to one of them. @default [{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }] */
  readonly clusters?: ClusterSpec[];
  /**
   * Namespaces of the platform (ingress controller, cert-manager, monitoring) that no app may
   * claim, besides `kube-*`, `default` and the Argo CD namespace, which always are. A trailing
   * `*` reserves a prefix, e.g. `monitoring-*`.
   * @default - none
   */
  readonly reservedNamespaces?: string[];
  /** AppProject names no app may take, besides `default` and `project`, which always are. @default - none */
  readonly reservedProjects?: string[];
}

/**
 * A departure for one object of an included file, written by the compiler on that object as
 * `guardrails.cdk8s.io/exception.<exception>` or `guardrails.cdk8s.io/waive.<waive>`. Included
 * YAML may not carry `guardrails.cdk8s.io/*` annotations of its own: they are stated here.
 */
export interface IncludeDeparture {
  /** The object, as `Kind/name`, e.g. `DaemonSet/node-exporter`. */
  readonly object: string;
  /**
   * An exception, e.g. `pod-security.host-namespaces`, `capability.NET_ADMIN`, `run-as-root`.
   * Set this or `waive`.
   */
  readonly exception?: string;
  /** A rule id to waive, e.g. `image.pinned`. Set this or `exception`. */
  readonly waive?: string;
  /** Why: at least 10 visible characters on one line. */
  readonly reason: string;
}

/** A YAML file of objects we did not build, with the departures its objects need. */
export interface IncludeSpec {
  /** Path relative to the project root. */
  readonly file: string;
  /** @default - none: every object is judged as if it were ours, pods at `restricted` */
  readonly departures?: IncludeDeparture[];
}

/** One environment of an app: its own namespace, deployer and ArgoCD Application. */
export interface EnvironmentSpec {
  /**
   * The namespace's exact name, e.g. `honeydue`. It must not be reserved by the platform or
   * claimed by another app environment.
   * @default '{app}-{environment}'
   */
  readonly namespace?: string;
  /** Pod Security level enforced on the namespace. @default 'restricted' */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Why the namespace needs a level above `restricted`: required with `baseline` or `privileged`,
   * annotated on the Namespace and reported. Each pod that uses the level still names every
   * restricted control it breaks (constructs do it from their `exceptions`; included objects
   * through `departures`).
   * @default - none
   */
  readonly podSecurityReason?: string;
  /** @default - TenantNamespace defaults */
  readonly quota?: TenantQuota;
  /**
   * YAML files of objects we did not build (vendor manifests, `helm template` output), relative
   * to the project root, added to this environment's workloads in its namespace. They go through
   * the same gate, and the deployer's Role grows by their kinds.
   * @default - none
   */
  readonly include?: (string | IncludeSpec)[];
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
  /** DNS label: the AppProject's name, and namespaces are `{name}-{environment}` unless set. */
  readonly name: string;
  /** The Git repo that holds this project's `dist/`; ArgoCD syncs from it. */
  readonly repoURL: string;
  /** @default 'main' */
  readonly targetRevision?: string;
  /** @default [repoURL] */
  readonly sourceRepos?: string[];
  /** One of the platform's clusters. @default - the platform's first cluster */
  readonly cluster?: ClusterSpec;
  /** Environment name to its settings, e.g. `{ staging: {}, production: {} }`. */
  readonly environments: Record<string, EnvironmentSpec>;
  /** Service name to its spec. */
  readonly services: Record<string, ServiceSpec>;
}

/** Types the platform settings; the identity function that gives editors completion and checks. */
export function definePlatform(spec: PlatformSpec): PlatformSpec {
  return spec;
}

/** Types an app definition; the identity function that gives editors completion and checks. */
export function defineApp(spec: AppSpec): AppSpec {
  return spec;
}
