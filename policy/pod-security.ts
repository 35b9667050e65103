/**
 * The Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
 * as the API server's Pod Security Admission applies them: every control with the policy versions
 * at which it (and each of its variants) takes effect, as kubernetes/pod-security-admission's
 * `policy/check_*.go` define them, for policy versions v1.0 ... v1.37. Shared by the constructs
 * (to decide what an exception may unlock), by the gate's pod-security rules and by the tests.
 *
 * Pod specs are read as the API server decodes them: only own keys (a `__proto__` or
 * `constructor` key is just an unknown field), `null` is absent. Where a value has a type the
 * server could not decode (`privileged: "true"`, `hostNetwork: 1`, a map where a list belongs),
 * the control that reads it reports a violation: what the engine cannot judge never passes.
 */

export const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type PodSecurityLevel = typeof POD_SECURITY_LEVELS[number];

/** The Pod Security Admission version that our namespace labels pin (the clusters run 1.28). */
export const POD_SECURITY_VERSION = 'v1.28';

/** True when a namespace enforcing `enforced` admits a pod that needs `needed`. */
export function levelAdmits(enforced: PodSecurityLevel, needed: PodSecurityLevel): boolean {
  return POD_SECURITY_LEVELS.indexOf(enforced) <= POD_SECURITY_LEVELS.indexOf(needed);
}

// ---------------------------------------------------------------------------------------------
// Policy versions

/** A Pod Security policy version `vMAJOR.MINOR`. */
export interface PodSecurityVersion {
  readonly major: number;
  readonly minor: number;
}

/** The newest policy version we know; `latest`, and any newer version, mean this one (as upstream does). */
export const LATEST_POD_SECURITY_VERSION: PodSecurityVersion = { major: 1, minor: 37 };

/** The label format Pod Security Admission accepts: `latest` or `v1.<minor>` without leading zeros. */
const VERSION_LABEL = /^v1\.(0|[1-9][0-9]*)$/;
/** Upstream parses the minor with strconv.Atoi (int64): a longer number is invalid, not "newer". */
const MAX_INT64 = 9223372036854775807n;

/**
 * Parses a `pod-security.kubernetes.io/*-version` label as Pod Security Admission does:
 * `'latest'`, a version, or `undefined` when the label is invalid (the API server then judges at
 * latest and the namespace reports a label error).
 */
export function parsePodSecurityVersion(label: unknown): PodSecurityVersion | 'latest' | undefined {
  if (label === 'latest') return 'latest';
  if (typeof label !== 'string') return undefined;
  const match = VERSION_LABEL.exec(label);
  if (!match || BigInt(match[1]) > MAX_INT64) return undefined;
  return { major: 1, minor: Number(match[1]) };
}

/**
 * The minor version of v1 at which a namespace's pods are judged: the label's version, capped at
 * {@link LATEST_POD_SECURITY_VERSION}; `latest`, a missing label and an invalid one mean latest.
 */
export function effectivePodSecurityMinor(label: unknown): number {
  const parsed = parsePodSecurityVersion(label);
  return parsed === undefined || parsed === 'latest' ? LATEST_POD_SECURITY_VERSION.minor : Math.min(parsed.minor, LATEST_POD_SECURITY_VERSION.minor);
}

/** `v1.<minor>`. */
export const podSecurityVersionLabel = (minor: number) => `v1.${minor}`;

// ---------------------------------------------------------------------------------------------
// Capabilities (also read by the HardenedDeployment construct)

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

// ---------------------------------------------------------------------------------------------
// Per-version allowed values

/** Sysctls that *baseline* admits, by the version that added them (upstream check_sysctls.go). */
const SAFE_SYSCTLS_SINCE: readonly [number, readonly string[]][] = [
  [0, ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']],
  [27, ['net.ipv4.ip_local_reserved_ports']],
  [29, ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']],
  [32, ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
  [37, ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat']],
];

/** The safe sysctls at policy version v1.`minor`. */
export function safeSysctls(minor: number): string[] {
  return SAFE_SYSCTLS_SINCE.filter(([since]) => since <= minor).flatMap(([, names]) => names);
}

/** SELinux types that *baseline* admits (`''` is "not set"), by version (upstream check_seLinuxOptions.go). */
export function selinuxTypes(minor: number): string[] {
  return ['', 'container_t', 'container_init_t', 'container_kvm_t', ...(minor >= 31 ? ['container_engine_t'] : [])];
}

/** Inline volume sources that *restricted* admits (upstream check_restrictedVolumes.go; the same at every version). */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'] as const;

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

// ---------------------------------------------------------------------------------------------
// Reading a pod spec as the API server decodes it

type Json = Record<string, unknown>;

/** Where a control found a pod spec breaking it: a field path inside the pod spec (or `metadata.` for pod metadata), and why. */
export interface ControlViolation {
  readonly field: string;
  readonly message: string;
}

const isObject = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);
/** An own field (never an inherited one such as `constructor`); `null` reads as absent, as in Go. */
const own = (o: unknown, key: string): unknown => isObject(o) && Object.prototype.hasOwnProperty.call(o, key) ? o[key] ?? undefined : undefined;
const show = (x: unknown): string => { try { return JSON.stringify(x) ?? String(x); } catch { return String(x); } };
const join = (...parts: string[]) => parts.filter(Boolean).join('.');

/** One pod as every control reads it, with what the controls share read once. */
class PodView {
  public readonly cache = new Map<string, { value: unknown; problems: ControlViolation[] }>();
  constructor(public readonly spec: Json, public readonly metadata: Json) {}
}

/** Collects one control's violations for one pod, and reads fields strictly. */
class Judgement {
  public readonly violations: ControlViolation[] = [];

  constructor(private readonly pod: PodView) {}

  public get spec(): Json { return this.pod.spec; }
  public get metadata(): Json { return this.pod.metadata; }

  /**
   * What `read` finds, read once per pod and shared by the controls; every control that uses it
   * still reports what could not be read, as each of them could not judge it.
   */
  private shared<T>(key: string, read: (j: Judgement) => T): T {
    let entry = this.pod.cache.get(key);
    if (!entry) {
      const probe = new Judgement(this.pod);
      entry = { value: read(probe), problems: probe.violations };
      this.pod.cache.set(key, entry);
    }
    this.violations.push(...entry.problems);
    return entry.value as T;
  }

  public bad(field: string, message: string): void {
    this.violations.push({ field, message });
  }

  private unreadable(field: string, value: unknown, expected: string): undefined {
    this.bad(field, `must be ${expected}, not ${show(value)}: the API server would not read it this way, so Pod Security cannot judge it`);
    return undefined;
  }

  /** An optional object (`undefined` when absent); anything else is reported and reads as `null`. */
  public object(parent: unknown, key: string, at: string): Json | undefined | null {
    const value = own(parent, key);
    if (value === undefined || isObject(value)) return value;
    this.unreadable(join(at, key), value, 'an object');
    return null;
  }

  /** An optional list (absent reads as empty); anything else is reported and reads as `undefined`. */
  public list(parent: unknown, key: string, at: string): unknown[] | undefined {
    const value = own(parent, key);
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    return this.unreadable(join(at, key), value, 'a list');
  }

  /** The objects of an optional list, with their paths; non-objects are reported. */
  public objects(parent: unknown, key: string, at: string): { at: string; o: Json }[] {
    return (this.list(parent, key, at) ?? []).flatMap((o, i) => {
      const path = `${join(at, key)}[${i}]`;
      if (isObject(o)) return [{ at: path, o }];
      this.unreadable(path, o, 'an object');
      return [];
    });
  }

  /** An optional boolean; anything else is reported. */
  public bool(parent: unknown, key: string, at: string): boolean | undefined {
    const value = own(parent, key);
    if (value === undefined || typeof value === 'boolean') return value;
    return this.unreadable(join(at, key), value, 'true or false');
  }

  /** An optional string; anything else is reported. */
  public string(parent: unknown, key: string, at: string): string | undefined {
    const value = own(parent, key);
    if (value === undefined || typeof value === 'string') return value;
    return this.unreadable(join(at, key), value, 'a string');
  }

  /** An optional integer; anything else is reported. */
  public integer(parent: unknown, key: string, at: string): number | undefined {
    const value = own(parent, key);
    if (value === undefined || (typeof value === 'number' && Number.isInteger(value))) return value;
    return this.unreadable(join(at, key), value, 'an integer');
  }

  /** Every container (init, regular, ephemeral, as upstream visits them) with its path. */
  public containers(): { at: string; c: Json; name: unknown }[] {
    return this.shared('containers', j => (['initContainers', 'containers', 'ephemeralContainers'] as const)
      .flatMap(list => j.objects(j.spec, list, '').map(({ at, o }) => ({ at, c: o, name: own(o, 'name') }))));
  }

  /** The pod's security context and each container's, with their paths (absent ones skipped). */
  public securityContexts(): { at: string; sc: Json }[] {
    const pod = this.object(this.spec, 'securityContext', '');
    return [...(pod ? [{ at: 'securityContext', sc: pod }] : []), ...this.containerContexts()];
  }

  /** Each container's security context (absent ones skipped). */
  public containerContexts(): { at: string; sc: Json }[] {
    return this.shared('containerContexts', j => j.containers().flatMap(({ at, c }) => {
      const sc = j.object(c, 'securityContext', at);
      return sc ? [{ at: `${at}.securityContext`, sc }] : [];
    }));
  }

  /** The pod's annotations (reported when they are not a map). */
  public annotations(): [string, unknown][] {
    return this.shared('annotations', j => {
      const annotations = j.object(j.metadata, 'annotations', 'metadata');
      // A null value decodes as "" in Go's map[string]string.
      return annotations ? Object.entries(annotations).map(([key, value]): [string, unknown] => [key, value ?? '']) : [];
    });
  }

  /** `spec.os.name` is `windows`: upstream exempts such pods from some Linux-only restricted controls. */
  public get windows(): boolean {
    return own(own(this.spec, 'os'), 'name') === 'windows';
  }

  /** `spec.hostUsers` is `false` (the pod runs in a user namespace): upstream relaxes some controls. */
  public get userNamespace(): boolean {
    return own(this.spec, 'hostUsers') === false;
  }
}

type Check = (j: Judgement) => void;

// ---------------------------------------------------------------------------------------------
// The checks, one function per upstream variant

const hostNamespaces: Check = j => {
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (j.bool(j.spec, key, '')) j.bad(key, `${key} shares the node's namespace`);
  }
};

const privileged: Check = j => {
  for (const { at, sc } of j.containerContexts()) {
    if (j.bool(sc, 'privileged', at)) j.bad(`${at}.privileged`, 'privileged containers have every capability and device of the node');
  }
};

const capabilitiesBaseline: Check = j => {
  for (const { at, sc } of j.containerContexts()) {
    const caps = j.object(sc, 'capabilities', at);
    j.list(caps, 'add', `${at}.capabilities`)?.forEach((cap, i) => {
      const field = `${at}.capabilities.add[${i}]`;
      if (typeof cap !== 'string') j.bad(field, `capability ${show(cap)} is not a capability name`);
      else if (capabilityLevel(cap) === 'privileged') j.bad(field, `capability ${cap} is beyond baseline (the runtime's default set)`);
    });
  }
};

const hostPathVolumes: Check = j => {
  for (const { at, o } of j.objects(j.spec, 'volumes', '')) {
    if (own(o, 'hostPath') !== undefined) j.bad(`${at}.hostPath`, 'hostPath volumes expose the node filesystem');
  }
};

const hostPorts: Check = j => {
  for (const { at, c } of j.containers()) {
    for (const { at: port, o } of j.objects(c, 'ports', at)) {
      const hostPort = j.integer(o, 'hostPort', port);
      if (hostPort !== undefined && hostPort !== 0) j.bad(`${port}.hostPort`, `host port ${hostPort} binds the node's network`);
    }
  }
};

const appArmor: Check = j => {
  for (const [key, value] of j.annotations()) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const field = `metadata.annotations.${key}`;
    if (typeof value !== 'string') j.bad(field, `AppArmor annotation value ${show(value)} is not a string`);
    else if (value !== '' && value !== 'runtime/default' && !value.startsWith('localhost/')) j.bad(field, `AppArmor profile ${show(value)} is neither runtime/default nor localhost/*`);
  }
  for (const { at, sc } of j.securityContexts()) {
    const profile = j.object(sc, 'appArmorProfile', at);
    if (profile == null) continue;
    const type = own(profile, 'type');
    if (type !== 'RuntimeDefault' && type !== 'Localhost') j.bad(`${at}.appArmorProfile.type`, `AppArmor profile type ${show(type ?? '')} is neither RuntimeDefault nor Localhost`);
  }
};

const seLinuxOptions = (minor: number): Check => {
  const allowed = selinuxTypes(minor);
  return j => seLinuxOptionsWith(allowed, j);
};

function seLinuxOptionsWith(allowed: string[], j: Judgement): void {
  for (const { at, sc } of j.securityContexts()) {
    const options = j.object(sc, 'seLinuxOptions', at);
    if (options == null) continue;
    const base = `${at}.seLinuxOptions`;
    const type = j.string(options, 'type', base);
    if (type !== undefined && !allowed.includes(type)) j.bad(`${base}.type`, `SELinux type ${show(type)} is not one of ${allowed.filter(Boolean).join(', ')} at this policy version`);
    for (const key of ['user', 'role']) {
      const value = j.string(options, key, base);
      if (value) j.bad(`${base}.${key}`, `a custom SELinux ${key} is not allowed`);
    }
  }
}

const procMount: Check = j => {
  for (const { at, sc } of j.containerContexts()) {
    const mount = j.string(sc, 'procMount', at);
    if (mount !== undefined && mount !== 'Default') j.bad(`${at}.procMount`, `procMount ${show(mount)} unmasks /proc`);
  }
};

/** From v1.35, baseline admits any procMount in a pod with its own user namespace (`hostUsers: false`). */
const procMountUserNamespaces: Check = j => { if (!j.userNamespace) procMount(j); };

const validSeccompType = (type: unknown) => type === 'RuntimeDefault' || type === 'Localhost';

/** Before v1.19 seccomp was set by annotations. */
const seccompAnnotations: Check = j => {
  const names = new Set(j.containers().map(({ name }) => name).filter((n): n is string => typeof n === 'string'));
  for (const [key, value] of j.annotations()) {
    const applies = key === SECCOMP_POD_ANNOTATION || (key.startsWith(SECCOMP_CONTAINER_ANNOTATION_PREFIX) && names.has(key.slice(SECCOMP_CONTAINER_ANNOTATION_PREFIX.length)));
    if (!applies) continue;
    if (typeof value !== 'string' || !(value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/'))) {
      j.bad(`metadata.annotations.${key}`, `seccomp profile ${show(value)} is neither runtime/default, docker/default nor localhost/*`);
    }
  }
};

const seccompBaseline: Check = j => {
  for (const { at, sc } of j.securityContexts()) {
    const profile = j.object(sc, 'seccompProfile', at);
    if (profile == null) continue;
    const type = own(profile, 'type');
    if (!validSeccompType(type)) j.bad(`${at}.seccompProfile.type`, `seccomp profile type ${show(type ?? '')} is neither RuntimeDefault nor Localhost`);
  }
};

const sysctls = (minor: number): Check => {
  const safe = new Set(safeSysctls(minor));
  return j => sysctlsWith(safe, j);
};

function sysctlsWith(safe: Set<string>, j: Judgement): void {
  const sc = j.object(j.spec, 'securityContext', '');
  for (const { at, o } of j.objects(sc, 'sysctls', 'securityContext')) {
    const name = own(o, 'name');
    if (typeof name !== 'string' || !safe.has(name)) j.bad(`${at}.name`, `sysctl ${show(name)} is not safe at this policy version`);
  }
}

const windowsHostProcess: Check = j => {
  for (const { at, sc } of j.securityContexts()) {
    const options = j.object(sc, 'windowsOptions', at);
    if (j.bool(options, 'hostProcess', `${at}.windowsOptions`)) j.bad(`${at}.windowsOptions.hostProcess`, 'Windows host processes run on the node');
  }
};

const hostProbesAndLifecycle: Check = j => {
  for (const { at, c } of j.containers()) {
    const lifecycle = j.object(c, 'lifecycle', at);
    const handlers = [
      ...['livenessProbe', 'readinessProbe', 'startupProbe'].map(k => ({ path: `${at}.${k}`, h: j.object(c, k, at) })),
      ...['postStart', 'preStop'].map(k => ({ path: `${at}.lifecycle.${k}`, h: j.object(lifecycle, k, `${at}.lifecycle`) })),
    ];
    for (const { path, h } of handlers) {
      for (const kind of ['httpGet', 'tcpSocket']) {
        const action = j.object(h, kind, path);
        const host = j.string(action, 'host', `${path}.${kind}`);
        if (host) j.bad(`${path}.${kind}.host`, `a handler may only reach the pod itself, not ${show(host)}`);
      }
    }
  }
};

const restrictedVolumes: Check = j => {
  for (const { at, o } of j.objects(j.spec, 'volumes', '')) {
    // Judged strictly: every source a volume names must be allowed (the API server refuses a volume with two).
    for (const key of Object.keys(o)) {
      if (key === 'name' || o[key] === null || o[key] === undefined || (RESTRICTED_VOLUME_TYPES as readonly string[]).includes(key)) continue;
      j.bad(`${at}.${key}`, `volume type ${key} is not allowed`);
    }
  }
};

const allowPrivilegeEscalation: Check = j => {
  for (const { at, c } of j.containers()) {
    const sc = j.object(c, 'securityContext', at);
    if (sc === null) continue;
    const allow = j.bool(sc, 'allowPrivilegeEscalation', `${at}.securityContext`);
    if (allow === true || (allow === undefined && own(sc, 'allowPrivilegeEscalation') === undefined)) {
      j.bad(`${at}.securityContext.allowPrivilegeEscalation`, 'must be false');
    }
  }
};

/**
 * As upstream: explicit `false` (or what cannot be read) is reported first; containers that leave
 * runAsNonRoot unset without the pod setting it true only when nothing explicit was.
 */
const runAsNonRoot: Check = j => {
  const before = j.violations.length;
  const podSc = j.object(j.spec, 'securityContext', '');
  const pod = j.bool(podSc, 'runAsNonRoot', 'securityContext');
  if (pod === false) j.bad('securityContext.runAsNonRoot', 'must not be false on the pod');
  const implicit: string[] = [];
  for (const { at, c } of j.containers()) {
    const sc = j.object(c, 'securityContext', at);
    if (sc === null) continue;
    const field = `${at}.securityContext.runAsNonRoot`;
    const mine = j.bool(sc, 'runAsNonRoot', `${at}.securityContext`);
    if (mine === false) j.bad(field, 'must not be false');
    else if (own(sc, 'runAsNonRoot') === undefined && pod !== true) implicit.push(field);
  }
  if (j.violations.length === before) for (const field of implicit) j.bad(field, 'must be true (here or on the pod)');
};

const runAsUser: Check = j => {
  for (const { at, sc } of j.securityContexts()) {
    if (j.integer(sc, 'runAsUser', at) === 0) j.bad(`${at}.runAsUser`, 'must not run as UID 0');
  }
};

/** As upstream: explicitly bad profiles first; containers without one, when the pod has none, only when nothing explicit was. */
const seccompRestricted: Check = j => {
  const before = j.violations.length;
  const podSc = j.object(j.spec, 'securityContext', '');
  const podProfile = j.object(podSc, 'seccompProfile', 'securityContext');
  let podSet = false;
  if (podProfile != null) {
    const type = own(podProfile, 'type');
    if (validSeccompType(type)) podSet = true;
    else j.bad('securityContext.seccompProfile.type', `seccomp profile type ${show(type ?? '')} is neither RuntimeDefault nor Localhost`);
  }
  const implicit: string[] = [];
  for (const { at, c } of j.containers()) {
    const sc = j.object(c, 'securityContext', at);
    if (sc === null) continue;
    const profile = j.object(sc, 'seccompProfile', `${at}.securityContext`);
    const field = `${at}.securityContext.seccompProfile.type`;
    if (profile != null) {
      const type = own(profile, 'type');
      if (!validSeccompType(type)) j.bad(field, `seccomp profile type ${show(type ?? '')} is neither RuntimeDefault nor Localhost`);
    } else if (profile === undefined && !podSet) {
      implicit.push(field);
    }
  }
  if (j.violations.length === before) for (const field of implicit) j.bad(field, 'must be RuntimeDefault or Localhost (here or on the pod)');
};

const capabilitiesRestricted: Check = j => {
  for (const { at, c } of j.containers()) {
    const sc = j.object(c, 'securityContext', at);
    const caps = j.object(sc, 'capabilities', `${at}.securityContext`);
    if (sc === null || caps === null) continue;
    const base = `${at}.securityContext.capabilities`;
    const drop = j.list(caps, 'drop', base);
    if (drop && !drop.includes('ALL')) j.bad(`${base}.drop`, 'must drop ALL capabilities');
    j.list(caps, 'add', base)?.forEach((cap, i) => {
      if (cap !== 'NET_BIND_SERVICE') j.bad(`${base}.add[${i}]`, `capability ${typeof cap === 'string' ? cap : show(cap)} is beyond restricted (only NET_BIND_SERVICE)`);
    });
  }
};

/** From v1.25 Windows pods are exempt from the Linux-only restricted controls. */
const exceptWindows = (check: Check): Check => j => { if (!j.windows) check(j); };
/** From v1.35 pods with their own user namespace (`hostUsers: false`) are exempt. */
const exceptUserNamespace = (check: Check): Check => j => { if (!j.userNamespace) check(j); };

// ---------------------------------------------------------------------------------------------
// The controls

/** One variant of a control, in effect from policy version v1.`since` until the next variant. */
interface ControlVariant {
  readonly since: number;
  readonly check: Check;
  /** At *restricted*, the baseline controls (by id) that this one replaces, as upstream's OverrideCheckIDs. */
  readonly overrides?: readonly string[];
}

/** One control of the Pod Security Standards. */
export interface PodSecurityControl {
  /** Stable id, e.g. `host-namespaces`; rules are named `pss.<level>.<id>`. */
  readonly id: string;
  /** The lowest level that enforces it. */
  readonly level: 'baseline' | 'restricted';
  /** Upstream's check ID (kubernetes/pod-security-admission `policy/check_*.go`). */
  readonly upstream: string;
  readonly title: string;
  readonly fix: string;
  /** Its variants by minimum policy version, oldest first; before the first one it does not exist. */
  readonly versions: readonly ControlVariant[];
}

/** `pss.<level>.<id>`: the rule id of a control. */
export const controlRuleId = (c: Pick<PodSecurityControl, 'level' | 'id'>) => `pss.${c.level}.${c.id}`;

const every = (check: Check): ControlVariant[] => [{ since: 0, check }];
const byVersion = (make: (minor: number) => Check, since: number[]): ControlVariant[] =>
  since.map(v => ({ since: v, check: make(v) }));

export const POD_SECURITY_CONTROLS: readonly PodSecurityControl[] = [
  {
    id: 'host-namespaces', level: 'baseline', upstream: 'hostNamespaces', title: 'no host network, PID or IPC namespace',
    fix: 'remove hostNetwork, hostPID and hostIPC (or set them false)',
    versions: every(hostNamespaces),
  },
  {
    id: 'privileged', level: 'baseline', upstream: 'privileged', title: 'no privileged containers',
    fix: 'set securityContext.privileged to false',
    versions: every(privileged),
  },
  {
    id: 'capabilities', level: 'baseline', upstream: 'capabilities_baseline', title: 'add only capabilities of the runtime default set',
    fix: `add only ${BASELINE_CAPABILITIES.join(', ')}`,
    versions: every(capabilitiesBaseline),
  },
  {
    id: 'host-path', level: 'baseline', upstream: 'hostPathVolumes', title: 'no hostPath volumes',
    fix: 'use an emptyDir, ConfigMap, Secret or PersistentVolumeClaim instead',
    versions: every(hostPathVolumes),
  },
  {
    id: 'host-ports', level: 'baseline', upstream: 'hostPorts', title: 'no host ports',
    fix: 'remove hostPort; expose the port with a Service',
    versions: every(hostPorts),
  },
  {
    id: 'apparmor', level: 'baseline', upstream: 'appArmorProfile', title: 'AppArmor not disabled',
    fix: 'use the RuntimeDefault or a Localhost AppArmor profile (annotation runtime/default or localhost/*)',
    versions: every(appArmor),
  },
  {
    id: 'selinux', level: 'baseline', upstream: 'seLinuxOptions', title: 'no custom SELinux user, role or type',
    fix: 'remove seLinuxOptions.user and .role, and use a container_* type',
    versions: byVersion(seLinuxOptions, [0, 31]),
  },
  {
    id: 'proc-mount', level: 'baseline', upstream: 'procMount', title: 'default /proc mount',
    fix: 'remove procMount or set it to Default (baseline admits others from v1.35 for pods with hostUsers: false)',
    versions: [{ since: 0, check: procMount }, { since: 35, check: procMountUserNamespaces }],
  },
  {
    id: 'seccomp', level: 'baseline', upstream: 'seccompProfile_baseline', title: 'seccomp not disabled',
    fix: 'set seccompProfile.type to RuntimeDefault or Localhost',
    versions: [{ since: 0, check: seccompAnnotations }, { since: 19, check: seccompBaseline }],
  },
  {
    id: 'sysctls', level: 'baseline', upstream: 'sysctls', title: 'only safe sysctls',
    fix: `set only the safe sysctls of the namespace's policy version (at ${podSecurityVersionLabel(LATEST_POD_SECURITY_VERSION.minor)}: ${safeSysctls(LATEST_POD_SECURITY_VERSION.minor).join(', ')})`,
    versions: byVersion(sysctls, SAFE_SYSCTLS_SINCE.map(([since]) => since)),
  },
  {
    id: 'host-process', level: 'baseline', upstream: 'windowsHostProcess', title: 'no Windows host processes',
    fix: 'remove windowsOptions.hostProcess',
    versions: every(windowsHostProcess),
  },
  {
    id: 'host-probes', level: 'baseline', upstream: 'hostProbesAndHostLifecycle', title: 'probes and lifecycle hooks target the pod',
    fix: 'remove the host field from httpGet and tcpSocket handlers',
    versions: [{ since: 34, check: hostProbesAndLifecycle }],
  },
  {
    id: 'volume-types', level: 'restricted', upstream: 'restrictedVolumes', title: 'only ephemeral, projected and claimed volumes',
    fix: `use only ${RESTRICTED_VOLUME_TYPES.join(', ')} volumes`,
    versions: [{ since: 0, check: restrictedVolumes, overrides: ['host-path'] }],
  },
  {
    id: 'privilege-escalation', level: 'restricted', upstream: 'allowPrivilegeEscalation', title: 'no privilege escalation',
    fix: 'set securityContext.allowPrivilegeEscalation to false in every container',
    versions: [{ since: 8, check: allowPrivilegeEscalation }, { since: 25, check: exceptWindows(allowPrivilegeEscalation) }],
  },
  {
    id: 'run-as-non-root', level: 'restricted', upstream: 'runAsNonRoot', title: 'run as non-root',
    fix: 'set securityContext.runAsNonRoot to true on the pod',
    versions: [{ since: 0, check: runAsNonRoot }, { since: 35, check: exceptUserNamespace(runAsNonRoot) }],
  },
  {
    id: 'run-as-user', level: 'restricted', upstream: 'runAsUser', title: 'not UID 0',
    fix: 'set runAsUser to a non-zero UID',
    versions: [{ since: 23, check: runAsUser }, { since: 35, check: exceptUserNamespace(runAsUser) }],
  },
  {
    id: 'seccomp', level: 'restricted', upstream: 'seccompProfile_restricted', title: 'seccomp RuntimeDefault or Localhost',
    fix: 'set securityContext.seccompProfile.type to RuntimeDefault on the pod',
    versions: [
      { since: 19, check: seccompRestricted, overrides: ['seccomp'] },
      { since: 25, check: exceptWindows(seccompRestricted), overrides: ['seccomp'] },
    ],
  },
  {
    id: 'capabilities', level: 'restricted', upstream: 'capabilities_restricted', title: 'drop ALL, add only NET_BIND_SERVICE',
    fix: 'set capabilities.drop to [ALL] and add nothing but NET_BIND_SERVICE',
    versions: [
      { since: 22, check: capabilitiesRestricted, overrides: ['capabilities'] },
      { since: 25, check: exceptWindows(capabilitiesRestricted), overrides: ['capabilities'] },
    ],
  },
  {
    id: 'proc-mount', level: 'restricted', upstream: 'procMount_restricted', title: 'default /proc mount, even with hostUsers: false',
    fix: 'remove procMount or set it to Default',
    versions: [{ since: 35, check: procMount, overrides: ['proc-mount'] }],
  },
];

/** A control as it applies at one level and version. */
export interface ActiveControl {
  readonly control: PodSecurityControl;
  readonly ruleId: string;
  readonly check: Check;
  /** The baseline controls (by id) it replaces here. */
  readonly overrides: readonly string[];
}

const activeMemo = new Map<string, readonly ActiveControl[]>();

/**
 * The controls a namespace enforcing `level` at v1.`minor` applies, with the variant of each in
 * effect, after restricted controls replace the baseline ones they override (as upstream's
 * registry does). `privileged` applies none.
 */
export function controlsAt(level: PodSecurityLevel, minor: number): readonly ActiveControl[] {
  const version = Math.min(Math.max(0, minor), LATEST_POD_SECURITY_VERSION.minor);
  const key = `${level}:${version}`;
  let active = activeMemo.get(key);
  if (active) return active;
  const variants = POD_SECURITY_CONTROLS.filter(c => levelAdmits(c.level, level))
    .map(control => ({ control, variant: [...control.versions].reverse().find(v => v.since <= version) }))
    .filter((x): x is { control: PodSecurityControl; variant: ControlVariant } => x.variant !== undefined);
  const overridden = new Set(variants.flatMap(({ variant }) => variant.overrides ?? []));
  active = variants.filter(({ control }) => !(control.level === 'baseline' && overridden.has(control.id)))
    .map(({ control, variant }) => ({ control, ruleId: controlRuleId(control), check: variant.check, overrides: variant.overrides ?? [] }));
  activeMemo.set(key, active);
  return active;
}

/**
 * The rule id that judges upstream's check `upstream` (matched case-insensitively, as upstream's
 * fixture file names spell it) at `level` and v1.`minor`: its own control's, or the restricted
 * control that overrides it there; `undefined` when no control of ours applies it there.
 */
export function ruleIdForUpstreamCheck(upstream: string, level: PodSecurityLevel, minor: number): string | undefined {
  const control = POD_SECURITY_CONTROLS.find(c => c.upstream.toLowerCase() === upstream.toLowerCase());
  if (!control) return undefined;
  const active = controlsAt(level, minor);
  if (active.some(a => a.control === control)) return controlRuleId(control);
  if (control.level !== 'baseline' || !control.versions.some(v => v.since <= minor)) return undefined;
  return active.find(a => a.overrides.includes(control.id))?.ruleId;
}

/** One way in which a pod breaks a Pod Security level. */
export interface PodSecurityFinding extends ControlViolation {
  /** The control's id. */
  readonly control: string;
  /** The level whose control is broken. */
  readonly level: 'baseline' | 'restricted';
  /** `pss.<level>.<control>`. */
  readonly rule: string;
}

/**
 * Judges a pod (Pod `.spec` and `.metadata`, or a workload's pod template's) against `level` at
 * policy version `version` (a label value such as `v1.28` or `latest`, or a minor number of v1),
 * the way Pod Security Admission would, and returns every control it breaks.
 */
export function podSecurityFindings(podSpec: unknown, level: PodSecurityLevel, podMetadata: unknown = {}, version: string | number = 'latest'): PodSecurityFinding[] {
  const minor = typeof version === 'number' ? version : effectivePodSecurityMinor(version);
  const pod = new PodView(isObject(podSpec) ? podSpec : {}, isObject(podMetadata) ? podMetadata : {});
  return controlsAt(level, minor).flatMap(({ control, ruleId, check }) => {
    const j = new Judgement(pod);
    if (!isObject(podSpec)) j.bad('', `the pod spec must be an object, not ${show(podSpec)}`);
    check(j);
    // What a control reads twice (a broken list under two of its readers) it reports once.
    const seen = new Set<string>();
    return j.violations.filter(v => !seen.has(`${v.field}\u0000${v.message}`) && !!seen.add(`${v.field}\u0000${v.message}`))
      .map(v => ({ ...v, control: control.id, level: control.level, rule: ruleId }));
  });
}
