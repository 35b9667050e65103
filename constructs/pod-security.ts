/**
 * The Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
 * as data and as a check over a pod spec, shared by the constructs (to decide what an exception
 * may unlock) and by the policy tests (to judge everything we emit).
 */

export const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type PodSecurityLevel = typeof POD_SECURITY_LEVELS[number];

/** The Pod Security Admission version that our namespace labels pin (the clusters run 1.28). */
export const POD_SECURITY_VERSION = 'v1.28';

/** True when a namespace enforcing `enforced` admits a pod that needs `needed`. */
export function levelAdmits(enforced: PodSecurityLevel, needed: PodSecurityLevel): boolean {
  return POD_SECURITY_LEVELS.indexOf(enforced) <= POD_SECURITY_LEVELS.indexOf(needed);
}

/** Capabilities that *baseline* lets a container add (the container runtime's default set). */
export const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
] as const;

/** The only capability that *restricted* lets a container add. */
export const RESTRICTED_CAPABILITIES = ['NET_BIND_SERVICE'] as const;

/** Every Linux capability name (capabilities(7)), so that a typo is caught rather than granted. */
export const LINUX_CAPABILITIES = [
  'AUDIT_CONTROL', 'AUDIT_READ', 'AUDIT_WRITE', 'BLOCK_SUSPEND', 'BPF', 'CHECKPOINT_RESTORE', 'CHOWN',
  'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'IPC_LOCK', 'IPC_OWNER', 'KILL', 'LEASE',
  'LINUX_IMMUTABLE', 'MAC_ADMIN', 'MAC_OVERRIDE', 'MKNOD', 'NET_ADMIN', 'NET_BIND_SERVICE',
  'NET_BROADCAST', 'NET_RAW', 'PERFMON', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYSLOG',
  'SYS_ADMIN', 'SYS_BOOT', 'SYS_CHROOT', 'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT', 'SYS_PTRACE',
  'SYS_RAWIO', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'WAKE_ALARM',
] as const;

/** The lowest Pod Security level that admits a container adding `capability`. */
export function capabilityLevel(capability: string): PodSecurityLevel {
  if ((RESTRICTED_CAPABILITIES as readonly string[]).includes(capability)) return 'restricted';
  if ((BASELINE_CAPABILITIES as readonly string[]).includes(capability)) return 'baseline';
  return 'privileged';
}

/** Volume sources that *restricted* admits. */
const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** Sysctls that *baseline* admits (the "safe" set as of 1.28). */
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];

/** One way in which a pod spec breaks a Pod Security level. */
export interface PodSecurityFinding {
  /** Where in the pod spec, e.g. `containers[0].securityContext.privileged`. */
  readonly field: string;
  /** The level whose control is broken. */
  readonly level: 'baseline' | 'restricted';
  readonly message: string;
}

type Json = Record<string, any>;

/**
 * Judges a pod spec (Pod `.spec`, or a workload's `.spec.template.spec`) against `level`, the
 * way Pod Security Admission would, and returns every control it breaks. `privileged` admits all.
 */
export function podSecurityFindings(podSpec: Json, level: PodSecurityLevel): PodSecurityFinding[] {
  if (level === 'privileged') return [];
  const findings: PodSecurityFinding[] = [];
  const add = (lvl: 'baseline' | 'restricted', field: string, message: string) => {
    if (lvl === 'baseline' || level === 'restricted') findings.push({ field, level: lvl, message });
  };
  const podContext: Json = podSpec.securityContext ?? {};

  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (podSpec[ns] === true) add('baseline', ns, `${ns} shares the node's namespace`);
  }
  if (podContext.seccompProfile?.type === 'Unconfined') add('baseline', 'securityContext.seccompProfile.type', 'seccomp must not be Unconfined');
  if (podContext.windowsOptions?.hostProcess === true) add('baseline', 'securityContext.windowsOptions.hostProcess', 'Windows host processes are not allowed');
  for (const [i, sysctl] of (podContext.sysctls ?? []).entries()) {
    if (!SAFE_SYSCTLS.includes(sysctl.name)) add('baseline', `securityContext.sysctls[${i}].name`, `sysctl ${sysctl.name} is not in the safe set`);
  }
  for (const [i, volume] of (podSpec.volumes ?? []).entries()) {
    const type = Object.keys(volume).find(k => k !== 'name');
    if (type === 'hostPath') add('baseline', `volumes[${i}].hostPath`, 'hostPath volumes expose the node filesystem');
    else if (type && !RESTRICTED_VOLUME_TYPES.includes(type)) add('restricted', `volumes[${i}].${type}`, `volume type ${type} is not allowed`);
  }
  if (podContext.runAsUser === 0) add('restricted', 'securityContext.runAsUser', 'must not run as UID 0');

  const containerLists = ['initContainers', 'containers', 'ephemeralContainers'] as const;
  for (const list of containerLists) {
    for (const [i, container] of (podSpec[list] ?? []).entries()) {
      const at = `${list}[${i}]`;
      const sc: Json = container.securityContext ?? {};
      if (sc.privileged === true) add('baseline', `${at}.securityContext.privileged`, 'privileged containers are not allowed');
      if (sc.seccompProfile?.type === 'Unconfined') add('baseline', `${at}.securityContext.seccompProfile.type`, 'seccomp must not be Unconfined');
      if (sc.procMount !== undefined && sc.procMount !== 'Default') add('baseline', `${at}.securityContext.procMount`, 'procMount must be Default');
      if (sc.windowsOptions?.hostProcess === true) add('baseline', `${at}.securityContext.windowsOptions.hostProcess`, 'Windows host processes are not allowed');
      for (const [j, port] of (container.ports ?? []).entries()) {
        if (port.hostPort) add('baseline', `${at}.ports[${j}].hostPort`, 'host ports are not allowed');
      }
      const added: string[] = sc.capabilities?.add ?? [];
      for (const [j, cap] of added.entries()) {
        const needs = capabilityLevel(cap);
        if (needs === 'privileged') add('baseline', `${at}.securityContext.capabilities.add[${j}]`, `capability ${cap} is beyond baseline`);
        else if (needs === 'baseline') add('restricted', `${at}.securityContext.capabilities.add[${j}]`, `capability ${cap} is beyond restricted (only NET_BIND_SERVICE)`);
      }
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) add('restricted', `${at}.securityContext.capabilities.drop`, 'must drop ALL capabilities');
      if (sc.allowPrivilegeEscalation !== false) add('restricted', `${at}.securityContext.allowPrivilegeEscalation`, 'must be false');
      if (sc.runAsNonRoot !== true && !(podContext.runAsNonRoot === true && sc.runAsNonRoot === undefined)) {
        add('restricted', `${at}.securityContext.runAsNonRoot`, 'must be true (here or on the pod)');
      }
      if (sc.runAsUser === 0) add('restricted', `${at}.securityContext.runAsUser`, 'must not run as UID 0');
      const seccomp = sc.seccompProfile?.type ?? podContext.seccompProfile?.type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
        add('restricted', `${at}.securityContext.seccompProfile.type`, 'must be RuntimeDefault or Localhost (here or on the pod)');
      }
    }
  }
  return findings;
}
