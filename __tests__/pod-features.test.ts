import { Chart, Testing } from 'cdk8s';
import { HardenedDeployment, HardenedDeploymentProps } from '../constructs/hardened-deployment';
import { HardenedJob } from '../constructs/hardened-job';
import { HardenedStatefulSet } from '../constructs/hardened-statefulset';
import { DefaultDenyNetwork } from '../constructs/default-deny-network';
import { TenantNamespace } from '../constructs/tenant-namespace';
import { synthChart } from '../testing';
import { refusalOf } from './refusal';
import { departuresOf } from '../policy/departures';
import { RULES } from '../policy';
import '../testing';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const IMAGE = `ghcr.io/acme/api:1.4.2@${DIGEST}`;
const PROXY = `ghcr.io/acme/proxy:2.0.0@${DIGEST}`;

type Props = Omit<HardenedDeploymentProps, 'namespace' | 'image'>;

function setup() {
  const chart = new Chart(Testing.app(), 'test');
  const namespace = new TenantNamespace(chart, 'ns', { app: 'shop', environment: 'production' });
  new DefaultDenyNetwork(chart, 'net', { namespace });
  return { chart, namespace };
}

function build(props: Props = {}) {
  const { chart, namespace } = setup();
  new HardenedDeployment(chart, 'api', { namespace, image: IMAGE, ...props });
  return { chart, objects: Testing.synth(chart) as any[] };
}

const refusal = (props: Props) => {
  const { chart, namespace } = setup();
  return refusalOf(() => new HardenedDeployment(chart, 'api', { namespace, image: IMAGE, ...props }));
};
const of = (objects: any[], kind: string) => objects.filter(o => o.kind === kind);
const podSpec = (objects: any[]) => of(objects, 'Deployment')[0].spec.template.spec;
const podTemplate = (objects: any[]) => of(objects, 'Deployment')[0].spec.template;

/** The chart passes the gate and restricted Pod Security. */
function expectHardened(chart: Chart) {
  const result = synthChart(chart);
  expect(result).toPassGuardrails();
  expect(result).toMeetPodSecurity('restricted');
}

describe('sidecars and init containers', () => {
  const sidecar = { name: 'proxy', image: PROXY, args: ['--upstream=127.0.0.1:8080'] };

  test('a sidecar is by default a plain container with the main container\'s restricted security context, resources and its own /tmp', () => {
    const { chart, objects } = build({ sidecars: [sidecar] });
    const spec = podSpec(objects);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['api', 'proxy']);
    const proxy = spec.containers[1];
    expect(proxy.securityContext).toEqual(spec.containers[0].securityContext);
    expect(proxy.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(proxy.volumeMounts).toEqual([{ name: 'proxy-writable-tmp', mountPath: '/tmp' }]);
    expect(spec.volumes).toContainEqual({ name: 'proxy-writable-tmp', emptyDir: { sizeLimit: '64Mi' } });
    expectHardened(chart);
  });

  test('native sidecars are init containers with restartPolicy Always, before the init containers', () => {
    const { chart, objects } = build({ sidecarMode: 'native', sidecars: [sidecar], initContainers: [{ name: 'migrate', image: IMAGE, command: ['/migrate'] }] });
    const spec = podSpec(objects);
    expect(spec.containers).toHaveLength(1);
    expect(spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['proxy', 'Always'], ['migrate', undefined]]);
    expectHardened(chart);
  });

  test('sidecars do not get the main container\'s added capabilities', () => {
    const { objects } = build({ sidecars: [sidecar], exceptions: { capabilities: [{ capability: 'NET_BIND_SERVICE', reason: 'binds port 443 inside the container' }] } });
    expect(podSpec(objects).containers[1].securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('refuses a container name used twice, naming the field', () => {
    expect(refusal({ sidecars: [{ ...sidecar, name: 'api' }] }).message).toMatch(/sidecars\[0\]\.name: is the name of another container.*Fix: give each container its own name/);
    expect(refusal({ sidecars: [sidecar], initContainers: [{ name: 'proxy', image: IMAGE }] }).message).toMatch(/initContainers\[0\]\.name/);
  });

  test('refuses an unpinned sidecar image and a literal credential in its env, naming the sidecar\'s field', () => {
    expect(refusal({ sidecars: [{ ...sidecar, image: 'envoy:1.30' }] }).message).toMatch(/\] sidecars\[0\]\.image: is not pinned by digest/);
    const err = refusal({ initContainers: [{ name: 'migrate', image: IMAGE, env: { DB_PASSWORD: 'hunter2' } }] });
    expect(err.message).toMatch(/initContainers\[0\]\.env\.DB_PASSWORD: looks like a credential/);
    expect(err.message).not.toContain('hunter2');
  });

  test('refuses plain sidecars in a Job, whose pod they would keep running', () => {
    const { chart, namespace } = setup();
    const err = refusalOf(() => new HardenedJob(chart, 'job', { namespace, image: IMAGE, sidecars: [sidecar] }));
    expect(err.message).toMatch(/sidecarMode: .*keep the pod of this Job running.*Fix: set sidecarMode "native"/);
  });
});

describe('sidecar ports', () => {
  const proxy = { name: 'proxy', image: PROXY, ports: [{ name: 'https', port: 8443, servicePort: 443 }] };
  const main = { ports: [{ name: 'http', port: 8080 }] };

  test('a sidecar\'s ports are its container ports and join the Service, after the main container\'s, by name', () => {
    const { chart, objects } = build({ ...main, sidecars: [proxy] });
    const spec = podSpec(objects);
    expect(spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(spec.containers[1].ports).toEqual([{ name: 'https', containerPort: 8443, protocol: 'TCP' }]);
    expect(of(objects, 'Service')[0].spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' },
    ]);
    expectHardened(chart);
  });

  test('a workload whose only ports are a sidecar\'s still gets its Service, and the main container no default readiness probe on them', () => {
    const { chart, objects } = build({ sidecars: [proxy] });
    expect(of(objects, 'Service')[0].spec.ports.map((p: any) => p.name)).toEqual(['https']);
    expect(podSpec(objects).containers[0].readinessProbe).toBeUndefined();
    expectHardened(chart);
  });

  test('a native sidecar\'s port is the Service\'s target by number: before Kubernetes 1.32 a name is looked up among app containers only', () => {
    const { objects } = build({ ...main, sidecarMode: 'native', sidecars: [proxy] });
    expect(podSpec(objects).initContainers[0].ports).toEqual([{ name: 'https', containerPort: 8443, protocol: 'TCP' }]);
    expect(of(objects, 'Service')[0].spec.ports.map((p: any) => p.targetPort)).toEqual(['http', 8443]);
  });

  test('a sidecar\'s probe may name its own port, not the main container\'s', () => {
    const { objects } = build({ ...main, sidecars: [{ ...proxy, probes: { readiness: { tcpSocket: { port: 'https' } } } }] });
    expect(podSpec(objects).containers[1].readinessProbe.tcpSocket).toEqual({ port: 'https' });
    expect(refusal({ ...main, sidecars: [{ ...proxy, probes: { readiness: { tcpSocket: { port: 'http' } } } }] }).message)
      .toMatch(/sidecars\[0\]\.probes\.readiness\.tcpSocket\.port: names no port of this workload.*"https"/);
  });

  test('names, ports and service ports are unique across all containers of the pod', () => {
    expect(refusal({ ...main, sidecars: [{ ...proxy, ports: [{ name: 'http', port: 9000 }] }] }).message)
      .toMatch(/sidecars\[0\]\.ports\[0\]: repeats name http of another port of the pod.*Fix: give each port of the pod/);
    expect(refusal({ ...main, sidecars: [{ ...proxy, ports: [{ name: 'metrics', port: 8080 }] }] }).message).toMatch(/sidecars\[0\]\.ports\[0\]: repeats port 8080\/TCP/);
    expect(refusal({ ...main, sidecars: [{ ...proxy, ports: [{ name: 'metrics', port: 9090, servicePort: 8080 }] }] }).message).toMatch(/repeats service port 8080\/TCP/);
    expect(refusal({ sidecars: [proxy, { ...proxy, name: 'other' }] }).message).toMatch(/sidecars\[1\]\.ports\[0\]: repeats name https/);
    // The same number over UDP is another port.
    expect(() => build({ ...main, sidecars: [{ ...proxy, ports: [{ name: 'dns', port: 8080, protocol: 'UDP' }] }] })).not.toThrow();
  });

  test('refuses a malformed sidecar port, naming the sidecar\'s field', () => {
    expect(refusal({ sidecars: [{ ...proxy, ports: [{ name: 'HTTPS', port: 8443 }] }] }).message).toMatch(/sidecars\[0\]\.ports\[0\]\.name: must be an IANA service name/);
    expect(refusal({ sidecars: [{ ...proxy, ports: [{ name: 'https', port: 70000 }] }] }).message).toMatch(/sidecars\[0\]\.ports\[0\]\.port/);
    expect(refusal({ sidecars: [{ ...proxy, ports: { name: 'https', port: 8443 } as any }] }).message).toMatch(/sidecars\[0\]\.ports: must be a list/);
  });

  test('refuses a port on an init container, with the fix to make it a sidecar', () => {
    const err = refusal({ initContainers: [{ name: 'migrate', image: IMAGE, ports: [{ name: 'http', port: 9000 }] } as any] });
    expect(err.message).toMatch(/initContainers\[0\]\.ports: is set on an init container, which runs to completion.*Fix: move the container to sidecars/);
  });

  test('refuses a sidecar port in a Job, which has no Service', () => {
    const { chart, namespace } = setup();
    const err = refusalOf(() => new HardenedJob(chart, 'job', { namespace, image: IMAGE, sidecarMode: 'native', sidecars: [proxy] }));
    expect(err.message).toMatch(/sidecars\[0\]\.ports: must be empty: a Job has no Service/);
  });

  test('with hostNetwork, a sidecar\'s ports are host ports too', () => {
    const chart = new Chart(Testing.app(), 'test');
    const namespace = new TenantNamespace(chart, 'ns', { app: 'node', environment: 'production', podSecurity: 'privileged', podSecurityReason: 'node agents read the host network stack' });
    new HardenedDeployment(chart, 'api', {
      namespace, image: IMAGE, ...main, sidecars: [proxy], sidecarMode: 'native',
      exceptions: { hostNetwork: { reason: 'the node agent reads the host network stack' } },
    });
    const spec = podSpec(Testing.synth(chart));
    expect(spec.containers[0].ports[0].hostPort).toBe(8080);
    expect(spec.initContainers[0].ports[0].hostPort).toBe(8443);
  });
});

describe('config files and file volumes', () => {
  const config = { name: 'config', mountPath: '/etc/api', data: { 'app.yaml': 'port: 8080\n' } };

  test('configFiles become a ConfigMap <workload>-<name>, mounted read-only at mode 0440', () => {
    const { chart, objects } = build({ configFiles: [config] });
    expect(of(objects, 'ConfigMap')).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ name: 'api-config', namespace: 'shop-production' }), data: config.data })]);
    const spec = podSpec(objects);
    expect(spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'api-config', defaultMode: 0o440 } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/api', readOnly: true });
    expectHardened(chart);
  });

  test('the pod template carries the configFiles\' hash, so a changed file rolls the pods; nothing else changes', () => {
    const before = build({ configFiles: [config] }).objects;
    const hash = of(before, 'Deployment')[0].spec.template.metadata.annotations['guardrails.cdk8s.io/config-hash'];
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    // Only on the pod template: the Deployment object itself is not what rolls.
    expect(of(before, 'Deployment')[0].metadata.annotations).toBeUndefined();
    const after = build({ configFiles: [{ ...config, data: { 'app.yaml': 'port: 8081\n' } }] }).objects;
    const changed = of(after, 'Deployment')[0].spec.template.metadata.annotations['guardrails.cdk8s.io/config-hash'];
    expect(changed).toMatch(/^[0-9a-f]{16}$/);
    expect(changed).not.toBe(hash);
    const strip = (objects: any[]) => JSON.parse(JSON.stringify(objects), (k, v) => (k === 'guardrails.cdk8s.io/config-hash' || k === 'app.yaml' ? undefined : v));
    expect(strip(after)).toEqual(strip(before));
  });

  test('the config hash is deterministic: the same files in another order give the same hash; a renamed file another', () => {
    const two = { name: 'extra', mountPath: '/etc/extra', data: { 'b.conf': 'b', 'a.conf': 'a' } };
    const hashOf = (props: Props) => podTemplate(build(props).objects).metadata.annotations['guardrails.cdk8s.io/config-hash'];
    const hash = hashOf({ configFiles: [config, two] });
    expect(hashOf({ configFiles: [config, two] })).toBe(hash);
    expect(hashOf({ configFiles: [two, config].map(c => ({ ...c })) })).toBe(hash);
    expect(hashOf({ configFiles: [config, { ...two, data: { 'a.conf': 'a', 'b.conf': 'b' } }] })).toBe(hash);
    expect(hashOf({ configFiles: [config, { ...two, data: { 'a.conf': 'a', 'c.conf': 'b' } }] })).not.toBe(hash);
    // Content moved from one file to another is another configuration.
    expect(hashOf({ configFiles: [config, { ...two, data: { 'a.conf': 'b', 'b.conf': 'a' } }] })).not.toBe(hash);
  });

  test('no configFiles, no config hash; with exceptions the hash sits beside them and is no departure', () => {
    expect(podTemplate(build({}).objects).metadata.annotations).toBeUndefined();
    const { chart, objects } = build({ configFiles: [config], exceptions: { writableRootFilesystem: { reason: 'the vendor image writes to /var/lib' } } });
    const annotations = podTemplate(objects).metadata.annotations;
    expect(Object.keys(annotations).sort()).toEqual(['guardrails.cdk8s.io/config-hash', 'guardrails.cdk8s.io/exception.writable-root-filesystem']);
    expect(departuresOf(of(objects, 'Deployment')[0], RULES).map(d => d.what)).toEqual(['writable-root-filesystem']);
    expect(synthChart(chart)).toPassGuardrails();
  });

  test('a StatefulSet\'s and a Job\'s pod template carry it too', () => {
    const { chart, namespace } = setup();
    new HardenedStatefulSet(chart, 'db', { namespace, image: IMAGE, configFiles: [config] });
    new HardenedJob(chart, 'job', { namespace, image: IMAGE, configFiles: [config] });
    const objects = Testing.synth(chart) as any[];
    for (const kind of ['StatefulSet', 'Job']) {
      expect(of(objects, kind)[0].spec.template.metadata.annotations['guardrails.cdk8s.io/config-hash']).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  test('refuses a credential in config data and a file named like one, without quoting it', () => {
    const err = refusal({ configFiles: [{ ...config, data: { 'db.conf': 'url=postgres://app:s3cret@db/app' } }] });
    expect(err.message).toMatch(/configFiles\[0\]\.data\.db\.conf: holds a URL with a password.*Fix: put the file in a Secret/);
    expect(err.message).not.toContain('s3cret');
    expect(refusal({ configFiles: [{ ...config, data: { 'api-token': 'x' } }] }).message).toMatch(/data\.api-token: is named like a credential/);
  });

  test('refuses bad file names and more than 1 MiB', () => {
    expect(refusal({ configFiles: [{ ...config, data: { '../etc/passwd': 'x' } }] }).message).toMatch(/configFiles\[0\]\.data: has a file name that is not a ConfigMap key/);
    expect(refusal({ configFiles: [{ ...config, data: { big: 'x'.repeat(1024 * 1024) } }] }).message).toMatch(/more than the 1048576 bytes/);
  });

  test('secret, projected and downward-API volumes by reference are mounted read-only at 0440, into the containers named', () => {
    const { chart, objects } = build({
      sidecars: [{ name: 'proxy', image: PROXY }],
      volumes: [
        { name: 'tls', mountPath: '/etc/tls', secret: { secretName: 'api-tls', items: [{ key: 'tls.crt', path: 'tls.crt' }] }, containers: ['api', 'proxy'] },
        { name: 'bundle', mountPath: '/etc/bundle', projected: { sources: [{ secret: { name: 'ca' } }, { downwardAPI: { items: [{ path: 'labels', fieldPath: 'metadata.labels' }] } }] } },
        { name: 'pod', mountPath: '/etc/pod', downwardAPI: { items: [{ path: 'mem', resource: 'limits.memory' }] }, defaultMode: 0o400 },
      ],
    });
    const spec = podSpec(objects);
    expect(spec.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'api-tls', items: [{ key: 'tls.crt', path: 'tls.crt' }], defaultMode: 0o440 } });
    expect(spec.volumes).toContainEqual({ name: 'pod', downwardAPI: { items: [{ path: 'mem', resourceFieldRef: { containerName: 'api', resource: 'limits.memory' } }], defaultMode: 0o400 } });
    expect(spec.containers[1].volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/tls', readOnly: true });
    expect(spec.containers[1].volumeMounts).not.toContainEqual(expect.objectContaining({ name: 'bundle' }));
    expectHardened(chart);
  });

  test('refuses a mode wider than 0440, showing it in octal', () => {
    const err = refusal({ volumes: [{ name: 'tls', mountPath: '/etc/tls', secret: { secretName: 'api-tls' }, defaultMode: 0o644 }] });
    expect(err.message).toMatch(/volumes\[0\]\.defaultMode: is wider than 0o440.*\(got "0o644"\).*Fix: use 0o440/);
  });

  test('refuses a service account token in a projected volume', () => {
    const err = refusal({ volumes: [{ name: 'token', mountPath: '/var/run/token', projected: { sources: [{ serviceAccountToken: { path: 'token' } } as any] } }] });
    expect(err.message).toMatch(/volumes\[0\]\.projected\.sources\[0\]\.serviceAccountToken: asks for a service account token/);
  });

  test('refuses a volume name or mount path taken by a writable path or another volume', () => {
    expect(refusal({ volumes: [{ name: 'writable-tmp', mountPath: '/etc/x', secret: { secretName: 's' } }] }).message).toMatch(/volumes\[0\]\.name: is the name of another volume/);
    expect(refusal({ configFiles: [{ ...config, mountPath: '/tmp' }] }).message).toMatch(/configFiles\[0\]\.mountPath: is also a writable path/);
    expect(refusal({ configFiles: [config], volumes: [{ name: 'config', mountPath: '/etc/y', secret: { secretName: 's' } }] }).message).toMatch(/volumes\[0\]\.name/);
    expect(refusal({ volumes: [{ name: 'x', mountPath: '/etc/x', secret: { secretName: 's' }, containers: ['nope'] }] }).message).toMatch(/volumes\[0\]\.containers\[0\]: names no container.*"api"/);
  });
});

describe('pull secrets, extended resources, node selection', () => {
  test('imagePullSecrets, GPU limits and requests, nodeSelector and tolerations are written on the pod', () => {
    const { chart, objects } = build({
      imagePullSecrets: ['registry'],
      resources: { extended: { 'nvidia.com/gpu': 1 } },
      nodeSelector: { 'accelerator': 'nvidia' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    });
    const spec = podSpec(objects);
    expect(spec.imagePullSecrets).toEqual([{ name: 'registry' }]);
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '128Mi', 'nvidia.com/gpu': 1 }, limits: { memory: '256Mi', 'nvidia.com/gpu': 1 } });
    expect(spec.nodeSelector).toEqual({ accelerator: 'nvidia' });
    expect(spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expectHardened(chart);
  });

  test('refuses Kubernetes\' own resources and names without a domain as extended resources', () => {
    expect(refusal({ resources: { extended: { 'hugepages-2Mi': 1 } } }).message).toMatch(/resources\.extended\.hugepages-2Mi: is not an extended resource name.*Fix: name a device plugin's resource/);
    expect(refusal({ resources: { extended: { gpu: 1 } } }).message).toMatch(/has no domain prefix/);
    expect(refusal({ resources: { extended: { 'nvidia.com/gpu': 0.5 } } }).message).toMatch(/resources\.extended\.nvidia\.com\/gpu: must be a whole number/);
  });

  test('refuses bad tolerations, naming operator and effect', () => {
    expect(refusal({ tolerations: [{ key: 'x', effect: 'NoRun' as any }] }).message).toMatch(/tolerations\[0\]\.effect: must be one of NoSchedule, PreferNoSchedule, NoExecute/);
    expect(refusal({ tolerations: [{ key: 'x', operator: 'Exists', value: 'y' }] }).message).toMatch(/tolerations\[0\]\.value: is set with operator Exists/);
    expect(refusal({ tolerations: [{ operator: 'Equal' }] }).message).toMatch(/tolerations\[0\]\.operator: must be Exists when no key/);
    expect(refusal({ nodeSelector: { 'bad key!': 'x' } }).message).toMatch(/nodeSelector: has a key that/);
    expect(refusal({ imagePullSecrets: ['Registry_Creds'] }).message).toMatch(/imagePullSecrets\[0\]: must be a DNS-1123 subdomain/);
  });
});

describe('scheduling and autoscaling', () => {
  const spread = { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } };

  test('pods of more than one replica spread over nodes; one replica does not', () => {
    expect(podSpec(build({ replicas: 3 }).objects).topologySpreadConstraints).toEqual([spread]);
    expect(podSpec(build().objects).topologySpreadConstraints).toBeUndefined();
  });

  test('priorityClassName and terminationGracePeriodSeconds are written; system classes and long grace periods refused', () => {
    const spec = podSpec(build({ priorityClassName: 'tenant-high', terminationGracePeriodSeconds: 60 }).objects);
    expect(spec).toMatchObject({ priorityClassName: 'tenant-high', terminationGracePeriodSeconds: 60 });
    expect(podSpec(build().objects).terminationGracePeriodSeconds).toBeUndefined();
    expect(refusal({ priorityClassName: 'system-node-critical' }).message).toMatch(/priorityClassName: is a priority class of the cluster's own components.*Fix: name a PriorityClass/);
    expect(refusal({ terminationGracePeriodSeconds: 7200 }).message).toMatch(/terminationGracePeriodSeconds: must be a whole number from 0 to 3600/);
  });

  test('autoscaling makes an autoscaling/v2 HPA on CPU, leaves replicas to it, spreads the pods and adds a PDB', () => {
    const { chart, objects } = build({ autoscaling: { minReplicas: 2, maxReplicas: 10 } });
    const [hpa] = of(objects, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, minReplicas: 2, maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
    expect(of(objects, 'Deployment')[0].spec.replicas).toBeUndefined();
    expect(podSpec(objects).topologySpreadConstraints).toEqual([spread]);
    expect(of(objects, 'PodDisruptionBudget')).toHaveLength(1);
    expectHardened(chart);
  });

  test('a StatefulSet autoscales too', () => {
    const { chart, namespace } = setup();
    new HardenedStatefulSet(chart, 'db', { namespace, image: IMAGE, autoscaling: { minReplicas: 1, maxReplicas: 3, cpuUtilization: 60 } });
    const [hpa] = Testing.synth(chart).filter((o: any) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' });
    expectHardened(chart);
  });

  test('refuses minReplicas above maxReplicas, and replicas beside autoscaling', () => {
    expect(refusal({ autoscaling: { minReplicas: 5, maxReplicas: 2 } }).message).toMatch(/autoscaling\.minReplicas: is above autoscaling\.maxReplicas \(2\).*Fix: lower minReplicas/);
    expect(refusal({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4 } }).message).toMatch(/replicas: is set with autoscaling.*Fix: remove replicas/);
  });
});
