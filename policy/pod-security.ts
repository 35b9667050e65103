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

/** SELinux types that *baseline* admits. */
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

type Json = Record<string, any>;

/** Where a control found a pod spec breaking it: a field path inside the pod spec, and why. */
export interface ControlViolation {
  readonly field: string;
  readonly message: string;
}

/** One control of the Pod Security Standards. */
export interface PodSecurityControl {
  /** Stable id, e.g. `host-namespaces`; rules are named `pss.<level>.<id>`. */
  readonly id: string;
  /** The lowest level that enforces it. */
  readonly level: 'baseline' | 'restricted';
  readonly title: string;
  readonly fix: string;
  /** `podMetadata` is the pod's (or pod template's) metadata, for annotation-based controls. */
  readonly check: (podSpec: Json, podMetadata: Json) => ControlViolation[];
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Every container of the pod with its path, e.g. `containers[0]`. */
function containersOf(podSpec: Json): { at: string; c: Json }[] {
  return CONTAINER_LISTS.flatMap(list => ((podSpec[list] ?? []) as Json[]).map((c, i) => ({ at: `${list}[${i}]`, c })));
}

/** The pod's security context and each container's, with their paths. */
function contextsOf(podSpec: Json): { at: string; sc: Json }[] {
  return [
    { at: 'securityContext', sc: podSpec.securityContext ?? {} },
    ...containersOf(podSpec).map(({ at, c }) => ({ at: `${at}.securityContext`, sc: c.securityContext ?? {} })),
  ];
}

const v = (field: string, message: string): ControlViolation => ({ field, message });

/** The Pod Security Standards' controls, as of Kubernetes 1.28 plus the 1.34 host probe control. */
export const POD_SECURITY_CONTROLS: PodSecurityControl[] = [
  {
    id: 'host-namespaces', level: 'baseline', title: 'no host network, PID or IPC namespace',
    fix: 'remove hostNetwork, hostPID and hostIPC (or set them false)',
    check: spec => ['hostNetwork', 'hostPID', 'hostIPC'].filter(k => spec[k] === true).map(k => v(k, `${k} shares the node's namespace`)),
  },
  {
    id: 'privileged', level: 'baseline', title: 'no privileged containers',
    fix: 'set securityContext.privileged to false',
    check: spec => containersOf(spec).filter(({ c }) => c.securityContext?.privileged === true)
      .map(({ at }) => v(`${at}.securityContext.privileged`, 'privileged containers have every capability and device of the node')),
  },
  {
    id: 'capabilities', level: 'baseline', title: 'add only capabilities of the runtime default set',
    fix: 'add only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT',
    check: spec => containersOf(spec).flatMap(({ at, c }) => ((c.securityContext?.capabilities?.add ?? []) as string[])
      .map((cap, j) => ({ cap, j })).filter(({ cap }) => capabilityLevel(cap) === 'privileged')
      .map(({ cap, j }) => v(`${at}.securityContext.capabilities.add[${j}]`, `capability ${cap} is beyond baseline`))),
  },
  {
    id: 'host-path', level: 'baseline', title: 'no hostPath volumes',
    fix: 'use an emptyDir, ConfigMap, Secret or PersistentVolumeClaim instead',
    check: spec => ((spec.volumes ?? []) as Json[]).map((vol, i) => ({ vol, i })).filter(({ vol }) => vol.hostPath !== undefined)
      .map(({ i }) => v(`volumes[${i}].hostPath`, 'hostPath volumes expose the node filesystem')),
  },
  {
    id: 'host-ports', level: 'baseline', title: 'no host ports',
    fix: 'remove hostPort; expose the port with a Service',
    check: spec => containersOf(spec).flatMap(({ at, c }) => ((c.ports ?? []) as Json[]).map((p, j) => ({ p, j }))
      .filter(({ p }) => p.hostPort).map(({ j }) => v(`${at}.ports[${j}].hostPort`, 'host ports bind the node\'s network'))),
  },
  {
    id: 'apparmor', level: 'baseline', title: 'AppArmor not disabled',
    fix: 'use the RuntimeDefault or a Localhost AppArmor profile',
    check: (spec, meta) => [
      ...Object.entries((meta?.annotations ?? {}) as Record<string, string>)
        .filter(([k, val]) => k.startsWith('container.apparmor.security.beta.kubernetes.io/') && val !== 'runtime/default' && !val.startsWith('localhost/'))
        .map(([k]) => v(`metadata.annotations.${k}`, 'AppArmor profile must be runtime/default or localhost/*')),
      ...contextsOf(spec).filter(({ sc }) => sc.appArmorProfile?.type === 'Unconfined')
        .map(({ at }) => v(`${at}.appArmorProfile.type`, 'AppArmor must not be Unconfined')),
    ],
  },
  {
    id: 'selinux', level: 'baseline', title: 'no custom SELinux user, role or type',
    fix: 'remove seLinuxOptions.user and .role, and use a container_* type',
    check: spec => contextsOf(spec).flatMap(({ at, sc }) => {
      const se: Json | undefined = sc.seLinuxOptions;
      if (!se) return [];
      return [
        ...(SELINUX_TYPES.includes(se.type ?? '') ? [] : [v(`${at}.seLinuxOptions.type`, `SELinux type ${se.type} is not allowed`)]),
        ...['user', 'role'].filter(k => se[k]).map(k => v(`${at}.seLinuxOptions.${k}`, `a custom SELinux ${k} is not allowed`)),
      ];
    }),
  },
  {
    id: 'proc-mount', level: 'baseline', title: 'default /proc mount',
    fix: 'remove procMount or set it to Default',
    check: spec => containersOf(spec).filter(({ c }) => c.securityContext?.procMount !== undefined && c.securityContext.procMount !== 'Default')
      .map(({ at }) => v(`${at}.securityContext.procMount`, 'an unmasked /proc exposes the node')),
  },
  {
    id: 'seccomp', level: 'baseline', title: 'seccomp not disabled',
    fix: 'set seccompProfile.type to RuntimeDefault',
    check: spec => contextsOf(spec).filter(({ sc }) => sc.seccompProfile?.type === 'Unconfined')
      .map(({ at }) => v(`${at}.seccompProfile.type`, 'seccomp must not be Unconfined')),
  },
  {
    id: 'sysctls', level: 'baseline', title: 'only safe sysctls',
    fix: `set only ${SAFE_SYSCTLS.join(', ')}`,
    check: spec => ((spec.securityContext?.sysctls ?? []) as Json[]).map((s, i) => ({ s, i })).filter(({ s }) => !SAFE_SYSCTLS.includes(s.name))
      .map(({ s, i }) => v(`securityContext.sysctls[${i}].name`, `sysctl ${s.name} is not in the safe set`)),
  },
  {
    id: 'host-process', level: 'baseline', title: 'no Windows host processes',
    fix: 'remove windowsOptions.hostProcess',
    check: spec => contextsOf(spec).filter(({ sc }) => sc.windowsOptions?.hostProcess === true)
      .map(({ at }) => v(`${at}.windowsOptions.hostProcess`, 'Windows host processes run on the node')),
  },
  {
    id: 'host-probes', level: 'baseline', title: 'probes and lifecycle hooks target the pod',
    fix: 'remove the host field from httpGet and tcpSocket handlers',
    check: spec => containersOf(spec).flatMap(({ at, c }) => [
      ...['livenessProbe', 'readinessProbe', 'startupProbe'].map(k => ({ path: `${at}.${k}`, h: c[k] })),
      ...['postStart', 'preStop'].map(k => ({ path: `${at}.lifecycle.${k}`, h: c.lifecycle?.[k] })),
    ].flatMap(({ path, h }) => ['httpGet', 'tcpSocket'].filter(t => h?.[t]?.host).map(t => v(`${path}.${t}.host`, 'a handler may only reach the pod itself')))),
  },
  {
    id: 'volume-types', level: 'restricted', title: 'only ephemeral, projected and claimed volumes',
    fix: `use only ${RESTRICTED_VOLUME_TYPES.join(', ')} volumes`,
    check: spec => ((spec.volumes ?? []) as Json[]).map((vol, i) => ({ type: Object.keys(vol).find(k => k !== 'name'), i }))
      .filter(({ type }) => type !== undefined && type !== 'hostPath' && !RESTRICTED_VOLUME_TYPES.includes(type))
      .map(({ type, i }) => v(`volumes[${i}].${type}`, `volume type ${type} is not allowed`)),
  },
  {
    id: 'privilege-escalation', level: 'restricted', title: 'no privilege escalation',
    fix: 'set securityContext.allowPrivilegeEscalation to false in every container',
    check: spec => containersOf(spec).filter(({ c }) => c.securityContext?.allowPrivilegeEscalation !== false)
      .map(({ at }) => v(`${at}.securityContext.allowPrivilegeEscalation`, 'must be false')),
  },
  {
    id: 'run-as-non-root', level: 'restricted', title: 'run as non-root',
    fix: 'set securityContext.runAsNonRoot to true on the pod',
    check: spec => [
      ...(spec.securityContext?.runAsNonRoot === false ? [v('securityContext.runAsNonRoot', 'must not be false on the pod')] : []),
      ...containersOf(spec)
        .filter(({ c }) => c.securityContext?.runAsNonRoot !== true && !(spec.securityContext?.runAsNonRoot === true && c.securityContext?.runAsNonRoot === undefined))
        .map(({ at }) => v(`${at}.securityContext.runAsNonRoot`, 'must be true (here or on the pod)')),
    ],
  },
  {
    id: 'run-as-user', level: 'restricted', title: 'not UID 0',
    fix: 'set runAsUser to a non-zero UID',
    check: spec => contextsOf(spec).filter(({ sc }) => sc.runAsUser === 0).map(({ at }) => v(`${at}.runAsUser`, 'must not run as UID 0')),
  },
  {
    id: 'seccomp', level: 'restricted', title: 'seccomp RuntimeDefault or Localhost',
    fix: 'set securityContext.seccompProfile.type to RuntimeDefault on the pod',
    check: spec => containersOf(spec).filter(({ c }) => {
      const type = c.securityContext?.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type;
      return type !== 'RuntimeDefault' && type !== 'Localhost';
    }).map(({ at }) => v(`${at}.securityContext.seccompProfile.type`, 'must be RuntimeDefault or Localhost (here or on the pod)')),
  },
  {
    id: 'capabilities', level: 'restricted', title: 'drop ALL, add only NET_BIND_SERVICE',
    fix: 'set capabilities.drop to [ALL] and add nothing but NET_BIND_SERVICE',
    check: spec => containersOf(spec).flatMap(({ at, c }) => {
      const caps: Json = c.securityContext?.capabilities ?? {};
      return [
        ...((caps.drop ?? []) as string[]).includes('ALL') ? [] : [v(`${at}.securityContext.capabilities.drop`, 'must drop ALL capabilities')],
        ...((caps.add ?? []) as string[]).map((cap, j) => ({ cap, j })).filter(({ cap }) => capabilityLevel(cap) === 'baseline')
          .map(({ cap, j }) => v(`${at}.securityContext.capabilities.add[${j}]`, `capability ${cap} is beyond restricted (only NET_BIND_SERVICE)`)),
      ];
    }),
  },
];

/** True when a namespace at `level` enforces `control` (restricted enforces baseline's controls too). */
export function enforces(level: PodSecurityLevel, control: PodSecurityControl): boolean {
  return POD_SECURITY_LEVELS.indexOf(level) >= POD_SECURITY_LEVELS.indexOf(control.level);
}

/** One way in which a pod spec breaks a Pod Security level. */
export interface PodSecurityFinding extends ControlViolation {
  /** The control's id. */
  readonly control: string;
  /** The level whose control is broken. */
  readonly level: 'baseline' | 'restricted';
}

/**
 * Judges a pod spec (Pod `.spec`, or a workload's `.spec.template.spec`) against `level`, the
 * way Pod Security Admission would, and returns every control it breaks. `privileged` admits all.
 */
export function podSecurityFindings(podSpec: Json, level: PodSecurityLevel, podMetadata: Json = {}): PodSecurityFinding[] {
  return POD_SECURITY_CONTROLS.filter(c => enforces(level, c))
    .flatMap(c => c.check(podSpec, podMetadata).map(f => ({ ...f, control: c.id, level: c.level })));
}
