import { Testing } from 'cdk8s';
import { HardenedStatefulSet, HardenedStatefulSetProps } from '../constructs/hardened-statefulset';
import { checkManifests } from '../policy/gate';
import { PodSecurityLevel } from '../policy/pod-security';
import { refusalOf } from './refusal';
import { environment, IMAGE, only } from './support/workloads';
import '../testing';

type Props = Omit<HardenedStatefulSetProps, 'namespace'>;
const DATA = { name: 'data', mountPath: '/var/lib/db', size: '10Gi' };

function build(props: Partial<Props> = {}, podSecurity?: PodSecurityLevel) {
  const env = environment(podSecurity);
  const set = new HardenedStatefulSet(env.chart, 'db', { namespace: env.namespace, image: IMAGE, ...props });
  return { ...env, set, objects: Testing.synth(env.chart) };
}
const refusal = (props: Partial<Props>, podSecurity?: PodSecurityLevel) => {
  const env = environment(podSecurity);
  return refusalOf(() => new HardenedStatefulSet(env.chart, 'db', { namespace: env.namespace, image: IMAGE, ...props }));
};

describe('HardenedStatefulSet: defaults', () => {
  test('one replica, OrderedReady, a headless Service named like the set as its serviceName, no PodDisruptionBudget', () => {
    const { objects } = build();
    const set = only(objects, 'StatefulSet');
    expect(set.spec).toMatchObject({ replicas: 1, serviceName: 'db', podManagementPolicy: 'OrderedReady', selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } } });
    expect(set.spec.volumeClaimTemplates).toBeUndefined();
    const service = only(objects, 'Service');
    expect(service.metadata.name).toBe('db');
    expect(service.spec).toMatchObject({ clusterIP: 'None', selector: { 'app.kubernetes.io/name': 'db' } });
    expect(objects.filter(o => o.kind === 'PodDisruptionBudget')).toHaveLength(0);
  });

  test('its pod is the hardened pod: own ServiceAccount without token, restricted security contexts, /tmp writable', () => {
    const { objects } = build();
    const pod = only(objects, 'StatefulSet').spec.template.spec;
    expect(only(objects, 'ServiceAccount')).toMatchObject({ metadata: { name: 'db' }, automountServiceAccountToken: false });
    expect(pod).toMatchObject({ serviceAccountName: 'db', automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, runAsUser: 65532 } });
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'writable-tmp', mountPath: '/tmp' }]);
    expect(objects).toMeetPodSecurity('restricted');
  });

  test('each claim becomes a volumeClaimTemplate (ReadWriteOnce unless asked) mounted after the writable paths', () => {
    const { objects } = build({ volumeClaimTemplates: [DATA, { name: 'logs', mountPath: '/logs/', size: '1Gi', storageClassName: 'fast', accessMode: 'ReadWriteOncePod' }] });
    const set = only(objects, 'StatefulSet');
    expect(set.spec.volumeClaimTemplates).toEqual([
      { metadata: { name: 'data', labels: expect.objectContaining({ 'app.kubernetes.io/name': 'db' }) }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } },
      { metadata: { name: 'logs', labels: expect.any(Object) }, spec: { accessModes: ['ReadWriteOncePod'], storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } } },
    ]);
    expect(set.spec.template.spec.containers[0].volumeMounts).toEqual([
      { name: 'writable-tmp', mountPath: '/tmp' }, { name: 'data', mountPath: '/var/lib/db' }, { name: 'logs', mountPath: '/logs' },
    ]);
  });

  test('replicas above one add a PodDisruptionBudget of one pod; Parallel is taken as given; ports go on the headless Service', () => {
    const { objects } = build({ replicas: 3, podManagementPolicy: 'Parallel', ports: [{ name: 'pg', port: 5432 }] });
    expect(only(objects, 'StatefulSet').spec).toMatchObject({ replicas: 3, podManagementPolicy: 'Parallel' });
    expect(only(objects, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } } });
    expect(only(objects, 'Service').spec).toMatchObject({ clusterIP: 'None', ports: [{ name: 'pg', port: 5432, targetPort: 'pg', protocol: 'TCP' }] });
  });
});

describe('HardenedStatefulSet: refusals name the field and the fix', () => {
  test.each([
    [{ replicas: 1.5 }, /^\[test\/db\] replicas: must be a whole number from 0 to 1000.*Fix: set replicas/],
    [{ podManagementPolicy: 'Random' as any }, /^\[test\/db\] podManagementPolicy: must be one of OrderedReady, Parallel.*Fix: choose one/],
    [{ volumeClaimTemplates: [{ ...DATA, name: 'Data' }] }, /^\[test\/db\] volumeClaimTemplates\[0\]\.name: must be a DNS-1123 label/],
    [{ volumeClaimTemplates: [DATA, DATA] }, /^\[test\/db\] volumeClaimTemplates\[1\]\.name: is listed twice.*Fix: give each claim its own name/],
    [{ volumeClaimTemplates: [{ ...DATA, size: '10GB' }] }, /^\[test\/db\] volumeClaimTemplates\[0\]\.size: must be a Kubernetes quantity/],
    [{ volumeClaimTemplates: [{ ...DATA, size: '0' }] }, /^\[test\/db\] volumeClaimTemplates\[0\]\.size: must be more than 0.*Fix: request the storage/],
    [{ volumeClaimTemplates: [{ ...DATA, mountPath: 'data' }] }, /^\[test\/db\] volumeClaimTemplates\[0\]\.mountPath: must be an absolute path below \//],
    [{ volumeClaimTemplates: [{ ...DATA, mountPath: '/tmp/' }] }, /^\[test\/db\] volumeClaimTemplates\[0\]\.mountPath: is also a writable path.*Fix: mount each volume at a path of its own/],
    [{ volumeClaimTemplates: [{ ...DATA, name: 'writable-tmp' }] }, /^\[test\/db\] volumeClaimTemplates\[0\]\.name: is the name of a writable path's volume/],
    [{ volumeClaimTemplates: [{ ...DATA, accessMode: 'RWO' as any }] }, /^\[test\/db\] volumeClaimTemplates\[0\]\.accessMode: must be one of ReadWriteOnce/],
    [{ volumeClaimTemplates: [{ ...DATA, storageClassName: 'Fast SSD' }] }, /^\[test\/db\] volumeClaimTemplates\[0\]\.storageClassName: must be a DNS-1123 label/],
    [{ volumeClaimTemplates: [{ ...DATA, mountPath: '//' }] }, /^\[test\/db\] volumeClaimTemplates\[0\]\.mountPath: is the root directory.*Fix: mount the volume at a directory of its own/],
    [{ volumeClaimTemplates: [DATA, { ...DATA, name: 'more' }] }, /^\[test\/db\] volumeClaimTemplates\[1\]\.mountPath: is also a writable path or another volume's mount/],
    [{ volumeClaimTemplates: {} as any }, /^\[test\/db\] volumeClaimTemplates: must be a list/],
  ])('%j', (props, message) => {
    expect(refusal(props).message).toMatch(message);
  });

  test('the pod\'s own checks apply as for a Deployment (image pinning, exceptions bounded by the namespace)', () => {
    expect(refusal({ image: 'postgres:16' }).message).toMatch(/^\[test\/db\] image: is not pinned by digest/);
    expect(refusal({ exceptions: { runAsRoot: { reason: 'the image writes as root' } } }).message)
      .toMatch(/^\[test\/db\] exceptions\.runAsRoot: needs Pod Security level "baseline", but namespace shop-production enforces "restricted"/);
  });
});

describe('HardenedStatefulSet: the gate', () => {
  test('a set with claims, ports and replicas passes the gate with its namespace, network and deployer', () => {
    const env = build({ replicas: 3, ports: [{ name: 'pg', port: 5432 }], volumeClaimTemplates: [DATA] });
    const deployer = env.deployer();
    const all = env.app.charts.flatMap(c => c.toJson());
    expect(checkManifests(all).failures).toEqual([]);
    expect(env.app).toPassGuardrails();
    expect(env.objects).toMeetPodSecurity('restricted');
    expect(env.app).toGrant(deployer, 'create', 'statefulsets.apps', 'shop-production');
  });
});
