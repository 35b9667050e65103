import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { CONFIG_HASH_ANNOTATION, EXCEPTION_PREFIX, MANAGED_BY } from '../policy/annotations';
import { credentialInValue, credentialsInArgv, looksLikeCredential } from '../policy/credentials';
import { refuse } from '../policy/errors';
import { annotationsSizeProblem, portableEnvVarNameProblem, portNameProblem } from '../policy/grammar';
import { howToPin, parsePinnedImage } from '../policy/image';
import { capabilityLevel, levelAdmits, LINUX_CAPABILITIES, PodSecurityLevel } from '../policy/pod-security';
import { quantityValue } from '../policy/quantity';
import { checkPrivileges, PrivilegedExceptions, withPrivileges } from './pod-privileges';
import { ITenantNamespace } from './tenant-namespace';
import { checkExtraContainers, containerNames, PodContainersProps, SidecarContainer } from './pod-containers';
import { checkPodFiles, PodFilesProps } from './pod-files';
import { API_TOKEN_VOLUME, ApiTokenProps, checkApiToken } from './pod-api-token';
import { SERVICE_ACCOUNT_MOUNT } from '../policy/api-access';
import { extendedResources, podScheduling, PodSchedulingProps, withExtended } from './pod-scheduling';
import { checkDnsLabel, checkInteger, checkLabels, checkQuantity, checkReason, checkString } from './validate';

/** A port the container listens on. */
export interface WorkloadPort {
  /** IANA service name, used by the Service's `targetPort` and by probes, e.g. `http`. */
  readonly name: string;
  /** The container port. @asType integer @minimum 1 @maximum 65535 */
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
  /** The port the Service exposes. @asType integer @minimum 1 @maximum 65535 @default - the container port */
  readonly servicePort?: number;
}

/** A value taken from a Secret or ConfigMap key at run time, never written into the manifest. */
export interface EnvReference {
  /** A Secret key. */
  readonly secretKeyRef?: { readonly name: string; readonly key: string };
  /** A ConfigMap key. */
  readonly configMapKeyRef?: { readonly name: string; readonly key: string };
}

/** A literal value, or a reference to one. */
export type EnvValue = string | EnvReference;

/** Whole Secrets or ConfigMaps whose keys all become environment variables. */
export interface EnvSource {
  readonly secretRef?: string;
  readonly configMapRef?: string;
}

/** CPU and memory for the container. Requests and a memory limit are always set. */
export interface WorkloadResources {
  /** @default '100m' */
  readonly cpuRequest?: string;
  /** @default '128Mi' */
  readonly memoryRequest?: string;
  /** @default '256Mi' */
  readonly memoryLimit?: string;
  /**
   * A CPU limit throttles a busy container even when the node is idle, so none is set unless asked.
   * @default - no CPU limit
   */
  readonly cpuLimit?: string;
  /** Extended resources of device plugins, e.g. `{ "nvidia.com/gpu": 1 }`: whole numbers, set as limits and requests alike. @default - none */
  readonly extended?: Record<string, number>;
}

/** A writable directory: an emptyDir with a size limit, because the root filesystem is read-only. */
export interface WritablePath {
  /** Absolute mount path, e.g. `/tmp`. */
  readonly path: string;
  /** @default '64Mi' */
  readonly sizeLimit?: string;
}

/** A health check. Exactly one of `httpGet`, `tcpSocket` and `exec`. */
export interface WorkloadProbe {
  readonly httpGet?: { readonly path: string; readonly port: string | number };
  readonly tcpSocket?: { readonly port: string | number };
  readonly exec?: { readonly command: string[] };
  /** @asType integer @default 0 */
  readonly initialDelaySeconds?: number;
  /** @asType integer @default 10 */
  readonly periodSeconds?: number;
  /** @asType integer @default 1 */
  readonly timeoutSeconds?: number;
  /** @asType integer @default 3 */
  readonly failureThreshold?: number;
}

/** Health checks for the container. */
export interface WorkloadProbes {
  /** @default - a TCP check on the first port, when there is one */
  readonly readiness?: WorkloadProbe;
  /** @default - none */
  readonly liveness?: WorkloadProbe;
  /** @default - none */
  readonly startup?: WorkloadProbe;
}

/** A Linux capability to add, and why. */
export interface CapabilityException {
  /** The capability without the `CAP_` prefix, e.g. `NET_BIND_SERVICE`. */
  readonly capability: string;
  /** Why this workload needs it. Written on the workload as an annotation. */
  readonly reason: string;
}

/** A reason for stepping off the hardened default. */
export interface ReasonedException {
  readonly reason: string;
}

/**
 * Departures from the hardened default. Each one needs a reason and is written on the workload
 * and its pods as a `guardrails.cdk8s.io/exception.*` annotation; those that go beyond the Pod
 * Security level of the namespace are refused.
 */
export interface WorkloadExceptions extends PrivilegedExceptions {
  /** Capabilities to add after dropping ALL. @default - none */
  readonly capabilities?: CapabilityException[];
  /** Run as UID 0 (needs a `baseline` namespace). @default - runs as `runAsUser` */
  readonly runAsRoot?: ReasonedException;
  /** Leave the root filesystem writable. @default - read-only */
  readonly writableRootFilesystem?: ReasonedException;
}

/** What every container of a pod says about itself: the main one, its sidecars and init containers. */
export interface ContainerProps {
  /** Image pinned by digest: `registry/repository[:tag]@sha256:<64 hex>`. */
  readonly image: string;
  /** Overrides the image's entrypoint. @default - the image's */
  readonly command?: string[];
  /** Overrides the image's arguments. @default - the image's */
  readonly args?: string[];
  /** Environment variables, in order. Credentials must be references. @default - none */
  readonly env?: Record<string, EnvValue>;
  /** Secrets or ConfigMaps loaded whole as environment variables. @default - none */
  readonly envFrom?: EnvSource[];
  /** @default - see {@link WorkloadResources} */
  readonly resources?: WorkloadResources;
  /** Writable directories, emptyDirs of the container's own. @default [{ path: '/tmp', sizeLimit: '64Mi' }] */
  readonly writablePaths?: WritablePath[];
}

/**
 * What every hardened workload (Deployment, StatefulSet, Job, CronJob, DaemonSet) says about its
 * pod: the container, its environment, resources, writable paths and probes, the identity it runs
 * as, and the departures from the hardened default it needs; its sidecars and init containers
 * ({@link PodContainersProps}), files ({@link PodFilesProps}) and scheduling ({@link PodSchedulingProps}).
 */
export interface HardenedPodProps extends ContainerProps, PodContainersProps, PodFilesProps, PodSchedulingProps {
  /** The namespace to deploy into; its Pod Security level bounds the exceptions. */
  readonly namespace: ITenantNamespace;
  /** Name of the workload, its container, its ServiceAccount and the objects that go with it (Service, PodDisruptionBudget). @default - the construct id */
  readonly name?: string;
  /** Ports of the main container; with any (or any of a sidecar's), a ClusterIP Service is created. @default - no ports, no Service */
  readonly ports?: WorkloadPort[];
  /** @default - see {@link WorkloadProbes} */
  readonly probes?: WorkloadProbes;
  /** Non-zero UID the container runs as; match it to the image's user (65532 is distroless `nonroot`). @asType integer @default 65532 */
  readonly runAsUser?: number;
  /** Non-zero GID. @asType integer @default 65532 */
  readonly runAsGroup?: number;
  /** Group that owns mounted volumes. @asType integer @default 65532 */
  readonly fsGroup?: number;
  /** @default - none */
  readonly exceptions?: WorkloadExceptions;
  /** Extra labels for every object, e.g. `app.kubernetes.io/part-of`. @default - none */
  readonly labels?: Record<string, string>;
  /**
   * A projected API token for the main container, bound to an audience and a short expiry, mounted
   * read-only at /var/run/secrets/kubernetes.io/serviceaccount (where client-go looks); the legacy
   * token stays off. Its reason is written as the exception `kubernetes-api`. The rights come from
   * RBAC bound to the workload's ServiceAccount (see KubernetesApiAccess).
   * @default - no token
   */
  readonly apiToken?: ApiTokenProps;
}

/** What every hardened workload construct tells about itself, for Services and NetworkPolicies. */
export interface IHardenedWorkload {
  /** Name of the workload and its ServiceAccount. */
  readonly name: string;
  readonly namespace: string;
  /** Labels that select the workload's pods. */
  readonly selector: Record<string, string>;
  /** The ports its pods listen on, the main container's then the sidecars'; empty for a Job or CronJob. */
  readonly ports: readonly WorkloadPort[];
  /** The Pod Security level the pods need, given their exceptions. */
  readonly podSecurityNeeded: PodSecurityLevel;
}

/** What a workload kind allows or adds to the pod, beyond its {@link HardenedPodProps}. */
export interface HardenedPodShape {
  /**
   * Why this kind takes no ports, when it takes none (e.g. a Job, which has no Service).
   * @default - ports are allowed
   */
  readonly noPorts?: string;
  /** The pod's restartPolicy. @default - left out: `Always`, the only one Deployments, StatefulSets and DaemonSets take */
  readonly restartPolicy?: 'Never' | 'OnFailure';
  /**
   * Volumes the workload provides (e.g. a StatefulSet's claims), mounted into the container after
   * the writable paths; `field` is where the user wrote each (its `name` and `mountPath` are
   * refused under it).
   * @default - none
   */
  readonly volumeMounts?: { readonly name: string; readonly mountPath: string; readonly field: string }[];
  /** How many pods run at most (replicas, or an autoscaler's maximum); above one they spread over nodes. @default - one */
  readonly replicas?: number;
}

const DEFAULT_ID = 65532;
const MAX_ID = 2147483647;

/**
 * The one hardened pod of every workload construct: it validates {@link HardenedPodProps},
 * creates the workload's ServiceAccount (no token) in `scope`, and holds the pod template
 * that passes the Pod Security Standards *restricted* profile (or the level its exceptions
 * need, which the namespace must admit) with nothing left to cluster defaults. Not a construct:
 * the workload construct that owns it is `scope`, and its objects are the workload's.
 */
export class HardenedPod {
  /** Name of the workload, its container and its ServiceAccount. */
  public readonly name: string;
  public readonly namespace: string;
  /** Labels that select the pods (for Services, PodDisruptionBudgets and NetworkPolicies). */
  public readonly selector: Record<string, string>;
  /** Labels of every object of the workload: the user's, the selector and `managed-by`. */
  public readonly labels: Record<string, string>;
  /** The pod's ports: the main container's, then each sidecar's (names and numbers unique across them). */
  public readonly ports: WorkloadPort[];
  /** The Pod Security level the pods need, given their exceptions. */
  public readonly podSecurityNeeded: PodSecurityLevel;
  /** The exceptions' annotations, for the workload object and its pods; undefined when there are none. */
  public readonly annotations: Record<string, string> | undefined;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** The pod template: labels, the exceptions' annotations, and the spec. */
  public readonly template: k8s.PodTemplateSpec;

  private readonly scope: Construct;
  /**
   * Ports of native sidecars (init containers): before Kubernetes 1.32 the endpoints controller
   * looks up a named targetPort among the app containers only (kubernetes#127958), so the Service
   * names their number instead.
   */
  private readonly nativeSidecarPorts = new Set<string>();

  constructor(scope: Construct, id: string, props: HardenedPodProps, shape: HardenedPodShape = {}) {
    this.scope = scope;
    this.name = checkDnsLabel(scope, 'name', props.name ?? id);
    if (!props.namespace || typeof props.namespace.name !== 'string') {
      refuse(scope, 'namespace', props.namespace, 'must be a TenantNamespace', 'pass the TenantNamespace this workload runs in');
    }
    this.namespace = props.namespace.name;
    const image = checkImage(scope, props.image);
    // Names and numbers are unique across every container of the pod: one Service serves them all.
    const portKeys = new Set<string>();
    if (shape.noPorts !== undefined && props.ports !== undefined && (!Array.isArray(props.ports) || props.ports.length > 0)) {
      refuse(scope, 'ports', props.ports, shape.noPorts, 'remove ports; callers reach a long-running workload (a Deployment or StatefulSet)');
    }
    const mainPorts = checkPorts(scope, 'ports', props.ports ?? [], portKeys);
    const sidecarPorts = checkSidecarPorts(scope, props, portKeys, shape.noPorts);
    // The pod's ports, the main container's first: the Service and the network rules serve them all.
    this.ports = [...mainPorts, ...sidecarPorts.flat()];
    if (props.sidecarMode === 'native') sidecarPorts.flat().forEach(p => this.nativeSidecarPorts.add(p.name));
    if (props.runAsUser === 0) {
      refuse(scope, 'runAsUser', 0, 'is root', 'run as a non-zero UID that the image supports, or give exceptions.runAsRoot with a reason in a baseline namespace');
    }
    const uid = checkInteger(scope, 'runAsUser', props.runAsUser ?? DEFAULT_ID, 1, MAX_ID);
    const gid = checkInteger(scope, 'runAsGroup', props.runAsGroup ?? DEFAULT_ID, 1, MAX_ID);
    const fsGroup = checkInteger(scope, 'fsGroup', props.fsGroup ?? DEFAULT_ID, 1, MAX_ID);

    const exceptions = checkExceptions(scope, props.exceptions ?? {}, props.namespace, this.ports.length > 0);
    const token = checkApiToken(scope, props.apiToken);
    this.podSecurityNeeded = exceptions.level;
    this.annotations = nonEmpty({ ...exceptions.annotations, ...token?.annotations });
    const tooLarge = token && annotationsSizeProblem(this.annotations!);
    if (tooLarge) refuse(scope, 'apiToken.reason', '<reason>', `with the exceptions' reasons, ${tooLarge}`, 'say why in a sentence or two');
    const runAsRoot = exceptions.annotations[`${EXCEPTION_PREFIX}run-as-root`] !== undefined;
    const readOnlyRoot = exceptions.annotations[`${EXCEPTION_PREFIX}writable-root-filesystem`] === undefined;

    this.selector = { 'app.kubernetes.io/name': this.name };
    this.labels = { ...checkLabels(scope, 'labels', props.labels ?? {}), ...this.selector, ...MANAGED_BY };
    const writable = checkWritablePaths(scope, props.writablePaths ?? [{ path: '/tmp' }]);
    const extraMounts = checkVolumeMounts(scope, shape.volumeMounts ?? [], writable);
    if (token) {
      const clash = [...writable.map(w => ({ name: w.name, path: w.path, field: 'writablePaths' })), ...extraMounts.map(m => ({ name: m.name, path: m.mountPath, field: 'volumeClaimTemplates' }))]
        .find(m => m.path === SERVICE_ACCOUNT_MOUNT || m.name === API_TOKEN_VOLUME);
      if (clash) {
        refuse(scope, clash.field, clash.path, `is where the API token is mounted (${SERVICE_ACCOUNT_MOUNT}, volume ${API_TOKEN_VOLUME})`, 'mount it at another path and give it another name');
      }
    }
    const files = checkPodFiles(scope, props, this.name, containerNames(this.name, props),
      [...writable, ...extraMounts.map(m => ({ name: m.name, path: m.mountPath })), ...token ? [{ name: API_TOKEN_VOLUME, path: SERVICE_ACCOUNT_MOUNT }] : []]);

    this.serviceAccount = new k8s.KubeServiceAccount(scope, 'ServiceAccount', {
      metadata: this.metadata(),
      automountServiceAccountToken: false,
    });
    for (const cm of files.configMaps) {
      new k8s.KubeConfigMap(scope, `ConfigFiles-${cm.name}`, { metadata: { ...this.metadata(), name: cm.name }, data: cm.data });
    }

    const securityContext: k8s.SecurityContext = {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: readOnlyRoot,
      runAsNonRoot: !runAsRoot,
      ...(runAsRoot ? { runAsUser: 0 } : {}),
      capabilities: { drop: ['ALL'], ...(exceptions.capabilities.length ? { add: exceptions.capabilities } : {}) },
      seccompProfile: { type: 'RuntimeDefault' },
    };
    const extra = checkExtraContainers(scope, props, {
      main: this.name, securityContext, runsToCompletion: shape.restartPolicy !== undefined, mounts: files.mounts, ports: sidecarPorts,
      volumeNames: new Set([...writable.map(w => w.name), ...extraMounts.map(m => m.name), ...files.volumes.map(v => v.name), ...token ? [API_TOKEN_VOLUME] : []]),
    });
    const probes = props.probes ?? {};
    const readiness = probes.readiness ?? (mainPorts.length ? { tcpSocket: { port: mainPorts[0].name } } : undefined);

    this.template = withPrivileges(scope, {
      metadata: { labels: this.labels, annotations: files.configMaps.length ? { ...this.annotations, [CONFIG_HASH_ANNOTATION]: configHash(files.configMaps) } : this.annotations },
      spec: {
        serviceAccountName: this.serviceAccount.name,
        automountServiceAccountToken: false,
        // Service links put every Service of the namespace into the environment: noise at best.
        enableServiceLinks: false,
        hostNetwork: false,
        hostPid: false,
        hostIpc: false,
        ...(shape.restartPolicy ? { restartPolicy: shape.restartPolicy } : {}),
        ...podScheduling(scope, props, this.selector, shape.replicas),
        securityContext: {
          runAsNonRoot: !runAsRoot,
          runAsUser: runAsRoot ? 0 : uid,
          runAsGroup: runAsRoot ? 0 : gid,
          fsGroup,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        containers: [{
          name: this.name,
          image,
          imagePullPolicy: 'IfNotPresent',
          ...checkCommandLine(scope, props.command, props.args),
          ports: containerPorts(mainPorts),
          env: checkEnv(scope, props.env ?? {}),
          envFrom: checkEnvFrom(scope, props.envFrom ?? []),
          resources: withExtended(checkResources(scope, props.resources ?? {}), extendedResources(scope, 'resources.extended', props.resources?.extended)),
          securityContext,
          volumeMounts: [...writable.map(w => ({ name: w.name, mountPath: w.path })), ...extraMounts, ...files.mounts.get(this.name) ?? [], ...token ? [token.mount] : []],
          readinessProbe: readiness && toProbe(scope, 'probes.readiness', readiness, mainPorts),
          livenessProbe: probes.liveness && toProbe(scope, 'probes.liveness', probes.liveness, mainPorts),
          startupProbe: probes.startup && toProbe(scope, 'probes.startup', probes.startup, mainPorts),
        }, ...extra.containers],
        ...(extra.initContainers.length ? { initContainers: extra.initContainers } : {}),
        volumes: [...writable.map(w => ({ name: w.name, emptyDir: { sizeLimit: k8s.Quantity.fromString(w.sizeLimit) } })), ...files.volumes, ...extra.volumes, ...token ? [token.volume] : []],
      },
    }, exceptions.privileges);
  }

  /** Metadata for an object of the workload: its name, namespace and labels. */
  public metadata(annotations?: Record<string, string>): k8s.ObjectMeta {
    return { name: this.name, namespace: this.namespace, labels: this.labels, annotations };
  }

  /**
   * A Service in front of the pods' ports, named like the workload: ClusterIP, or headless
   * (`clusterIP: None`, each pod its own DNS name) for a StatefulSet.
   */
  public addService(options: { readonly headless?: boolean } = {}): k8s.KubeService {
    return new k8s.KubeService(this.scope, 'Service', {
      metadata: this.metadata(),
      spec: {
        type: 'ClusterIP',
        ...(options.headless ? { clusterIp: 'None' } : {}),
        selector: this.selector,
        ports: this.ports.map(p => ({
          name: p.name,
          port: p.servicePort ?? p.port,
          targetPort: this.nativeSidecarPorts.has(p.name) ? k8s.IntOrString.fromNumber(p.port) : k8s.IntOrString.fromString(p.name),
          protocol: p.protocol ?? 'TCP',
        })),
      },
    });
  }

  /** A PodDisruptionBudget that lets a voluntary disruption (a node drain) take one pod at a time. */
  public addDisruptionBudget(): k8s.KubePodDisruptionBudget {
    return new k8s.KubePodDisruptionBudget(this.scope, 'DisruptionBudget', {
      metadata: this.metadata(),
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selector } },
    });
  }
}

/**
 * The first 16 hex digits of the sha256 of the pod's generated ConfigMaps, names and data sorted:
 * the same files give the same hash whatever order they were written in, and any change to a
 * name, a file name or a content gives another, which changes the pod template and so rolls
 * the pods (a ConfigMap change alone does not restart them).
 */
export function configHash(configMaps: readonly { readonly name: string; readonly data: Record<string, string> }[]): string {
  const sorted = [...configMaps].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(cm => [cm.name, Object.keys(cm.data).sort().map(k => [k, cm.data[k]])]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

function nonEmpty(record: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(record).length ? record : undefined;
}

export function checkImage(scope: Construct, image: unknown): string {
  const ref = checkString(scope, 'image', image);
  if (!parsePinnedImage(ref)) {
    refuse(scope, 'image', ref, 'is not pinned by digest, so what runs can change without a commit', howToPin(ref));
  }
  return ref;
}

/**
 * The ports at `field`; `seen` holds the names and numbers of the pod's ports checked before
 * (another container's), which these may not repeat.
 */
function checkPorts(scope: Construct, field: string, ports: WorkloadPort[], seen: Set<string>): WorkloadPort[] {
  if (!Array.isArray(ports)) refuse(scope, field, ports, 'must be a list', 'give a list of { name, port }');
  ports.forEach((p, i) => {
    const at = `${field}[${i}]`;
    if (typeof p?.name !== 'string' || portNameProblem(p.name) !== undefined) {
      refuse(scope, `${at}.name`, p?.name, 'must be an IANA service name of at most 15 characters', 'use lower-case letters, digits and "-", e.g. "http"');
    }
    checkInteger(scope, `${at}.port`, p.port, 1, 65535);
    if (p.servicePort !== undefined) checkInteger(scope, `${at}.servicePort`, p.servicePort, 1, 65535);
    if (p.protocol !== undefined && p.protocol !== 'TCP' && p.protocol !== 'UDP') {
      refuse(scope, `${at}.protocol`, p.protocol, 'must be TCP or UDP', 'set protocol to "TCP" or "UDP"');
    }
    const protocol = p.protocol ?? 'TCP';
    for (const key of [`name:${p.name}`, `port:${p.port}/${protocol}`, `service port:${p.servicePort ?? p.port}/${protocol}`]) {
      // Containers of a pod share its network: two cannot listen on one port, and one Service serves all.
      if (seen.has(key)) refuse(scope, at, p, `repeats ${key.replace(':', ' ')} of another port of the pod`, 'give each port of the pod (the main container\'s and the sidecars\') its own name and number');
      seen.add(key);
    }
  });
  return ports;
}

/** Each sidecar's ports, in the order of `sidecars` (malformed sidecars are left to checkExtraContainers). */
function checkSidecarPorts(scope: Construct, props: PodContainersProps, seen: Set<string>, noPorts: string | undefined): WorkloadPort[][] {
  const sidecars: unknown[] = Array.isArray(props.sidecars) ? props.sidecars : [];
  return sidecars.map((c, i) => {
    const ports = (c as SidecarContainer | undefined)?.ports;
    if (ports === undefined) return [];
    if (noPorts !== undefined && (!Array.isArray(ports) || ports.length > 0)) {
      refuse(scope, `sidecars[${i}].ports`, ports, noPorts, 'remove ports; callers reach a long-running workload (a Deployment or StatefulSet)');
    }
    return checkPorts(scope, `sidecars[${i}].ports`, ports, seen);
  });
}

/** A container's `ports`; undefined when it has none. */
export function containerPorts(ports: readonly WorkloadPort[]): k8s.ContainerPort[] | undefined {
  return ports.length ? ports.map(p => ({ name: p.name, containerPort: p.port, protocol: p.protocol ?? 'TCP' })) : undefined;
}

function checkExceptions(scope: Construct, exceptions: WorkloadExceptions, namespace: ITenantNamespace, hasPorts: boolean) {
  const annotations: Record<string, string> = {};
  const capabilities: string[] = [];
  let level: PodSecurityLevel = 'restricted';
  const need = (field: string, value: unknown, needed: PodSecurityLevel) => {
    if (!levelAdmits(namespace.podSecurity, needed)) {
      refuse(scope, field, value,
        `needs Pod Security level "${needed}", but namespace ${namespace.name} enforces "${namespace.podSecurity}"`,
        `remove the exception, or give the namespace podSecurity "${needed}" (its audit and warn labels stay at restricted)`);
    }
    if (!levelAdmits(level, needed)) level = needed;
  };

  (exceptions.capabilities ?? []).forEach((c, i) => {
    const field = `exceptions.capabilities[${i}]`;
    const cap = typeof c?.capability === 'string' ? c.capability.toUpperCase().replace(/^CAP_/, '') : c?.capability;
    if (typeof cap !== 'string' || !(LINUX_CAPABILITIES as readonly string[]).includes(cap)) {
      refuse(scope, `${field}.capability`, c?.capability, 'is not a Linux capability',
        'name one from capabilities(7) without the CAP_ prefix, e.g. "NET_BIND_SERVICE"');
    }
    if (capabilities.includes(cap)) refuse(scope, `${field}.capability`, cap, 'is listed twice', 'list each capability once');
    const reason = checkReason(scope, `${field}.reason`, c.reason);
    need(`${field}.capability`, cap, capabilityLevel(cap));
    capabilities.push(cap);
    annotations[`${EXCEPTION_PREFIX}capability.${cap}`] = reason;
  });
  if (exceptions.runAsRoot !== undefined) {
    const reason = checkReason(scope, 'exceptions.runAsRoot.reason', exceptions.runAsRoot?.reason);
    need('exceptions.runAsRoot', exceptions.runAsRoot, 'baseline');
    annotations[`${EXCEPTION_PREFIX}run-as-root`] = reason;
  }
  if (exceptions.writableRootFilesystem !== undefined) {
    const reason = checkReason(scope, 'exceptions.writableRootFilesystem.reason', exceptions.writableRootFilesystem?.reason);
    annotations[`${EXCEPTION_PREFIX}writable-root-filesystem`] = reason;
  }
  const privileges = checkPrivileges(scope, exceptions, need, annotations, hasPorts);
  const tooLarge = annotationsSizeProblem(annotations);
  if (tooLarge) refuse(scope, 'exceptions', '<reasons>', `reasons ${tooLarge}`, 'say why in a sentence or two');
  return { annotations, capabilities: capabilities.sort(), level, privileges };
}

export function checkEnv(scope: Construct, env: Record<string, EnvValue>): k8s.EnvVar[] | undefined {
  if (typeof env !== 'object' || env === null || Array.isArray(env)) {
    refuse(scope, 'env', env, 'must be a map of name to value', 'write env as { NAME: "value" }');
  }
  const vars = Object.entries(env).map(([name, value]) => {
    const field = `env.${name}`;
    if (portableEnvVarNameProblem(name) !== undefined) refuse(scope, field, name, 'is not a valid variable name', 'use letters, digits and "_", not starting with a digit');
    if (typeof value === 'string') {
      const held = credentialInValue(value);
      const found = looksLikeCredential(name) ? 'looks like a credential' : held && `holds ${held}`;
      if (found) {
        refuse(scope, field, '<redacted>', `${found} but is a literal that would be committed to Git`,
          `take it from a Secret: ${name}: { secretKeyRef: { name: "<secret>", key: "<key>" } }`);
      }
      return { name, value };
    }
    const refs = ['secretKeyRef', 'configMapKeyRef'] as const;
    const kinds = refs.filter(r => value?.[r] !== undefined);
    if (kinds.length !== 1) {
      // Only the keys: the value may be a credential written in the wrong shape.
      const shape = typeof value === 'object' && value !== null ? Object.keys(value) : typeof value;
      refuse(scope, field, shape, 'must be a string or exactly one of secretKeyRef and configMapKeyRef',
        `write ${name}: "value" or ${name}: { secretKeyRef: { name: "<secret>", key: "<key>" } }`);
    }
    if (kinds[0] === 'configMapKeyRef' && looksLikeCredential(name)) {
      refuse(scope, field, value, 'looks like a credential but comes from a ConfigMap, which is neither encrypted nor access-controlled like a Secret',
        `take it from a Secret: ${name}: { secretKeyRef: { name: "<secret>", key: "<key>" } }`);
    }
    const ref = value[kinds[0]]!;
    checkDnsLabel(scope, `${field}.${kinds[0]}.name`, ref.name, 253);
    checkString(scope, `${field}.${kinds[0]}.key`, ref.key);
    return { name, valueFrom: { [kinds[0]]: { name: ref.name, key: ref.key } } };
  });
  return vars.length ? vars : undefined;
}

/** The container's command and args, refusing literal credentials in them (see {@link credentialsInArgv}). */
export function checkCommandLine(scope: Construct, command: string[] | undefined, args: string[] | undefined) {
  const checked = {
    command: command?.map((c, i) => checkString(scope, `command[${i}]`, c)),
    args: args?.map((a, i) => checkString(scope, `args[${i}]`, a, true)),
  };
  const fields = [...(checked.command ?? []).map((_, i) => `command[${i}]`), ...(checked.args ?? []).map((_, i) => `args[${i}]`)];
  const [first] = credentialsInArgv([...checked.command ?? [], ...checked.args ?? []]);
  if (first) {
    refuse(scope, fields[first.index], '<redacted>', `holds ${first.what}, which would be committed to Git`,
      'put the credential in a Secret, take it into an environment variable with secretKeyRef and refer to it: "--password=$(DB_PASSWORD)"');
  }
  return checked;
}

export function checkEnvFrom(scope: Construct, sources: EnvSource[]): k8s.EnvFromSource[] | undefined {
  const out = sources.map((s, i) => {
    const set = (['secretRef', 'configMapRef'] as const).filter(k => s?.[k] !== undefined);
    if (set.length !== 1) {
      refuse(scope, `envFrom[${i}]`, s, 'must name exactly one of secretRef and configMapRef', 'write { secretRef: "<secret name>" }');
    }
    const name = checkDnsLabel(scope, `envFrom[${i}].${set[0]}`, s[set[0]], 253);
    return { [set[0]]: { name } };
  });
  return out.length ? out : undefined;
}

export function checkResources(scope: Construct, r: WorkloadResources): k8s.ResourceRequirements {
  const q = (field: keyof WorkloadResources, fallback?: string) => {
    const v = r[field] ?? fallback;
    return v === undefined ? undefined : k8s.Quantity.fromString(checkQuantity(scope, `resources.${field}`, v));
  };
  const cpuLimit = q('cpuLimit');
  for (const [request, limit] of [['memoryRequest', 'memoryLimit'], ['cpuRequest', 'cpuLimit']] as const) {
    const req = q(request, request === 'memoryRequest' ? '128Mi' : '100m')!;
    const lim = q(limit, limit === 'memoryLimit' ? '256Mi' : undefined);
    if (lim && quantityValue(req.value)! > quantityValue(lim.value)!) {
      refuse(scope, `resources.${request}`, req.value, `is above resources.${limit} (${lim.value}), which Kubernetes rejects`,
        `raise resources.${limit} or lower resources.${request}`);
    }
  }
  return {
    requests: { cpu: q('cpuRequest', '100m')!, memory: q('memoryRequest', '128Mi')! },
    limits: { memory: q('memoryLimit', '256Mi')!, ...(cpuLimit ? { cpu: cpuLimit } : {}) },
  };
}

/** Largest emptyDir a writable path may have: it is node disk, shared by every pod of the node. */
export const MAX_WRITABLE_SIZE = '10Gi';

/** An absolute path below `/`, written the one way ("/var/run/", "/var//run" and "/var/run" are one directory). */
export function checkAbsolutePath(scope: Construct, field: string, value: unknown): string {
  const raw = checkString(scope, field, value);
  if (!/^\/[A-Za-z0-9._/-]+$/.test(raw) || raw.split('/').some(part => part === '..' || part === '.')) {
    refuse(scope, field, raw, 'must be an absolute path below /', 'write it like "/tmp" or "/var/cache/nginx"');
  }
  return raw.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}

export function checkWritablePaths(scope: Construct, paths: WritablePath[]) {
  const seenPaths = new Set<string>();
  const names = new Set<string>();
  return paths.map((w, i) => {
    const field = `writablePaths[${i}]`;
    const raw = w?.path;
    const path = checkAbsolutePath(scope, `${field}.path`, raw);
    if (seenPaths.has(path)) refuse(scope, `${field}.path`, raw, 'is listed twice', 'list each path once');
    seenPaths.add(path);
    let name = path.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 50).replace(/^-+|-+$/g, '');
    if (name === '') refuse(scope, `${field}.path`, raw, 'names no directory', 'name the directory to make writable, e.g. "/tmp"');
    // Different paths can spell the same volume name ("/var/run" and "/var-run"): tell them apart.
    if (names.has(name)) name = `${name.slice(0, 41)}-${createHash('sha256').update(path).digest('hex').slice(0, 8)}`;
    names.add(name);
    const sizeLimit = checkQuantity(scope, `${field}.sizeLimit`, w.sizeLimit ?? '64Mi');
    const size = quantityValue(sizeLimit)!;
    if (size <= 0 || size > quantityValue(MAX_WRITABLE_SIZE)!) {
      refuse(scope, `${field}.sizeLimit`, sizeLimit, `must be more than 0 and at most ${MAX_WRITABLE_SIZE} (an emptyDir is the node's disk)`,
        `set a size such as "64Mi"; for more, use a PersistentVolumeClaim`);
    }
    return { path, name: `writable-${name}`, sizeLimit };
  });
}

export function toProbe(scope: Construct, field: string, p: WorkloadProbe, ports: WorkloadPort[]): k8s.Probe {
  const kinds = (['httpGet', 'tcpSocket', 'exec'] as const).filter(k => p?.[k] !== undefined);
  if (kinds.length !== 1) refuse(scope, field, p, 'must have exactly one of httpGet, tcpSocket and exec', 'e.g. { httpGet: { path: "/healthz", port: "http" } }');
  const port = (v: string | number) => {
    const at = `${field}.${p.httpGet ? 'httpGet' : 'tcpSocket'}.port`;
    if (typeof v === 'number') return k8s.IntOrString.fromNumber(checkInteger(scope, at, v, 1, 65535));
    if (!ports.some(p => p.name === v)) {
      refuse(scope, at, v, 'names no port of this workload', `use one of ${ports.map(p => `"${p.name}"`).join(', ') || 'its port numbers (it declares no ports)'}`);
    }
    return k8s.IntOrString.fromString(v);
  };
  const timing = {
    initialDelaySeconds: checkInteger(scope, `${field}.initialDelaySeconds`, p.initialDelaySeconds ?? 0, 0, 3600),
    periodSeconds: checkInteger(scope, `${field}.periodSeconds`, p.periodSeconds ?? 10, 1, 3600),
    timeoutSeconds: checkInteger(scope, `${field}.timeoutSeconds`, p.timeoutSeconds ?? 1, 1, 3600),
    failureThreshold: checkInteger(scope, `${field}.failureThreshold`, p.failureThreshold ?? 3, 1, 100),
  };
  if (p.httpGet) return { httpGet: { path: checkString(scope, `${field}.httpGet.path`, p.httpGet.path), port: port(p.httpGet.port) }, ...timing };
  if (p.tcpSocket) return { tcpSocket: { port: port(p.tcpSocket.port) }, ...timing };
  return { exec: { command: p.exec!.command.map((c, i) => checkString(scope, `${field}.exec.command[${i}]`, c)) }, ...timing };
}

/** The workload's own volume mounts, refused where they would shadow a writable path or reuse its volume's name. */
function checkVolumeMounts(scope: Construct, mounts: NonNullable<HardenedPodShape['volumeMounts']>, writable: { path: string; name: string }[]) {
  const paths = new Set(writable.map(w => w.path));
  const names = new Set(writable.map(w => w.name));
  return mounts.map(m => {
    const path = checkAbsolutePath(scope, `${m.field}.mountPath`, m.mountPath);
    if (path === '/') refuse(scope, `${m.field}.mountPath`, m.mountPath, 'is the root directory', 'mount the volume at a directory of its own, e.g. "/data"');
    if (paths.has(path)) refuse(scope, `${m.field}.mountPath`, m.mountPath, 'is also a writable path or another volume\'s mount',
      'mount each volume at a path of its own, not one listed in writablePaths');
    if (names.has(m.name)) refuse(scope, `${m.field}.name`, m.name, 'is the name of a writable path\'s volume', 'give the volume a name that does not start with "writable-"');
    paths.add(path);
    names.add(m.name);
    return { name: m.name, mountPath: path };
  });
}
