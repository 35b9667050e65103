import type {
  HardenedCronJobProps, HardenedDeploymentProps, HardenedJobProps, HardenedStatefulSetProps, NetworkPort, PodSecurityLevel, TenantQuota,
} from '../constructs';

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
   * Extra labels for the namespace, e.g. `{ team: "payments" }`. They may not set or override
   * `pod-security.kubernetes.io/*`, `kubernetes.io/metadata.name`, `guardrails.cdk8s.io/*`,
   * `app.kubernetes.io/managed-by` or `app.kubernetes.io/part-of`, which the guardrails set.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /** Extra annotations for the namespace, under the same reserved keys as `labels`. @default - none */
  readonly annotations?: Record<string, string>;
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

/** The workload construct a service is built as, in every environment. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'Job' | 'CronJob' | 'DaemonSet';

/** Deployment and StatefulSet only: see HardenedDeploymentProps. */
type ScaledFields = Pick<HardenedDeploymentProps, 'autoscaling'>;
/** StatefulSet only: see HardenedStatefulSetProps. */
type StatefulSetFields = Pick<HardenedStatefulSetProps, 'volumeClaimTemplates' | 'podManagementPolicy'>;
/** Job and CronJob only: see HardenedJobProps. */
type JobFields = Pick<HardenedJobProps, 'backoffLimit' | 'activeDeadlineSeconds' | 'ttlSecondsAfterFinished' | 'restartPolicy'>;
/** CronJob only (and `schedule` required there): see HardenedCronJobProps. */
type CronJobFields = Pick<HardenedCronJobProps, 'timeZone' | 'concurrencyPolicy' | 'successfulJobsHistoryLimit' | 'failedJobsHistoryLimit' | 'startingDeadlineSeconds'>
  & Partial<Pick<HardenedCronJobProps, 'schedule'>>;

/**
 * One service of an app: a workload of its `kind` in every environment, plus who may call it and
 * what it may call. The pod fields (image, ports, env, resources, probes, exceptions...) are
 * HardenedPodProps and mean the same for every kind; the kind's own fields sit beside them, and a
 * field of another kind is refused (`replicas` on a Job, `schedule` on a Deployment):
 *
 * - Deployment, StatefulSet: `replicas` or `autoscaling`; StatefulSet also `volumeClaimTemplates`, `podManagementPolicy`.
 * - Job, CronJob: `backoffLimit`, `activeDeadlineSeconds`, `ttlSecondsAfterFinished`, `restartPolicy`;
 *   no `ports` and no `callers` (nothing calls a Job), and no other service `calls` one.
 * - CronJob: `schedule` (required), `timeZone`, `concurrencyPolicy`, `successfulJobsHistoryLimit`,
 *   `failedJobsHistoryLimit`, `startingDeadlineSeconds`.
 * - DaemonSet: only in an environment whose `podSecurity` is `baseline` or `privileged` (with its
 *   `podSecurityReason`): a pod on every node is a platform workload. The deployer of that
 *   environment may then apply DaemonSets.
 *
 * `calls`, `callers` and `egress` work for every kind: the network rules select the pods by the
 * same `app.kubernetes.io/name` label.
 */
// Listed in reverse: the schema (and the list of known fields in a refusal) names the pod's fields first.
export interface ServiceSpec extends CronJobFields, JobFields, StatefulSetFields, ScaledFields,
  Omit<HardenedDeploymentProps, 'namespace' | 'name' | 'labels' | 'replicas' | 'autoscaling'> {
  /** @default 'Deployment' */
  readonly kind?: WorkloadKind;
  /** Deployment and StatefulSet only: a count for every environment, or one per environment name. @default 1 */
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
