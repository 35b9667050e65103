import type {
  HardenedCronJobProps, HardenedDeploymentProps, HardenedJobProps, HardenedStatefulSetProps, KubernetesApiRead, NetworkPort, PodSecurityLevel, TenantQuota,
} from '../constructs';
import type { OidcPrefixes, TeamAccessSpec } from '../constructs/team-access';
import type { IngressControllerKind, IngressRouteProps } from '../constructs/hardened-ingress';
import type { ExternalSecretSource, SealedSecretSource } from '../constructs';

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
  /**
   * The Git repo the platform team's Argo CD syncs `dist/platform/` from. When set, compile also
   * writes `platform/bootstrap.k8s.yaml`: the platform AppProject (named `project`, trusting this
   * repo only) and the Application that syncs `path`, which holds the bootstrap file itself (app
   * of apps). Apply it once by hand (`kubectl apply -f dist/platform/bootstrap.k8s.yaml`); from
   * then on Argo CD keeps it, and every app's guardrails, in sync.
   * @default - no bootstrap file: the platform team writes its own AppProject and Application
   */
  readonly repoURL?: string;
  /** The branch, tag or commit the platform Application follows. @default 'main' */
  readonly targetRevision?: string;
  /** The folder of `repoURL` that holds the platform files. @default '<sourcePath>/platform', i.e. 'dist/platform' */
  readonly path?: string;
  /**
   * ClusterSecretStores (External Secrets Operator) that every app environment may read through an
   * environment's `secrets` (`external.storeKind: 'ClusterSecretStore'`), written on each tenant
   * Namespace as `guardrails.cdk8s.io/cluster-secret-stores` for the gate. A ClusterSecretStore
   * answers every namespace its conditions admit with the platform's credentials: list only stores
   * whose contents every tenant may read. Otherwise apps read the SecretStore the platform team
   * makes in their namespace.
   * @default - none
   */
  readonly clusterSecretStores?: string[];
  /**
   * How the API server names people who log in through OIDC: the prefixes it puts before usernames
   * and groups, written exactly as configured there, so that an environment's `access` entry
   * `{ user: 'alice@example.com' }` binds the User the API server authenticates (with
   * `usernamePrefix: 'oidc:'`, `oidc:alice@example.com`).
   * @default - none
   */
  readonly oidc?: OidcPrefixes;
  /**
   * Where pods reach the Kubernetes API server, for services that read it (`kubernetesApi`).
   * @default - none: a service's `kubernetesApi` is refused
   */
  readonly apiServer?: ApiServerSpec;
  /**
   * The ingress controllers services may be exposed through (a service's `ingress.className`
   * names one). Their namespaces are reserved, and each service with an `ingress` gets a
   * NetworkPolicy that lets the controller's pods reach its port.
   * @default - none: a service's `ingress` is refused
   */
  readonly ingressControllers?: IngressControllerSpec[];
}

/** The Kubernetes API server as a network peer, and the audience of the tokens pods present to it. */
export interface ApiServerSpec {
  /**
   * The API server's addresses: the `kubernetes` Service's ClusterIP (e.g. `10.96.0.1/32`) and the
   * addresses behind it (`kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`),
   * since some CNIs judge egress before the Service is translated and some after. Together they
   * may not cover the internet (at least a /8 of public IPv4 or a /32 of public IPv6).
   */
  readonly cidrs: string[];
  /**
   * TCP ports: the Service's (443) and the API server's own (6443 with kubeadm), for the same reason.
   * @default [443, 6443]
   */
  readonly ports?: number[];
  /**
   * The audience of the projected tokens; the API server must accept it (`--api-audiences`, which
   * defaults to `--service-account-issuer`). The default is the issuer of kubeadm, kind and k3s
   * clusters; managed clusters (EKS, GKE, AKS) have their own: it is the `aud` claim of a token
   * from `kubectl create token default`.
   * @default 'https://kubernetes.default.svc.cluster.local'
   */
  readonly audience?: string;
}

/** An ingress controller the platform runs. */
export interface IngressControllerSpec {
  /** The IngressClass name Ingresses select it by (`spec.ingressClassName`), e.g. `nginx`. */
  readonly className: string;
  /** Which controller it is: decides how HTTP is redirected to HTTPS and whether `sourceRanges` can be enforced. */
  readonly controller: IngressControllerKind;
  /** The namespace its pods run in, e.g. `ingress-nginx`. Reserved: no app may claim it. */
  readonly namespace: string;
  /** Labels of its pods, e.g. `{ "app.kubernetes.io/name": "ingress-nginx" }`. @default - every pod of `namespace` */
  readonly podLabels?: Record<string, string>;
  /** Traefik only: the entry point that serves HTTPS, the only one an Ingress is attached to. @default 'websecure' */
  readonly entryPoint?: string;
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
  /**
   * People (OIDC users or groups) and what they may do in this environment's namespace:
   * `{ user: 'alice@example.com', role: 'viewer' }`, `{ group: 'shop-oncall', role: 'operator' }`,
   * optionally with `exec: { reason, expires: 'YYYY-MM-DD' }` (at most 90 days ahead). Built as
   * Roles and RoleBindings in the platform chart (see TeamAccess) and listed in the report under
   * People. An example committed to a repo should not use `exec`: its date passes, and the gate
   * then fails every build until it is removed.
   * @default - none: no person gets rights through the app
   */
  readonly access?: TeamAccessSpec[];
  /**
   * Secrets delivered into the namespace from a secret manager, by the Secret's name (a DNS
   * label): each either copied from a store by the External Secrets Operator (`external`) or
   * decrypted from values sealed in Git by the Sealed Secrets controller (`sealed`). Services read
   * them like any Secret (env `secretKeyRef`, `envFrom`, `volumes`); a reference to a key the
   * source does not deliver is refused. The deployer applies the ExternalSecrets and SealedSecrets,
   * never Secrets. Listed in the report under Secrets.
   * @default - none
   */
  readonly secrets?: Record<string, SecretSourceSpec>;
}

/** Where one Secret comes from: exactly one of `external` and `sealed`. */
export interface SecretSourceSpec {
  /**
   * Copied from a secret manager (OpenBao, Vault, a cloud's secret manager) by the External
   * Secrets Operator, from a SecretStore of the namespace by default, e.g.
   * `{ store: 'openbao', data: [{ key: 'password', remoteKey: 'shop/db', property: 'password' }] }`.
   */
  readonly external?: ExternalSecretSource;
  /**
   * Values sealed with kubeseal for this namespace and the Secret's name (strict scope), e.g.
   * `{ encryptedData: { password: 'AgB...' } }`.
   */
  readonly sealed?: SealedSecretSource;
}

/** Lets pods of another namespace, or clients in an IP range, call this service. */
export interface CallerSpec {
  /** The caller's namespace, e.g. `monitoring`. Set this or `cidr`. @default - none */
  readonly namespace?: string;
  /** The caller pods' labels, with `namespace`. @default - every pod of that namespace */
  readonly podLabels?: Record<string, string>;
  /**
   * Clients outside the cluster by address, e.g. `203.0.113.7/32` (an office, a load balancer's
   * subnet). Set this or `namespace`. @default - none
   */
  readonly cidr?: string;
  /**
   * Why the internet may call the service: required when this CIDR, together with the service's
   * other callers' CIDRs, reaches the internet as the gate judges it (at least a /8 of public IPv4
   * or a /32 of public IPv6, e.g. `0.0.0.0/0` or its two `/1` halves). For HTTP, prefer `ingress`.
   * @default - none
   */
  readonly reason?: string;
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
type JobFields = Pick<HardenedJobProps, 'backoffLimit' | 'activeDeadlineSeconds' | 'ttlSecondsAfterFinished' | 'restartPolicy' | 'parallelism' | 'completions'>;
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
 * - Job, CronJob: `backoffLimit`, `activeDeadlineSeconds`, `ttlSecondsAfterFinished`, `restartPolicy`, `parallelism`, `completions`;
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
  Omit<HardenedDeploymentProps, 'namespace' | 'name' | 'labels' | 'replicas' | 'autoscaling' | 'apiToken'> {
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
  /**
   * Read access to the Kubernetes API (any kind): the pod gets a projected token bound to the
   * platform's `apiServer.audience` (one hour), its ServiceAccount a read-only Role (or, with
   * `scope: "cluster"`, ClusterRole) built in the platform chart, and a NetworkPolicy
   * `<service>-to-kubernetes-api` to the platform's `apiServer`. Needs `apiServer` in the platform settings.
   * @default - none: no token, no rights
   */
  readonly kubernetesApi?: KubernetesApiRead;
  /**
   * Deployment, StatefulSet and DaemonSet with ports: an HTTPS Ingress for the service through one
   * of the platform's ingress controllers (see HardenedIngress), and the NetworkPolicy that lets
   * that controller's pods reach the port.
   * @default - none
   */
  readonly ingress?: IngressRouteProps;
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
  /** Service name to its spec; `{}` for an app of charts only. An app needs at least one service or one chart. */
  readonly services: Record<string, ServiceSpec>;
  /**
   * Helm charts installed beside the services, by a short name (a DNS label): each is an Argo CD
   * Application `<app>-<env>-<name>` per environment, synced into the environment's namespace as
   * its deployer, in the app's AppProject. What a chart renders is not in `dist/`, so the gate
   * never sees it: each carries its `reason` as an exception and is reported.
   * @default - none
   */
  readonly charts?: Record<string, HelmChartSpec>;
}

/**
 * A Helm chart of an app (see `AppSpec.charts`). What the chart renders is fenced by the app's
 * AppProject (only its namespaces, only whitelisted namespaced kinds, nothing cluster-scoped) and
 * by the deployer's Role, which Argo CD impersonates; the gate cannot judge it otherwise.
 */
export interface HelmChartSpec {
  /**
   * The chart repository, literally: `https://host[/path]` (a Helm repository, e.g.
   * `https://charts.jetstack.io`) or `oci://host/path` (an OCI registry path, e.g.
   * `oci://ghcr.io/acme/charts`; the chart name is appended). Added to the AppProject's
   * `sourceRepos` as an exact entry. Globs, plain http, scheme-less registries and credentials are refused.
   */
  readonly repoURL: string;
  /** The chart's name in the repository, e.g. `cert-manager`. */
  readonly chart: string;
  /** One exact version, e.g. `1.14.4` or `v1.14.4` (an OCI chart may also use a `sha256:` digest); never a range, `*` or `latest`. */
  readonly version: string;
  /**
   * Helm values files in the app's repo (`repoURL` at `targetRevision`), relative to its root.
   * When compile is given the repo's checkout (`CompileOptions.repoRoot`, which `synth` and
   * `npm run synth` pass), a file missing there is refused: Argo CD's sync would fail on it.
   * @default - the chart's defaults
   */
  readonly valueFiles?: string[];
  /** The environments that install it. @default - every environment */
  readonly environments?: string[];
  /**
   * The kinds the chart renders, which the environment's deployer must be able to apply besides
   * the services' own: each a tenant kind (e.g. `Deployment`, `Service`, `ConfigMap`; `DaemonSet`
   * only above `restricted`; never RBAC, quotas, network policy or cluster-scoped kinds, which the
   * project refuses anyway).
   * @default - none: the deployer applies only what the services hold
   */
  readonly kinds?: string[];
  /** Why the app needs this chart, whose objects the gate cannot judge: written on each of its Applications. */
  readonly reason: string;
  /**
   * The labels of the chart's pods, e.g. `{ "app.kubernetes.io/name": "headlamp" }`: what its
   * NetworkPolicies select in each environment that installs it. Required with `callers`,
   * `egress` or `kubernetesApiEgress`; never empty (that would select every pod of the
   * namespace), and it may not select a pod of the services or of an `include`, whose network
   * rules are the app's own. The labels are not checked against what the chart renders: read
   * them from `helm template`.
   * @default - none: the namespace's default deny holds for the chart's pods (DNS only)
   */
  readonly podLabels?: Record<string, string>;
  /** The ports of the chart's pods that `callers` may reach (the pods' ports, not the Service's). Required with `callers`. @default - none */
  readonly ports?: NetworkPort[];
  /** Who may reach the chart's pods on `ports`: as a service's `callers` (a namespace, or a CIDR with a reason when it reaches the internet). @default - none */
  readonly callers?: CallerSpec[];
  /** What the chart's pods may reach, as a service's `egress`. @default - none (DNS only) */
  readonly egress?: DestinationSpec[];
  /**
   * Lets the chart's pods reach the platform's `apiServer` (a NetworkPolicy
   * `<chart>-to-kubernetes-api`), e.g. for a dashboard that acts with its users' own tokens. The
   * network peer only: no token and no rights are given, and a chart cannot grant itself any
   * (RBAC kinds are refused in `kinds` and by the project). Needs `apiServer` in the platform settings.
   * @default false
   */
  readonly kubernetesApiEgress?: boolean;
}

/** Types the platform settings; the identity function that gives editors completion and checks. */
export function definePlatform(spec: PlatformSpec): PlatformSpec {
  return spec;
}

/** Types an app definition; the identity function that gives editors completion and checks. */
export function defineApp(spec: AppSpec): AppSpec {
  return spec;
}
