import {
  checkManifests, controlsAt, effectivePodSecurityMinor, Json, LATEST_POD_SECURITY_VERSION, parsePodSecurityVersion,
  podSecurityFindings, readManifests, ruleIdForUpstreamCheck,
} from '../policy';

// Pod Security as the API server applies it, version by version: hand-written cases after
// kubernetes/pod-security-admission's policy/check_*.go and its test/testdata (the full upstream
// corpus runs in `npm run conformance -- ../shared/conformance`; these tests stand alone).

const NS = 'tenant';

const hardenedContainer = (name: string): Json => ({
  name, image: 'registry.k8s.io/pause',
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
});

/** A Pod that restricted admits at every version, changed by `mutate`. */
function pod(mutate: (spec: Json, metadata: Json) => void = () => undefined): Json {
  const metadata: Json = { name: 'p', namespace: NS };
  const spec: Json = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [hardenedContainer('init')],
    containers: [hardenedContainer('app')],
  };
  mutate(spec, metadata);
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

const namespace = (labels: Record<string, unknown>): Json => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels } });

/** The `pss.*` findings, as `rule field`, for `p` in a namespace enforcing `level` at `version` (no label when undefined). */
function judge(p: Json, level: string, version?: unknown): string[] {
  const labels: Record<string, unknown> = { 'pod-security.kubernetes.io/enforce': level };
  if (version !== undefined) labels['pod-security.kubernetes.io/enforce-version'] = version;
  return checkManifests([namespace(labels), p]).findings.filter(f => f.rule.startsWith('pss.')).map(f => `${f.rule} ${f.field}`);
}

const sysctl = (name: string) => pod(spec => { spec.securityContext.sysctls = [{ name, value: '1' }]; });
const SYSCTL = 'pss.baseline.sysctls spec.securityContext.sysctls[0].name';

describe('parsePodSecurityVersion reads enforce-version labels as Pod Security Admission does', () => {
  test.each([
    ['latest', 'latest'],
    ['v1.0', { major: 1, minor: 0 }],
    ['v1.28', { major: 1, minor: 28 }],
    ['v1.99', { major: 1, minor: 99 }],
  ])('%s is valid', (label, parsed) => {
    expect(parsePodSecurityVersion(label)).toEqual(parsed);
  });

  test.each([
    'v1.028', 'v1.', 'v2.0', '1.28', 'V1.28', 'v1.28 ', ' v1.28', 'v1.28\n', 'v1.28.0', 'Latest', '', 'v1.99999999999999999999',
  ])('%j is invalid', label => {
    expect(parsePodSecurityVersion(label)).toBeUndefined();
  });

  test.each([[1.28], [true], [null], [undefined], [{ major: 1, minor: 28 }], [['v1.28']]])('a non-string label %j is invalid', label => {
    expect(parsePodSecurityVersion(label)).toBeUndefined();
  });

  test('latest, a missing or invalid label and any newer version are judged at the newest version we know', () => {
    expect(LATEST_POD_SECURITY_VERSION).toEqual({ major: 1, minor: 37 });
    for (const label of ['latest', undefined, 'v1.028', 'v1.38', 'v1.500']) expect(effectivePodSecurityMinor(label)).toBe(37);
    expect(effectivePodSecurityMinor('v1.28')).toBe(28);
  });
});

describe('safe sysctls grow with the policy version', () => {
  test.each([
    ['net.ipv4.ip_local_reserved_ports', 'v1.26', 'v1.27'],
    ['net.ipv4.tcp_keepalive_time', 'v1.28', 'v1.29'],
    ['net.ipv4.tcp_fin_timeout', 'v1.28', 'v1.29'],
    ['net.ipv4.tcp_rmem', 'v1.31', 'v1.32'],
    ['net.ipv4.tcp_notsent_lowat', 'v1.36', 'v1.37'],
  ])('%s is refused at %s and admitted from %s', (name, before, from) => {
    expect(judge(sysctl(name), 'baseline', before)).toEqual([SYSCTL]);
    expect(judge(sysctl(name), 'baseline', from)).toEqual([]);
    expect(judge(sysctl(name), 'restricted', from)).toEqual([]);
  });

  test('a v1.29 sysctl is refused in a namespace pinned to v1.28, whatever else the namespace says', () => {
    const result = checkManifests([namespace({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.28' }),
      sysctl('net.ipv4.tcp_keepalive_intvl')]);
    const found = result.failures.filter(f => f.rule === 'pss.baseline.sysctls');
    expect(found.map(f => f.message)).toEqual([expect.stringMatching(/not safe at this policy version \(namespace tenant enforces baseline at v1\.28\)/)]);
  });

  test('slash-separated names are compared as written, as upstream does', () => {
    expect(judge(sysctl('net/ipv4/tcp_syncookies'), 'baseline', 'latest')).toEqual([SYSCTL]);
  });

  test('an unsafe sysctl is refused at every version', () => {
    for (const v of ['v1.0', 'v1.28', 'latest']) expect(judge(sysctl('kernel.msgmax'), 'baseline', v)).toEqual([SYSCTL]);
  });
});

describe('the namespace decides the version', () => {
  const probeHost = pod(spec => { spec.containers[0].livenessProbe = { httpGet: { host: '169.254.169.254', port: 80 } }; });
  const HOST = 'pss.baseline.host-probes spec.containers[0].livenessProbe.httpGet.host';

  test('host probes are refused from v1.34, the version that added the control', () => {
    expect(judge(probeHost, 'baseline', 'v1.33')).toEqual([]);
    expect(judge(probeHost, 'baseline', 'v1.34')).toEqual([HOST]);
  });

  test('latest, a version newer than we know, a missing label and an invalid label all judge at the newest version', () => {
    for (const v of ['latest', 'v1.40', undefined, 'v1.028', 'one-twenty-eight', 28]) expect([v, judge(probeHost, 'baseline', v)]).toEqual([v, [HOST]]);
  });

  test('an invalid label is named in the message', () => {
    const [f] = checkManifests([namespace({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.028' }), probeHost])
      .findings.filter(x => x.rule.startsWith('pss.'));
    expect(f.message).toMatch(/enforces baseline at latest \(v1\.37\), as enforce-version "v1\.028" is invalid/);
  });

  test('a namespace outside the set is restricted at latest', () => {
    const p = pod(spec => { delete spec.containers[0].securityContext; });
    const result = checkManifests([p]).findings.filter(f => f.rule.startsWith('pss.'));
    expect(result.map(f => f.rule)).toEqual(['pss.restricted.privilege-escalation', 'pss.restricted.capabilities']);
    expect(result[0].message).toContain('namespace tenant enforces restricted at latest (v1.37)');
  });

  test('a namespace pinned to an old version applies that version\'s controls only', () => {
    const old = pod(spec => {
      delete spec.securityContext.seccompProfile;
      spec.securityContext.runAsUser = 0;
      spec.containers[0].securityContext = { capabilities: { add: ['CHOWN'] } };
    });
    // v1.7: no allowPrivilegeEscalation (v1.8), seccomp (v1.19), restricted capabilities (v1.22) or runAsUser (v1.23) control yet.
    expect(judge(old, 'restricted', 'v1.7')).toEqual([]);
    expect(judge(old, 'restricted', 'v1.8')).toEqual(['pss.restricted.privilege-escalation spec.containers[0].securityContext.allowPrivilegeEscalation']);
    expect(judge(old, 'restricted', 'v1.22')).toEqual([
      'pss.restricted.capabilities spec.containers[0].securityContext.capabilities.drop',
      'pss.restricted.capabilities spec.containers[0].securityContext.capabilities.add[0]',
      'pss.restricted.privilege-escalation spec.containers[0].securityContext.allowPrivilegeEscalation',
      'pss.restricted.seccomp spec.initContainers[0].securityContext.seccompProfile.type',
      'pss.restricted.seccomp spec.containers[0].securityContext.seccompProfile.type',
    ].sort((a, b) => rank(a) - rank(b)));
    expect(judge(old, 'restricted', 'v1.23')).toContain('pss.restricted.run-as-user spec.securityContext.runAsUser');
  });

  test('a privileged namespace admits anything at any version', () => {
    const anything = pod(spec => { spec.hostNetwork = true; spec.containers[0].securityContext = { privileged: 'yes' }; });
    expect(judge(anything, 'privileged', 'v1.28')).toEqual([]);
    expect(controlsAt('privileged', 37)).toEqual([]);
  });
});

/** Orders expected findings as the gate does: by rule in catalogue order. */
const ORDER = ['pss.restricted.volume-types', 'pss.restricted.privilege-escalation', 'pss.restricted.run-as-non-root', 'pss.restricted.run-as-user', 'pss.restricted.seccomp', 'pss.restricted.capabilities'];
const rank = (s: string) => ORDER.indexOf(s.split(' ')[0]);

describe('Windows pods', () => {
  const windows = pod(spec => {
    spec.os = { name: 'windows' };
    delete spec.securityContext.seccompProfile;
    for (const c of [...spec.initContainers, ...spec.containers]) delete c.securityContext;
  });

  test('are exempt from the Linux-only restricted controls from v1.25', () => {
    expect(judge(windows, 'restricted', 'v1.25')).toEqual([]);
    expect(judge(windows, 'restricted', 'latest')).toEqual([]);
  });

  test('are not exempt at v1.24', () => {
    expect(new Set(judge(windows, 'restricted', 'v1.24').map(f => f.split(' ')[0])))
      .toEqual(new Set(['pss.restricted.privilege-escalation', 'pss.restricted.seccomp', 'pss.restricted.capabilities']));
  });

  test('still must run as non-root and may not run host processes', () => {
    const root = pod(spec => { spec.os = { name: 'windows' }; spec.securityContext.runAsNonRoot = false; });
    expect(judge(root, 'restricted', 'latest')).toEqual(['pss.restricted.run-as-non-root spec.securityContext.runAsNonRoot']);
    const hostProcess = pod(spec => { spec.os = { name: 'windows' }; spec.securityContext.windowsOptions = { hostProcess: true }; });
    expect(judge(hostProcess, 'restricted', 'latest')).toEqual(['pss.baseline.host-process spec.securityContext.windowsOptions.hostProcess']);
  });

  test('adding SYS_ADMIN is refused at baseline (which has no Windows exemption)', () => {
    const sysAdmin = pod(spec => { spec.os = { name: 'windows' }; spec.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']; });
    expect(judge(sysAdmin, 'baseline', 'latest')).toEqual(['pss.baseline.capabilities spec.containers[0].securityContext.capabilities.add[0]']);
  });

  test('only os.name exactly "windows" counts', () => {
    for (const name of ['Windows', 'WINDOWS', ' windows', true]) {
      const p = pod(spec => { spec.os = { name }; delete spec.containers[0].securityContext; });
      expect(judge(p, 'restricted', 'latest')).not.toEqual([]);
    }
  });
});

describe('pods with their own user namespace (hostUsers: false)', () => {
  const unmasked = (hostUsers: unknown) => pod(spec => { spec.hostUsers = hostUsers; spec.containers[0].securityContext.procMount = 'Unmasked'; });
  const PROC = 'spec.containers[0].securityContext.procMount';

  test('baseline admits any procMount from v1.35, not before', () => {
    expect(judge(unmasked(false), 'baseline', 'v1.34')).toEqual([`pss.baseline.proc-mount ${PROC}`]);
    expect(judge(unmasked(false), 'baseline', 'v1.35')).toEqual([]);
    expect(judge(unmasked(true), 'baseline', 'v1.35')).toEqual([`pss.baseline.proc-mount ${PROC}`]);
  });

  test('restricted never admits it: from v1.35 its own control replaces the relaxed baseline one', () => {
    expect(judge(unmasked(false), 'restricted', 'v1.34')).toEqual([`pss.baseline.proc-mount ${PROC}`]);
    expect(judge(unmasked(false), 'restricted', 'v1.35')).toEqual([`pss.restricted.proc-mount ${PROC}`]);
    expect(judge(unmasked(false), 'restricted', 'latest')).toEqual([`pss.restricted.proc-mount ${PROC}`]);
  });

  test('restricted admits root in a user namespace from v1.35', () => {
    const root = (hostUsers: unknown) => pod(spec => { spec.hostUsers = hostUsers; spec.securityContext.runAsNonRoot = false; spec.securityContext.runAsUser = 0; });
    expect(judge(root(false), 'restricted', 'v1.34')).toEqual([
      'pss.restricted.run-as-non-root spec.securityContext.runAsNonRoot', 'pss.restricted.run-as-user spec.securityContext.runAsUser',
    ]);
    expect(judge(root(false), 'restricted', 'v1.35')).toEqual([]);
    // Only the boolean false relaxes: "false" is no user namespace.
    expect(judge(root('false'), 'restricted', 'v1.35')).toHaveLength(2);
    expect(judge(root(undefined), 'restricted', 'v1.35')).toHaveLength(2);
  });
});

describe('AppArmor', () => {
  const ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/app';

  test.each([
    ['pod Unconfined', (s: Json) => { s.securityContext.appArmorProfile = { type: 'Unconfined' }; }, 'spec.securityContext.appArmorProfile.type'],
    ['container Unconfined', (s: Json) => { s.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' }; }, 'spec.containers[0].securityContext.appArmorProfile.type'],
    ['init container without a type', (s: Json) => { s.initContainers[0].securityContext.appArmorProfile = {}; }, 'spec.initContainers[0].securityContext.appArmorProfile.type'],
    ['a misspelt type', (s: Json) => { s.securityContext.appArmorProfile = { type: 'runtimedefault' }; }, 'spec.securityContext.appArmorProfile.type'],
    ['a profile that is not an object', (s: Json) => { s.securityContext.appArmorProfile = 'Unconfined'; }, 'spec.securityContext.appArmorProfile'],
  ])('the field: %s is refused at every version', (_, mutate, field) => {
    for (const v of ['v1.0', 'v1.28', 'v1.30', 'latest']) expect(judge(pod(mutate), 'baseline', v)).toEqual([`pss.baseline.apparmor ${field}`]);
  });

  test.each([['RuntimeDefault'], ['Localhost']])('the field: %s is admitted', type => {
    expect(judge(pod(s => { s.securityContext.appArmorProfile = { type }; s.containers[0].securityContext.appArmorProfile = { type }; }), 'restricted', 'latest')).toEqual([]);
  });

  test.each([['unconfined'], ['docker-default'], ['localhost'], [true]])('the annotation %j is refused', value => {
    expect(judge(pod((_, m) => { m.annotations = { [ANNOTATION]: value }; }), 'baseline', 'v1.28')).toEqual([`pss.baseline.apparmor metadata.annotations.${ANNOTATION}`]);
  });

  test.each([['runtime/default'], ['localhost/acme'], ['']])('the annotation %j is admitted', value => {
    expect(judge(pod((_, m) => { m.annotations = { [ANNOTATION]: value }; }), 'restricted', 'v1.28')).toEqual([]);
  });

  test('annotations of a workload\'s pod template are judged, at their path', () => {
    const p = pod();
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: NS },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' }, annotations: { [ANNOTATION]: 'unconfined' } }, spec: p.spec } },
    };
    const found = checkManifests([namespace({ 'pod-security.kubernetes.io/enforce': 'baseline' }), deployment]).findings.filter(f => f.rule.startsWith('pss.'));
    expect(found.map(f => [f.object, f.field])).toEqual([['Deployment tenant/d', `spec.template.metadata.annotations.${ANNOTATION}`]]);
  });
});

describe('SELinux and seccomp', () => {
  test('container_engine_t is admitted from v1.31', () => {
    const engine = pod(s => { s.securityContext.seLinuxOptions = { type: 'container_engine_t' }; });
    expect(judge(engine, 'baseline', 'v1.30')).toEqual(['pss.baseline.selinux spec.securityContext.seLinuxOptions.type']);
    expect(judge(engine, 'baseline', 'v1.31')).toEqual([]);
  });

  test('before v1.19 seccomp is judged by annotations, from v1.19 by the fields', () => {
    const annotated = pod((s, m) => { delete s.securityContext.seccompProfile; m.annotations = { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }; });
    expect(judge(annotated, 'baseline', 'v1.18')).toEqual(['pss.baseline.seccomp metadata.annotations.seccomp.security.alpha.kubernetes.io/pod']);
    expect(judge(annotated, 'baseline', 'v1.19')).toEqual([]);
    const field = pod(s => { s.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; });
    expect(judge(field, 'baseline', 'v1.18')).toEqual([]);
    expect(judge(field, 'baseline', 'v1.19')).toEqual(['pss.baseline.seccomp spec.containers[0].securityContext.seccompProfile.type']);
    expect(judge(field, 'restricted', 'v1.19')).toEqual(['pss.restricted.seccomp spec.containers[0].securityContext.seccompProfile.type']);
  });
});

describe('what the engine cannot read is a finding, never a pass', () => {
  test.each([
    ['privileged: "true"', (s: Json) => { s.containers[0].securityContext.privileged = 'true'; }, 'pss.baseline.privileged spec.containers[0].securityContext.privileged'],
    ['hostNetwork: 1', (s: Json) => { s.hostNetwork = 1; }, 'pss.baseline.host-namespaces spec.hostNetwork'],
    ['hostPID: "yes"', (s: Json) => { s.hostPID = 'yes'; }, 'pss.baseline.host-namespaces spec.hostPID'],
    ['hostProcess: "true"', (s: Json) => { s.securityContext.windowsOptions = { hostProcess: 'true' }; }, 'pss.baseline.host-process spec.securityContext.windowsOptions.hostProcess'],
    ['hostPort: "8080"', (s: Json) => { s.containers[0].ports = [{ containerPort: 80, hostPort: '8080' }]; }, 'pss.baseline.host-ports spec.containers[0].ports[0].hostPort'],
    ['capabilities.add: "SYS_ADMIN"', (s: Json) => { s.containers[0].securityContext.capabilities.add = 'SYS_ADMIN'; }, 'pss.baseline.capabilities spec.containers[0].securityContext.capabilities.add'],
    ['sysctls as a map', (s: Json) => { s.securityContext.sysctls = { 'kernel.msgmax': '1' }; }, 'pss.baseline.sysctls spec.securityContext.sysctls'],
    ['a sysctl name that is a number', (s: Json) => { s.securityContext.sysctls = [{ name: 7, value: '1' }]; }, SYSCTL],
    ['seLinuxOptions.user: 0', (s: Json) => { s.securityContext.seLinuxOptions = { user: 0 }; }, 'pss.baseline.selinux spec.securityContext.seLinuxOptions.user'],
    ['procMount: 1', (s: Json) => { s.containers[0].securityContext.procMount = 1; }, 'pss.baseline.proc-mount spec.containers[0].securityContext.procMount'],
  ])('%s at baseline', (_, mutate, finding) => {
    expect(judge(pod(mutate), 'baseline', 'latest')).toEqual([finding]);
  });

  test.each([
    ['allowPrivilegeEscalation: "false"', (s: Json) => { s.containers[0].securityContext.allowPrivilegeEscalation = 'false'; },
      'pss.restricted.privilege-escalation spec.containers[0].securityContext.allowPrivilegeEscalation'],
    ['runAsNonRoot: "true" on the pod', (s: Json) => { s.securityContext.runAsNonRoot = 'true'; }, 'pss.restricted.run-as-non-root spec.securityContext.runAsNonRoot'],
    ['runAsUser: "0"', (s: Json) => { s.securityContext.runAsUser = '0'; }, 'pss.restricted.run-as-user spec.securityContext.runAsUser'],
    ['runAsUser: 0.5', (s: Json) => { s.securityContext.runAsUser = 0.5; }, 'pss.restricted.run-as-user spec.securityContext.runAsUser'],
    ['drop: "ALL"', (s: Json) => { s.containers[0].securityContext.capabilities.drop = 'ALL'; }, 'pss.restricted.capabilities spec.containers[0].securityContext.capabilities.drop'],
  ])('%s at restricted', (_, mutate, finding) => {
    expect(judge(pod(mutate), 'restricted', 'latest')).toContain(finding);
  });

  test('a security context that is not an object is reported by every control that reads it', () => {
    const rules = judge(pod(s => { s.containers[0].securityContext = 'privileged'; }), 'restricted', 'latest');
    expect(rules.length).toBeGreaterThan(0);
    for (const f of rules) expect(f).toMatch(/ spec\.containers\[0\]\.securityContext$/);
    expect(rules).toContain('pss.baseline.privileged spec.containers[0].securityContext');
  });

  test('containers that are not a list are reported, not skipped', () => {
    const rules = judge(pod(s => { s.containers = { app: { securityContext: { privileged: true } } }; }), 'baseline', 'latest');
    expect(rules).toContain('pss.baseline.privileged spec.containers');
  });

  test('YAML 1.1 spellings are read as Kubernetes reads them', () => {
    const [p] = readManifests(`apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ${NS}}
spec:
  hostNetwork: yes
  containers:
  - name: app
    image: registry.k8s.io/pause
    securityContext: {privileged: on, allowPrivilegeEscalation: off, capabilities: {drop: [ALL]}}
`);
    expect(judge(p, 'baseline', 'latest')).toEqual(['pss.baseline.host-namespaces spec.hostNetwork', 'pss.baseline.privileged spec.containers[0].securityContext.privileged']);
  });

  test('only own fields count: prototype keys are unknown fields, and inherited values are not read', () => {
    const [p] = readManifests(`apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ${NS}}
spec:
  __proto__: {hostNetwork: true}
  constructor: {privileged: true}
  containers: [{name: app, image: x, securityContext: {privileged: yes}}]
`);
    expect(judge(p, 'baseline', 'latest')).toEqual(['pss.baseline.privileged spec.containers[0].securityContext.privileged']);
    const inherited = pod(s => { Object.setPrototypeOf(s.containers[0].securityContext, { allowPrivilegeEscalation: false }); delete s.containers[0].securityContext.allowPrivilegeEscalation; });
    expect(judge(inherited, 'restricted', 'latest')).toEqual(['pss.restricted.privilege-escalation spec.containers[0].securityContext.allowPrivilegeEscalation']);
  });
});

describe('restricted controls stand on their own', () => {
  test('SYS_ADMIN in a restricted namespace is the restricted capabilities control\'s finding', () => {
    expect(judge(pod(s => { s.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']; }), 'restricted', 'v1.28'))
      .toEqual(['pss.restricted.capabilities spec.containers[0].securityContext.capabilities.add[0]']);
  });

  test('upstream checks map to the control that applies them at each level and version', () => {
    expect(ruleIdForUpstreamCheck('capabilities_baseline', 'baseline', 37)).toBe('pss.baseline.capabilities');
    expect(ruleIdForUpstreamCheck('capabilities_baseline', 'restricted', 21)).toBe('pss.baseline.capabilities');
    expect(ruleIdForUpstreamCheck('capabilities_baseline', 'restricted', 22)).toBe('pss.restricted.capabilities');
    expect(ruleIdForUpstreamCheck('hostpathvolumes', 'restricted', 0)).toBe('pss.restricted.volume-types');
    expect(ruleIdForUpstreamCheck('seccompprofile_baseline', 'restricted', 18)).toBe('pss.baseline.seccomp');
    expect(ruleIdForUpstreamCheck('seccompprofile_baseline', 'restricted', 19)).toBe('pss.restricted.seccomp');
    expect(ruleIdForUpstreamCheck('procmount', 'restricted', 35)).toBe('pss.restricted.proc-mount');
    expect(ruleIdForUpstreamCheck('hostprobesandhostlifecycle', 'baseline', 33)).toBeUndefined();
    expect(ruleIdForUpstreamCheck('runasuser', 'restricted', 22)).toBeUndefined();
  });

  test('podSecurityFindings names each finding\'s rule', () => {
    expect(podSecurityFindings({ hostIPC: true, containers: [] }, 'restricted', {}, 'v1.28').map(f => [f.rule, f.field])).toEqual([['pss.baseline.host-namespaces', 'hostIPC']]);
  });
});
