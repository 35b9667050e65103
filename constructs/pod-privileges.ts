import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { EXCEPTION_PREFIX } from '../policy/annotations';
import { refuse } from '../policy/errors';
import { effectivePodSecurityMinor, POD_SECURITY_VERSION, PodSecurityLevel, safeSysctls } from '../policy/pod-security';
import type { ReasonedException } from './hardened-pod';
import { checkOneOf, checkReason, checkString } from './validate';

/**
 * The privileged controls of a hardened pod: each one a reasoned exception of its own
 * (`exceptions.privileged`, `hostNetwork`, `hostPID`, `hostPaths`, `devices`, `sysctls`,
 * `unmaskedProcMount`), each allowed only where the namespace's Pod Security level admits it, and
 * each written on the workload and its pods as the `guardrails.cdk8s.io/exception.pod-security.<control>`
 * annotation that the gate's `pod-security.reasoned` rule asks for. A construct never emits one of
 * these fields without its exception.
 *
 * | exception           | pod spec                                                      | needs      | annotation(s) `exception.pod-security.*` |
 * |---------------------|---------------------------------------------------------------|------------|------------------------------------------|
 * | `privileged`        | container `privileged: true`, `allowPrivilegeEscalation: true` | privileged | `privileged`, `privilege-escalation`     |
 * | `hostNetwork`       | `hostNetwork: true`, `dnsPolicy: ClusterFirstWithHostNet`, each port's `hostPort` = its port | privileged | `host-namespaces` (+ `host-ports` with ports) |
 * | `hostPID`           | `hostPID: true`                                               | privileged | `host-namespaces`                        |
 * | `hostPaths`         | a read-only hostPath volume per path                          | privileged | `host-path`                              |
 * | `devices`           | a hostPath volume of type CharDevice or Directory under /dev  | privileged (and `exceptions.privileged`) | `host-path` |
 * | `sysctls` (unsafe)  | pod `securityContext.sysctls`                                 | privileged | `sysctls`                                |
 * | `sysctls` (safe)    | pod `securityContext.sysctls`                                 | restricted | none                                     |
 * | `unmaskedProcMount` | container `procMount: Unmasked`, pod `hostUsers: false`       | privileged | `proc-mount`                             |
 *
 * When several exceptions share one annotation (hostNetwork and hostPID share host-namespaces;
 * host paths and devices share host-path), each keeps its own reason and the annotation joins
 * them, `hostNetwork: <reason>; hostPID: <reason>`; one alone is its reason as written.
 */

/** A read-only directory or file of the node, and why the pod reads it. */
export interface HostPathException {
  /**
   * Absolute path on the node, e.g. `/proc/sys`. Refused: `/`, relative paths and `..`, and any
   * path that is, lies under or contains one of {@link DENIED_HOST_PATHS} (the node's
   * configuration, home directories, the container runtime's sockets and state, the kubelet's
   * directory with every pod's Secrets); devices go in `devices`.
   */
  readonly path: string;
  /** Where the container sees it. @default '/host{path}', e.g. `/host/proc/sys` */
  readonly mountPath?: string;
  /** What must be at `path` on the node, or the pod does not start. @default 'Directory' */
  readonly type?: 'Directory' | 'File';
  /** Why this workload reads it. */
  readonly reason: string;
}

/** A device of the node, e.g. a GPU's `/dev/dri`, and why the pod uses it. */
export interface DeviceException {
  /** The device, or a directory of devices, under `/dev`, e.g. `/dev/dri` or `/dev/rga`. */
  readonly path: string;
  /** @default 'CharDevice' */
  readonly type?: 'CharDevice' | 'Directory';
  /** Why this workload uses it. */
  readonly reason: string;
}

/** A kernel parameter of the pod's namespaces, and why. */
export interface SysctlException {
  /**
   * A namespaced sysctl, written with dots: `net.*`, `kernel.shm*`, `kernel.msg*`, `kernel.sem`
   * or `fs.mqueue.*` (others are the node's, not the pod's).
   */
  readonly name: string;
  readonly value: string;
  /** Why: required for an unsafe sysctl (one Pod Security baseline does not list). @default - none; only a safe sysctl may go without */
  readonly reason?: string;
}

/**
 * Node paths no hostPath may be, lie under or contain (so `/var` and `/run` are refused too): the
 * node's configuration and boot files, home directories, the container runtimes' sockets and
 * state (whoever reaches them runs any container), the kubelet's directory (every pod's Secrets
 * and tokens) and etcd's data. `/dev` is for `devices`. A symlink on the node is followed, which
 * no check here can see: name the real path.
 */
export const DENIED_HOST_PATHS = [
  '/etc', '/root', '/home', '/boot', '/dev',
  '/var/run/docker.sock', '/run/docker.sock', '/var/lib/docker',
  '/run/containerd', '/var/run/containerd', '/var/lib/containerd',
  '/run/crio', '/var/run/crio', '/var/lib/containers',
  '/var/lib/kubelet', '/var/lib/etcd',
] as const;

/** Devices that give the whole node's memory or I/O ports, whatever else the pod is refused. */
const DENIED_DEVICES = ['/dev/mem', '/dev/kmem', '/dev/port'];

/** Where the runtime mounts its own filesystems in a container: a hostPath mounted there would shadow them. */
const RUNTIME_MOUNTS = ['/proc', '/sys', '/dev'];

/** Sysctl name grammar (k8s.io/kubernetes pkg/apis/core/validation IsValidSysctlName), dots only. */
const SYSCTL_NAME = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
/** Sysctls the kubelet lets a pod set: those of its IPC and network namespaces (kubelet sysctl namespace.go). */
const NAMESPACED_SYSCTL = /^(kernel\.sem$|kernel\.shm|kernel\.msg|fs\.mqueue\.|net\.)/;

/** What the privileged exceptions add to the pod; empty fields add nothing. */
export interface PodPrivileges {
  readonly privileged: boolean;
  readonly hostNetwork: boolean;
  readonly hostPID: boolean;
  readonly unmaskedProcMount: boolean;
  readonly sysctls: k8s.Sysctl[];
  readonly volumes: k8s.Volume[];
  readonly volumeMounts: k8s.VolumeMount[];
}

/**
 * The privileged exceptions of a pod (part of `exceptions`): each needs a namespace whose Pod
 * Security level is `privileged`, and is written on the workload and its pods as
 * `guardrails.cdk8s.io/exception.pod-security.<control>`.
 */
export interface PrivilegedExceptions {
  /**
   * Run the container privileged: every capability and device of the node. Also sets
   * `allowPrivilegeEscalation: true` (the API server refuses privileged without it), so it writes
   * the exceptions `pod-security.privileged` and `pod-security.privilege-escalation`. It does not
   * make the process root (see `runAsRoot`). @default - not privileged
   */
  readonly privileged?: ReasonedException;
  /**
   * Use the node's network namespace (`dnsPolicy` becomes `ClusterFirstWithHostNet`, and each
   * port a host port, as the API server would make it): `pod-security.host-namespaces`, and
   * `pod-security.host-ports` when there are ports. @default - the pod's own network
   */
  readonly hostNetwork?: ReasonedException;
  /** See the node's processes: `pod-security.host-namespaces`. @default - the pod's own PID namespace */
  readonly hostPID?: ReasonedException;
  /** Read-only directories or files of the node: `pod-security.host-path`. @default - none */
  readonly hostPaths?: HostPathException[];
  /** Devices of the node, mounted at the same path; needs `privileged` too: `pod-security.host-path`. @default - none */
  readonly devices?: DeviceException[];
  /**
   * Sysctls of the pod's namespaces. The safe ones (Pod Security baseline's list at the
   * namespace's version) need nothing; any other needs a reason (`pod-security.sysctls`) and the
   * nodes' kubelets must allow it (`--allowed-unsafe-sysctls`), or the pod is refused there.
   * @default - none
   */
  readonly sysctls?: SysctlException[];
  /**
   * `procMount: Unmasked`: the container's /proc without the runtime's masks
   * (`pod-security.proc-mount`). Kubernetes admits it only in a pod with its own user namespace,
   * so the pod gets `hostUsers: false` (hence not with hostNetwork or hostPID), and the cluster
   * needs the ProcMountType and UserNamespacesSupport feature gates (alpha in 1.28; without them
   * the API server drops the fields). @default - the masked /proc
   */
  readonly unmaskedProcMount?: ReasonedException;
}

type Need = (field: string, value: unknown, needed: PodSecurityLevel) => void;

/**
 * Checks the privileged exceptions: each needs its reason and the level it needs (through
 * `need`, which refuses what the namespace does not admit), and writes its annotation into
 * `annotations`. `hasPorts` says whether the pod declares ports (hostNetwork makes them host ports).
 */
export function checkPrivileges(scope: Construct, exceptions: PrivilegedExceptions, need: Need,
  annotations: Record<string, string>, hasPorts: boolean): PodPrivileges {
  const reasons = new Map<string, { label: string; reason: string }[]>();
  const add = (control: string, label: string, reason: string) => {
    const key = `${EXCEPTION_PREFIX}pod-security.${control}`;
    reasons.set(key, [...reasons.get(key) ?? [], { label, reason }]);
  };
  const reasoned = (key: 'privileged' | 'hostNetwork' | 'hostPID' | 'unmaskedProcMount'): string | undefined => {
    const e = exceptions[key];
    if (e === undefined) return undefined;
    const reason = checkReason(scope, `exceptions.${key}.reason`, e?.reason);
    need(`exceptions.${key}`, e, 'privileged');
    return reason;
  };

  const privileged = reasoned('privileged');
  if (privileged !== undefined) {
    add('privileged', 'privileged', privileged);
    // The API server refuses privileged with allowPrivilegeEscalation false: a privileged container always can.
    add('privilege-escalation', 'privileged', privileged);
  }
  const hostNetwork = reasoned('hostNetwork');
  if (hostNetwork !== undefined) {
    add('host-namespaces', 'hostNetwork', hostNetwork);
    // With the node's network, the API server makes every container port a host port.
    if (hasPorts) add('host-ports', 'hostNetwork', hostNetwork);
  }
  const hostPID = reasoned('hostPID');
  if (hostPID !== undefined) add('host-namespaces', 'hostPID', hostPID);
  const procMount = reasoned('unmaskedProcMount');
  if (procMount !== undefined) {
    if (hostNetwork !== undefined || hostPID !== undefined) {
      refuse(scope, 'exceptions.unmaskedProcMount', exceptions.unmaskedProcMount,
        'needs the pod\'s own user namespace (hostUsers: false), which the API server refuses together with hostNetwork or hostPID',
        'remove unmaskedProcMount, or hostNetwork and hostPID');
    }
    add('proc-mount', 'unmaskedProcMount', procMount);
  }

  const volumes: k8s.Volume[] = [];
  const volumeMounts: k8s.VolumeMount[] = [];
  const names = new Set<string>();
  const mountPaths = new Set<string>();
  const volumeName = (prefix: string, path: string) => {
    let name = `${prefix}-${path.replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/^-+|-+$/g, '')}`.slice(0, 63).replace(/-+$/, '');
    if (names.has(name)) name = `${name.slice(0, 54)}-${createHash('sha256').update(path).digest('hex').slice(0, 8)}`;
    names.add(name);
    return name;
  };
  const mountAt = (field: string, raw: unknown, path: string) => {
    if (mountPaths.has(path)) refuse(scope, field, raw, 'is also the mount path of another host path or device', 'mount each at a path of its own');
    mountPaths.add(path);
  };

  const hostPaths = listOf<HostPathException>(scope, 'exceptions.hostPaths', exceptions.hostPaths);
  const seen = new Set<string>();
  hostPaths.forEach((h, i) => {
    const field = `exceptions.hostPaths[${i}]`;
    const path = checkHostPath(scope, `${field}.path`, h?.path);
    if (seen.has(path)) refuse(scope, `${field}.path`, h.path, 'is listed twice', 'list each host path once');
    seen.add(path);
    const type = checkOneOf(scope, `${field}.type`, h.type ?? 'Directory', ['Directory', 'File'] as const);
    const mountPath = h.mountPath === undefined ? `/host${path}` : absolutePath(scope, `${field}.mountPath`, h.mountPath);
    if (mountPath === '/' || RUNTIME_MOUNTS.some(r => within(mountPath, r))) {
      refuse(scope, `${field}.mountPath`, h.mountPath, `would cover the container's own ${mountPath === '/' ? 'root filesystem' : RUNTIME_MOUNTS.find(r => within(mountPath, r))}`,
        `mount it under a directory of its own, e.g. "/host${path}" (the default)`);
    }
    mountAt(`${field}.mountPath`, h.mountPath ?? mountPath, mountPath);
    const reason = checkReason(scope, `${field}.reason`, h.reason);
    need(`${field}.path`, path, 'privileged');
    add('host-path', path, reason);
    const name = volumeName('host', path);
    volumes.push({ name, hostPath: { path, type } });
    volumeMounts.push({ name, mountPath, readOnly: true });
  });

  const devices = listOf<DeviceException>(scope, 'exceptions.devices', exceptions.devices);
  devices.forEach((d, i) => {
    const field = `exceptions.devices[${i}]`;
    const path = absolutePath(scope, `${field}.path`, d?.path);
    if (!within(path, '/dev') || path === '/dev') {
      refuse(scope, `${field}.path`, d.path, 'is not a device under /dev', 'name the device or its directory, e.g. "/dev/dri"; other node paths go in hostPaths');
    }
    if (DENIED_DEVICES.some(x => within(path, x))) {
      refuse(scope, `${field}.path`, d.path, 'gives the node\'s physical memory or I/O ports', 'name the device the workload uses, e.g. "/dev/dri"');
    }
    if (seen.has(path)) refuse(scope, `${field}.path`, d.path, 'is listed twice', 'list each device once');
    seen.add(path);
    const type = checkOneOf(scope, `${field}.type`, d.type ?? 'CharDevice', ['CharDevice', 'Directory'] as const);
    const reason = checkReason(scope, `${field}.reason`, d.reason);
    if (privileged === undefined) {
      refuse(scope, `${field}.path`, d.path,
        'is a device, which the container\'s device cgroup lets an unprivileged container see but not open',
        'add exceptions.privileged with its reason too, or ask for the device through its device plugin (resources.extended, e.g. { "gpu.intel.com/i915": 1 })');
    }
    need(`${field}.path`, path, 'privileged');
    mountAt(`${field}.path`, d.path, path);
    add('host-path', path, reason);
    const name = volumeName('device', path);
    volumes.push({ name, hostPath: { path, type } });
    // readOnly stops changes to the directory (no new device nodes); reading and writing the device itself still work.
    volumeMounts.push({ name, mountPath: path, readOnly: true });
  });

  const sysctls = checkSysctls(scope, listOf<SysctlException>(scope, 'exceptions.sysctls', exceptions.sysctls), need, add, hostNetwork !== undefined);

  for (const [key, entries] of reasons) {
    const distinct = [...new Set(entries.map(e => e.reason))];
    annotations[key] = distinct.length === 1 && entries.length === 1 ? distinct[0]
      : entries.map(e => `${e.label}: ${e.reason}`).join('; ');
  }
  return {
    privileged: privileged !== undefined, hostNetwork: hostNetwork !== undefined, hostPID: hostPID !== undefined,
    unmaskedProcMount: procMount !== undefined, sysctls, volumes, volumeMounts,
  };
}

function checkSysctls(scope: Construct, list: SysctlException[], need: Need, add: (control: string, label: string, reason: string) => void, hostNetwork: boolean): k8s.Sysctl[] {
  const safe = new Set(safeSysctls(effectivePodSecurityMinor(POD_SECURITY_VERSION)));
  const seen = new Set<string>();
  return list.map((s, i) => {
    const field = `exceptions.sysctls[${i}]`;
    const name = checkString(scope, `${field}.name`, s?.name);
    if (name.length > 253 || !SYSCTL_NAME.test(name)) {
      refuse(scope, `${field}.name`, name, 'is not a sysctl name', 'write it with dots, in lower case, e.g. "net.core.somaxconn"');
    }
    if (!NAMESPACED_SYSCTL.test(name)) {
      refuse(scope, `${field}.name`, name, 'is not namespaced (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*): it is the whole node\'s, and the kubelet refuses the pod',
        'set it on the node (its image or configuration), not in a pod');
    }
    if (hostNetwork && name.startsWith('net.')) {
      refuse(scope, `${field}.name`, name, 'is a network sysctl, which the kubelet refuses with hostNetwork (it would set the node\'s)',
        'remove the sysctl or hostNetwork');
    }
    if (seen.has(name)) refuse(scope, `${field}.name`, name, 'is listed twice', 'list each sysctl once');
    seen.add(name);
    const value = checkString(scope, `${field}.value`, s.value);
    if (/[\n\r\0]/.test(value)) refuse(scope, `${field}.value`, value, 'runs over more than one line', 'give the value on one line, e.g. "1024"');
    if (!safe.has(name)) {
      const reason = checkReason(scope, `${field}.reason`, s.reason);
      need(`${field}.name`, name, 'privileged');
      add('sysctls', name, reason);
    } else if (s.reason !== undefined) {
      checkReason(scope, `${field}.reason`, s.reason);
    }
    return { name, value };
  });
}

function listOf<T>(scope: Construct, field: string, value: unknown): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) refuse(scope, field, value, 'must be a list', `write ${field} as a list, e.g. [{ path: "/proc/sys", reason: "..." }]`);
  return value as T[];
}

/** `path` is `root` or lies under it. */
function within(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

/** An absolute path, `..`-free, written the one way; `/` itself is allowed here (and refused by the callers). */
function absolutePath(scope: Construct, field: string, value: unknown): string {
  const raw = checkString(scope, field, value);
  if (!/^\/[A-Za-z0-9._/-]*$/.test(raw) || raw.split('/').some(part => part === '..' || part === '.')) {
    refuse(scope, field, raw, 'must be an absolute path without "." or ".." segments', 'write it like "/proc/sys"');
  }
  return raw.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}

/** A node path a hostPath may mount: absolute, not `/`, and clear of {@link DENIED_HOST_PATHS}. */
function checkHostPath(scope: Construct, field: string, value: unknown): string {
  const path = absolutePath(scope, field, value);
  if (path === '/') refuse(scope, field, value, 'is the node\'s whole filesystem', 'name the one directory or file the workload reads, e.g. "/proc/sys"');
  const denied = DENIED_HOST_PATHS.find(d => within(path, d) || within(d, path));
  if (denied === '/dev' && within(path, '/dev')) {
    refuse(scope, field, value, 'is a device path', 'list it under exceptions.devices');
  }
  if (denied !== undefined) {
    const how = path === denied ? `is ${denied}` : within(path, denied) ? `lies under ${denied}` : `contains ${denied}`;
    refuse(scope, field, value, `${how}, which no pod may mount: ${whyDenied(denied)}`,
      'name a narrower path the workload reads, outside the node\'s configuration, runtime and kubelet directories');
  }
  return path;
}

function whyDenied(path: string): string {
  if (path === '/etc' || path === '/boot') return 'the node\'s configuration and credentials';
  if (path === '/root' || path === '/home') return 'users\' home directories and their keys';
  if (path === '/dev') return 'the node\'s devices';
  if (path === '/var/lib/kubelet') return 'the kubelet\'s directory holds every pod\'s Secrets and tokens';
  if (path === '/var/lib/etcd') return 'the cluster\'s whole state';
  return 'the container runtime\'s socket and state let whoever reaches them run any container on the node';
}

/**
 * The pod template with the privileges applied: the pod's host namespaces, user namespace,
 * sysctls and volumes, and the first container's security context, host ports and mounts.
 * `template` is returned unchanged when there are none. Mount paths and volume names that the
 * template already uses are refused.
 */
export function withPrivileges(scope: Construct, template: k8s.PodTemplateSpec, p: PodPrivileges): k8s.PodTemplateSpec {
  if (!p.privileged && !p.hostNetwork && !p.hostPID && !p.unmaskedProcMount && !p.sysctls.length && !p.volumes.length) return template;
  const spec = template.spec!;
  const [main, ...others] = spec.containers;
  const usedPaths = new Set((main.volumeMounts ?? []).map(m => m.mountPath));
  const usedNames = new Set((spec.volumes ?? []).map(v => v.name));
  p.volumeMounts.forEach((m, i) => {
    if (usedPaths.has(m.mountPath)) {
      refuse(scope, 'exceptions', m.mountPath, 'mounts a host path or device where the container already mounts another volume',
        'give the host path another mountPath');
    }
    if (usedNames.has(m.name)) refuse(scope, 'exceptions', p.volumes[i].name, 'names a host path\'s volume like another volume of the pod', 'rename the other volume');
  });
  const securityContext: k8s.SecurityContext = {
    ...main.securityContext,
    ...(p.privileged ? { allowPrivilegeEscalation: true, privileged: true } : {}),
    ...(p.unmaskedProcMount ? { procMount: 'Unmasked' } : {}),
  };
  const container: k8s.Container = {
    ...main,
    ...(p.hostNetwork ? hostPorts(main) : {}),
    securityContext,
    volumeMounts: [...main.volumeMounts ?? [], ...p.volumeMounts],
  };
  return {
    ...template,
    spec: {
      ...spec,
      ...(p.hostNetwork ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
      ...(p.hostPID ? { hostPid: true } : {}),
      // Kubernetes admits procMount Unmasked only in a pod with its own user namespace.
      ...(p.unmaskedProcMount ? { hostUsers: false } : {}),
      ...(p.sysctls.length ? { securityContext: { ...spec.securityContext, sysctls: p.sysctls } } : {}),
      // A sidecar's ports are on the host's network too: each is a host port, as the main container's.
      containers: [container, ...p.hostNetwork ? others.map(hostPorts) : others],
      ...(p.hostNetwork && spec.initContainers ? { initContainers: spec.initContainers.map(hostPorts) } : {}),
      volumes: [...spec.volumes ?? [], ...p.volumes],
    },
  };
}

/** `container` with each of its ports also a host port (hostNetwork: the API server requires hostPort = containerPort). */
function hostPorts(container: k8s.Container): k8s.Container {
  return container.ports ? { ...container, ports: container.ports.map(port => ({ ...port, hostPort: port.containerPort })) } : container;
}
