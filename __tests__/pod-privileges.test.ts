import { Testing } from 'cdk8s';
import { HardenedDaemonSet, HardenedDaemonSetProps } from '../constructs/hardened-daemonset';
import { HardenedDeployment } from '../constructs/hardened-deployment';
import { WorkloadExceptions } from '../constructs/hardened-pod';
import { DENIED_HOST_PATHS } from '../constructs/pod-privileges';
import { checkManifests } from '../policy/gate';
import { PodSecurityLevel } from '../policy/pod-security';
import { refusalOf } from './refusal';
import { environment, IMAGE, only } from './support/workloads';
import '../testing';

type Props = Omit<HardenedDaemonSetProps, 'namespace'>;
const X = 'guardrails.cdk8s.io/exception.';

function build(props: Partial<Props> = {}, podSecurity: PodSecurityLevel = 'privileged') {
  const env = environment(podSecurity);
  new HardenedDaemonSet(env.chart, 'agent', { namespace: env.namespace, image: IMAGE, ...props });
  env.deployer();
  const all = () => env.app.charts.flatMap(c => c.toJson());
  return { ...env, objects: Testing.synth(env.chart), all };
}

const refusal = (exceptions: WorkloadExceptions, podSecurity: PodSecurityLevel = 'privileged', extra: Partial<Props> = {}) => {
  const env = environment(podSecurity);
  return refusalOf(() => new HardenedDaemonSet(env.chart, 'agent', { namespace: env.namespace, image: IMAGE, exceptions, ...extra })).message;
};

/** Each privileged control, the pod fields it sets, and the annotations it writes. */
const CONTROLS: { name: string; exceptions: WorkloadExceptions; ports?: boolean; annotations: string[]; check: (pod: any) => void }[] = [
  {
    name: 'privileged', exceptions: { privileged: { reason: 'programs the node firewall' } },
    annotations: ['pod-security.privileged', 'pod-security.privilege-escalation'],
    check: pod => expect(pod.containers[0].securityContext).toMatchObject({ privileged: true, allowPrivilegeEscalation: true, capabilities: { drop: ['ALL'] } }),
  },
  {
    name: 'hostNetwork', exceptions: { hostNetwork: { reason: 'serves DNS on the node address' } }, ports: true,
    annotations: ['pod-security.host-namespaces', 'pod-security.host-ports'],
    check: pod => {
      expect(pod).toMatchObject({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' });
      expect(pod.containers[0].ports).toEqual([{ name: 'metrics', containerPort: 9100, hostPort: 9100, protocol: 'TCP' }]);
    },
  },
  {
    name: 'hostPID', exceptions: { hostPID: { reason: 'profiles every process of the node' } },
    annotations: ['pod-security.host-namespaces'],
    check: pod => expect(pod.hostPID).toBe(true),
  },
  {
    name: 'hostPaths', exceptions: { hostPaths: [{ path: '/proc/sys', reason: 'reads kernel settings to report them' }] },
    annotations: ['pod-security.host-path'],
    check: pod => {
      expect(pod.volumes).toContainEqual({ name: 'host-proc-sys', hostPath: { path: '/proc/sys', type: 'Directory' } });
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'host-proc-sys', mountPath: '/host/proc/sys', readOnly: true });
    },
  },
  {
    name: 'devices', exceptions: { privileged: { reason: 'opens the GPU render node' }, devices: [{ path: '/dev/dri', type: 'Directory', reason: 'decodes video on the GPU' }] },
    annotations: ['pod-security.privileged', 'pod-security.privilege-escalation', 'pod-security.host-path'],
    check: pod => {
      expect(pod.volumes).toContainEqual({ name: 'device-dev-dri', hostPath: { path: '/dev/dri', type: 'Directory' } });
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'device-dev-dri', mountPath: '/dev/dri', readOnly: true });
    },
  },
  {
    name: 'sysctls', exceptions: { sysctls: [{ name: 'net.core.somaxconn', value: '4096', reason: 'accepts bursts of connections' }] },
    annotations: ['pod-security.sysctls'],
    check: pod => expect(pod.securityContext.sysctls).toEqual([{ name: 'net.core.somaxconn', value: '4096' }]),
  },
  {
    name: 'unmaskedProcMount', exceptions: { unmaskedProcMount: { reason: 'runs nested containers in a sandbox' } },
    annotations: ['pod-security.proc-mount'],
    check: pod => {
      expect(pod.containers[0].securityContext.procMount).toBe('Unmasked');
      expect(pod.hostUsers).toBe(false);
    },
  },
];

describe('privileged controls: each a reasoned exception, annotated, and passing the gate', () => {
  test.each(CONTROLS)('$name', ({ exceptions, ports, annotations, check }) => {
    const env = build({ exceptions, ...(ports ? { ports: [{ name: 'metrics', port: 9100 }] } : {}) });
    const set = only(env.objects, 'DaemonSet');
    check(set.spec.template.spec);
    expect(Object.keys(set.metadata.annotations).sort()).toEqual(annotations.map(a => X + a).sort());
    expect(set.spec.template.metadata.annotations).toEqual(set.metadata.annotations);
    expect(env.objects).toMeetPodSecurity('privileged');
    expect(checkManifests(env.all()).failures).toEqual([]);
    expect(env.app).toPassGuardrails();

    // The gate asks for each annotation: take one away, from the DaemonSet and its pods, and it fails.
    for (const a of annotations) {
      const objects = env.all();
      const ds = objects.find(o => o.kind === 'DaemonSet');
      delete ds.metadata.annotations[X + a];
      delete ds.spec.template.metadata.annotations[X + a];
      const failures = checkManifests(objects).failures;
      expect(failures.map(f => f.rule)).toEqual(['pod-security.reasoned']);
      expect(failures[0].message).toContain(`(${X}${a})`);
    }
  });

  test('a restricted pod breaks nothing, and the defaults stay off', () => {
    const pod = only(build({}).objects, 'DaemonSet').spec.template.spec;
    expect(pod).toMatchObject({ hostNetwork: false, hostPID: false, hostIPC: false });
    expect(pod.hostUsers).toBeUndefined();
    expect(pod.containers[0].securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false });
  });

  test('two exceptions of one control each keep their reason in the one annotation', () => {
    const env = build({
      exceptions: {
        hostNetwork: { reason: 'serves DNS on the node address' }, hostPID: { reason: 'profiles every process of the node' },
        hostPaths: [{ path: '/proc/sys', reason: 'reads kernel settings' }, { path: '/sys/fs/cgroup', mountPath: '/cgroup', reason: 'reads cgroup usage' }],
      },
    });
    const annotations = only(env.objects, 'DaemonSet').metadata.annotations;
    expect(annotations[`${X}pod-security.host-namespaces`]).toBe('hostNetwork: serves DNS on the node address; hostPID: profiles every process of the node');
    expect(annotations[`${X}pod-security.host-path`]).toBe('/proc/sys: reads kernel settings; /sys/fs/cgroup: reads cgroup usage');
    expect(annotations[`${X}pod-security.host-ports`]).toBeUndefined();
    expect(checkManifests(env.all()).failures).toEqual([]);
  });

  test('every control together in a kernel-settings DaemonSet', () => {
    const env = build({
      ports: [{ name: 'metrics', port: 9100 }],
      exceptions: {
        privileged: { reason: 'writes node kernel settings' },
        hostPID: { reason: 'reads the node processes' },
        hostPaths: [{ path: '/sys/kernel/mm', type: 'Directory', reason: 'reads transparent huge page settings' }],
        sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'kernel.msgmax', value: '65536', reason: 'large IPC messages' }],
        capabilities: [{ capability: 'SYS_ADMIN', reason: 'remounts sysfs to write it' }],
        runAsRoot: { reason: 'kernel settings are root-owned' },
      },
    });
    expect(checkManifests(env.all()).failures).toEqual([]);
    const annotations = only(env.objects, 'DaemonSet').metadata.annotations;
    // A safe sysctl needs no exception.
    expect(annotations[`${X}pod-security.sysctls`]).toBe('large IPC messages');
  });

  test('a safe sysctl needs neither a reason nor a relaxed namespace', () => {
    const env = environment();
    new HardenedDeployment(env.chart, 'api', {
      namespace: env.namespace, image: IMAGE, exceptions: { sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }] },
    });
    const objects = Testing.synth(env.chart);
    expect(only(objects, 'Deployment').spec.template.spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }]);
    expect(only(objects, 'Deployment').metadata.annotations).toBeUndefined();
    expect(objects).toMeetPodSecurity('restricted');
  });
});

describe('privileged controls: refusals', () => {
  test.each([
    ['privileged', { privileged: { reason: 'programs the node firewall' } }],
    ['hostNetwork', { hostNetwork: { reason: 'serves DNS on the node address' } }],
    ['hostPID', { hostPID: { reason: 'profiles every process' } }],
    ['hostPaths[0].path', { hostPaths: [{ path: '/proc/sys', reason: 'reads kernel settings' }] }],
    ['sysctls[0].name', { sysctls: [{ name: 'net.core.somaxconn', value: '4096', reason: 'accepts connection bursts' }] }],
    ['unmaskedProcMount', { unmaskedProcMount: { reason: 'nested containers in a sandbox' } }],
  ] as [string, WorkloadExceptions][])('%s beyond a baseline namespace names the level and the fix', (field, exceptions) => {
    expect(refusal(exceptions, 'baseline')).toMatch(new RegExp(`exceptions\\.${field.replace(/[[\].]/g, '\\$&')}: needs Pod Security level "privileged", but namespace shop-production enforces "baseline".*Fix: remove the exception, or give the namespace podSecurity "privileged"`, 's'));
  });

  test('each needs a reason', () => {
    expect(refusal({ privileged: {} as any })).toMatch(/exceptions\.privileged\.reason: an exception needs a reason/);
    expect(refusal({ hostPaths: [{ path: '/proc/sys' } as any] })).toMatch(/exceptions\.hostPaths\[0\]\.reason: an exception needs a reason/);
    expect(refusal({ sysctls: [{ name: 'net.core.somaxconn', value: '1' }] })).toMatch(/exceptions\.sysctls\[0\]\.reason: an exception needs a reason/);
  });

  test.each([
    ['/', /is the node's whole filesystem/],
    ['//', /is the node's whole filesystem/],
    ['proc/sys', /must be an absolute path/],
    ['/proc/../etc', /must be an absolute path without "\." or "\.\." segments/],
    ['/etc', /is \/etc, which no pod may mount: the node's configuration/],
    ['/etc/kubernetes/pki', /lies under \/etc/],
    ['/var/run/docker.sock', /container runtime's socket/],
    ['/run/containerd/containerd.sock', /lies under \/run\/containerd/],
    ['/var/lib/kubelet/pods', /every pod's Secrets/],
    ['/var', /contains \/var\/run\/docker\.sock/],
    ['/run', /contains \/run\/docker\.sock/],
    ['/root/.ssh', /home directories/],
    ['/home', /home directories/],
    ['/dev/dri', /is a device path.*list it under exceptions\.devices/s],
  ])('host path %s is refused', (path, problem) => {
    expect(refusal({ hostPaths: [{ path, reason: 'reads something on the node' }] })).toMatch(problem);
  });

  test('the deny list is documented and exported', () => {
    expect(DENIED_HOST_PATHS).toEqual(expect.arrayContaining(['/etc', '/var/run/docker.sock', '/run/containerd', '/var/lib/kubelet', '/root', '/home']));
  });

  test('host paths: types, mount paths and repeats', () => {
    const r = { reason: 'reads kernel settings' };
    expect(refusal({ hostPaths: [{ path: '/proc/sys', type: 'DirectoryOrCreate' as any, ...r }] })).toMatch(/type: must be one of Directory, File/);
    expect(refusal({ hostPaths: [{ path: '/proc/sys', type: 'Socket' as any, ...r }] })).toMatch(/type: must be one of Directory, File/);
    expect(refusal({ hostPaths: [{ path: '/proc/sys', mountPath: '/proc/sys', ...r }] })).toMatch(/mountPath: would cover the container's own \/proc/);
    expect(refusal({ hostPaths: [{ path: '/proc/sys', mountPath: '/', ...r }] })).toMatch(/mountPath: would cover the container's own root filesystem/);
    expect(refusal({ hostPaths: [{ path: '/proc/sys', mountPath: '/tmp', ...r }] })).toMatch(/mounts a host path or device where the container already mounts another volume/);
    expect(refusal({ hostPaths: [{ path: '/proc/sys', ...r }, { path: '/proc/sys/', ...r }] })).toMatch(/hostPaths\[1\]\.path: is listed twice/);
    expect(refusal({ hostPaths: [{ path: '/proc/sys', mountPath: '/x', ...r }, { path: '/sys', mountPath: '/x', ...r }] })).toMatch(/hostPaths\[1\]\.mountPath: is also the mount path/);
    expect(refusal({ hostPaths: { path: '/proc' } as any })).toMatch(/exceptions\.hostPaths: must be a list/);
  });

  test('devices: under /dev, not memory, and only with privileged', () => {
    const r = { reason: 'decodes video on the GPU' };
    const p = { privileged: { reason: 'opens the GPU render node' } };
    expect(refusal({ devices: [{ path: '/dev/dri', ...r }] })).toMatch(/devices\[0\]\.path: is a device, which the container's device cgroup .*Fix: add exceptions\.privileged/s);
    expect(refusal({ ...p, devices: [{ path: '/proc/sys', ...r }] })).toMatch(/is not a device under \/dev/);
    expect(refusal({ ...p, devices: [{ path: '/dev', ...r }] })).toMatch(/is not a device under \/dev/);
    expect(refusal({ ...p, devices: [{ path: '/dev/mem', ...r }] })).toMatch(/physical memory/);
    expect(refusal({ ...p, devices: [{ path: '/dev/sda', type: 'BlockDevice' as any, ...r }] })).toMatch(/type: must be one of CharDevice, Directory/);
    const env = build({ exceptions: { ...p, devices: [{ path: '/dev/rga', ...r }] } });
    expect(only(env.objects, 'DaemonSet').spec.template.spec.volumes).toContainEqual({ name: 'device-dev-rga', hostPath: { path: '/dev/rga', type: 'CharDevice' } });
  });

  test('sysctls: names, namespaces, values and repeats', () => {
    const r = { reason: 'tunes the kernel for the workload' };
    expect(refusal({ sysctls: [{ name: 'net/core/somaxconn', value: '1', ...r }] })).toMatch(/name: is not a sysctl name.*write it with dots/s);
    expect(refusal({ sysctls: [{ name: 'Net.Core', value: '1', ...r }] })).toMatch(/is not a sysctl name/);
    expect(refusal({ sysctls: [{ name: 'vm.max_map_count', value: '262144', ...r }] })).toMatch(/is not namespaced.*set it on the node/s);
    expect(refusal({ sysctls: [{ name: 'kernel.msgmax', value: 'a\nb', ...r }] })).toMatch(/value: runs over more than one line/);
    expect(refusal({ sysctls: [{ name: 'kernel.msgmax', value: '', ...r }] })).toMatch(/value: must be a non-empty string/);
    expect(refusal({ sysctls: [{ name: 'kernel.msgmax', value: '1', ...r }, { name: 'kernel.msgmax', value: '2', ...r }] })).toMatch(/sysctls\[1\]\.name: is listed twice/);
    expect(refusal({ hostNetwork: r, sysctls: [{ name: 'net.core.somaxconn', value: '1', ...r }] })).toMatch(/is a network sysctl, which the kubelet refuses with hostNetwork/);
  });

  test('unmaskedProcMount needs the pod\'s own user namespace, which host namespaces rule out', () => {
    const r = { reason: 'nested containers in a sandbox' };
    expect(refusal({ unmaskedProcMount: r, hostPID: { reason: 'sees every process' } })).toMatch(/unmaskedProcMount: needs the pod's own user namespace \(hostUsers: false\)/);
    expect(refusal({ unmaskedProcMount: r, hostNetwork: { reason: 'serves on the node' } })).toMatch(/remove unmaskedProcMount, or hostNetwork and hostPID/);
  });
});
