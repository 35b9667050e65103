import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { GuardrailError, refuse } from '../policy/errors';
import { checkDnsLabel, checkOneOf } from './validate';
import type { ContainerProps, WorkloadPort, WorkloadProbes } from './hardened-pod';
import { checkCommandLine, checkEnv, checkEnvFrom, checkImage, checkResources, checkWritablePaths, containerPorts, toProbe } from './hardened-pod';
import { extendedResources, withExtended } from './pod-scheduling';

/**
 * A container of the pod besides the main one: an init container or a sidecar. It is held to the
 * main container's rules: its own image pinned by digest, the main container's security context
 * (without added capabilities: those are the main container's), requests and a memory limit
 * (the same defaults), a read-only root with its own writable paths, and no literal credential in
 * its command, args or env.
 */
export interface ExtraContainer extends ContainerProps {
  /** A DNS label, unique among the pod's containers (the main one is named like the workload). */
  readonly name: string;
}

/** A container that runs beside the main one for the pod's life (a proxy, a log shipper). */
export interface SidecarContainer extends ExtraContainer {
  /**
   * Ports the sidecar listens on (an authenticating proxy, a metrics exporter). Like the main
   * container's, they join the workload's Service and its network rules (callers, calls, ingress);
   * names and numbers are unique across every container of the pod.
   * @default - none
   */
  readonly ports?: WorkloadPort[];
  /** Health checks; ports by number or by the name of one of the sidecar's own ports. @default - none */
  readonly probes?: WorkloadProbes;
}

/**
 * How sidecars run. `native`: init containers with `restartPolicy: Always` (Kubernetes native
 * sidecars), started before the init containers and the main one, stopped after it, and not
 * holding up a Job's completion; the SidecarContainers feature is beta, on by default, from
 * Kubernetes 1.29 (on 1.28 it is alpha: without the feature gate the API server drops
 * `restartPolicy` and the pod never starts). `container`: plain containers beside the main one,
 * which works on every version but would keep a Job's pod running for ever (so refused there).
 */
export type SidecarMode = 'container' | 'native';

/** The container props of a pod; see {@link HardenedPodProps}. */
export interface PodContainersProps {
  /** Containers that run beside the main one. @default - none */
  readonly sidecars?: SidecarContainer[];
  /** How sidecars run; see {@link SidecarMode}. @default 'container' (works on Kubernetes 1.28) */
  readonly sidecarMode?: SidecarMode;
  /** Containers that run to completion, one after the other, before the main one starts. @default - none */
  readonly initContainers?: ExtraContainer[];
}

/** The checked extra containers: where they go in the pod spec, and their writable volumes. */
export interface PodContainers {
  readonly initContainers: k8s.Container[];
  readonly containers: k8s.Container[];
  readonly volumes: k8s.Volume[];
}

/** Names of every container of the pod, as written: the main one first. */
export function containerNames(main: string, props: PodContainersProps): string[] {
  const names = (list: unknown) => (Array.isArray(list) ? list.map(c => c?.name) : []);
  return [main, ...names(props.sidecars), ...names(props.initContainers)];
}

/**
 * Checks `sidecars` and `initContainers`. Native sidecars come first among the init containers,
 * so that the init containers can use them (a proxy, say). `volumeNames` holds the pod's volume
 * names; each container's writable volume (`<container>-writable-<path>`) must be new to it.
 */
export function checkExtraContainers(scope: Construct, props: PodContainersProps, pod: {
  readonly main: string;
  readonly securityContext: k8s.SecurityContext;
  /** The pod runs to completion (a Job's): a plain sidecar would keep it running. */
  readonly runsToCompletion: boolean;
  readonly volumeNames: Set<string>;
  /** Read-only file mounts by container name. */
  readonly mounts: ReadonlyMap<string, k8s.VolumeMount[]>;
  /** Each sidecar's ports, checked by the pod (unique across its containers), in the order of `sidecars`. @default - none */
  readonly ports?: readonly (readonly WorkloadPort[])[];
}): PodContainers {
  const mode = checkOneOf(scope, 'sidecarMode', props.sidecarMode ?? 'container', ['container', 'native'] as const);
  const sidecars = list(scope, 'sidecars', props.sidecars);
  const inits = list(scope, 'initContainers', props.initContainers);
  if (sidecars.length && mode === 'container' && pod.runsToCompletion) {
    refuse(scope, 'sidecarMode', mode, 'runs sidecars as plain containers, which would keep the pod of this Job running after its work is done',
      'set sidecarMode "native" (Kubernetes 1.29 or later), or do the sidecar\'s work in the main container');
  }
  const names = new Set([pod.main]);
  const volumes: k8s.Volume[] = [];
  const securityContext = { ...pod.securityContext, capabilities: { drop: ['ALL'] } };
  const build = (field: string, c: SidecarContainer, sidecar: boolean, ports: readonly WorkloadPort[]): k8s.Container => {
    if (!sidecar && (c as { ports?: unknown } | undefined)?.ports !== undefined) {
      refuse(scope, `${field}.ports`, c.ports, 'is set on an init container, which runs to completion before the pod is ready, so no Service or caller could reach it',
        'move the container to sidecars (with sidecarMode "native" it still starts before the init containers), or remove ports');
    }
    const name = checkDnsLabel(scope, `${field}.name`, c?.name);
    if (names.has(name)) refuse(scope, `${field}.name`, name, 'is the name of another container of the pod', 'give each container its own name (the main one is named like the workload)');
    names.add(name);
    const writable = within(field, () => checkWritablePaths(scope, c.writablePaths ?? [{ path: '/tmp' }])).map(w => {
      let volume = `${name}-${w.name}`;
      if (volume.length > 63) volume = `${volume.slice(0, 54)}-${createHash('sha256').update(volume).digest('hex').slice(0, 8)}`;
      if (pod.volumeNames.has(volume)) refuse(scope, `${field}.writablePaths`, w.path, `makes the volume name "${volume}", which another volume of the pod has`, 'rename the container');
      pod.volumeNames.add(volume);
      volumes.push({ name: volume, emptyDir: { sizeLimit: k8s.Quantity.fromString(w.sizeLimit) } });
      return { name: volume, mountPath: w.path };
    });
    const probes = sidecar ? c.probes ?? {} : {};
    const files = pod.mounts.get(name) ?? [];
    for (const m of files) {
      if (writable.some(w => w.mountPath === m.mountPath)) refuse(scope, `${field}.writablePaths`, m.mountPath, 'is also where a file volume is mounted in this container', 'mount each at a path of its own');
    }
    return within(field, () => ({
      name,
      image: checkImage(scope, c.image),
      imagePullPolicy: 'IfNotPresent',
      ...(sidecar && mode === 'native' ? { restartPolicy: 'Always' } : {}),
      ...checkCommandLine(scope, c.command, c.args),
      env: checkEnv(scope, c.env ?? {}),
      envFrom: checkEnvFrom(scope, c.envFrom ?? []),
      resources: withExtended(checkResources(scope, c.resources ?? {}), extendedResources(scope, 'resources.extended', c.resources?.extended)),
      ports: containerPorts(ports),
      securityContext,
      volumeMounts: [...writable, ...files],
      readinessProbe: probes.readiness && toProbe(scope, 'probes.readiness', probes.readiness, [...ports]),
      livenessProbe: probes.liveness && toProbe(scope, 'probes.liveness', probes.liveness, [...ports]),
      startupProbe: probes.startup && toProbe(scope, 'probes.startup', probes.startup, [...ports]),
    }));
  };
  const side = sidecars.map((c, i) => build(`sidecars[${i}]`, c, true, pod.ports?.[i] ?? []));
  const init = inits.map((c, i) => build(`initContainers[${i}]`, c, false, []));
  return mode === 'native'
    ? { initContainers: [...side, ...init], containers: [], volumes }
    : { initContainers: init, containers: side, volumes };
}

function list(scope: Construct, field: string, value: unknown): any[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) refuse(scope, field, value, 'must be a list', `give ${field} as a list of { name, image }`);
  return value;
}

/** Runs a check written for the main container, naming the extra container's field in its refusal. */
function within<T>(prefix: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (!(e instanceof GuardrailError)) throw e;
    const err = new GuardrailError(e.path, `${prefix}.${e.field}`, e.value, e.problem, e.fix.split(e.field).join(`${prefix}.${e.field}`));
    err.stack = e.stack;
    throw err;
  }
}
