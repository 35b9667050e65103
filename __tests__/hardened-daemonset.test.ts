import { Testing } from 'cdk8s';
import { HardenedDaemonSet, HardenedDaemonSetProps } from '../constructs/hardened-daemonset';
import { checkManifests } from '../policy/gate';
import { PodSecurityLevel } from '../policy/pod-security';
import { refusalOf } from './refusal';
import { environment, IMAGE, only } from './support/workloads';
import '../testing';

type Props = Omit<HardenedDaemonSetProps, 'namespace'>;

function build(props: Partial<Props> = {}, podSecurity?: PodSecurityLevel) {
  const env = environment(podSecurity);
  new HardenedDaemonSet(env.chart, 'agent', { namespace: env.namespace, image: IMAGE, ...props });
  return { ...env, objects: Testing.synth(env.chart) };
}

describe('HardenedDaemonSet: defaults', () => {
  test('rolls one node at a time; no replicas, no PodDisruptionBudget, no Service without ports', () => {
    const { objects } = build();
    expect(objects.map(o => o.kind).sort()).toEqual(['DaemonSet', 'ServiceAccount']);
    const set = only(objects, 'DaemonSet');
    expect(set.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(set.spec.replicas).toBeUndefined();
    expect(set.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'agent' } });
    expect(set.spec.template.spec).toMatchObject({ serviceAccountName: 'agent', automountServiceAccountToken: false, hostNetwork: false });
    expect(objects).toMeetPodSecurity('restricted');
  });

  test('with ports, a ClusterIP Service and a readiness check on the first port', () => {
    const { objects } = build({ ports: [{ name: 'metrics', port: 9100 }] });
    expect(only(objects, 'Service').spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'metrics', port: 9100 }] });
    expect(only(objects, 'DaemonSet').spec.template.spec.containers[0].readinessProbe).toMatchObject({ tcpSocket: { port: 'metrics' } });
  });

  test('an exception is allowed where the namespace\'s level admits it, and written on the DaemonSet and its pods', () => {
    const { objects } = build({ exceptions: { capabilities: [{ capability: 'NET_BIND_SERVICE', reason: 'serves port 53 on every node' }] } }, 'baseline');
    const set = only(objects, 'DaemonSet');
    expect(set.metadata.annotations).toEqual({ 'guardrails.cdk8s.io/exception.capability.NET_BIND_SERVICE': 'serves port 53 on every node' });
    expect(set.spec.template.metadata.annotations).toEqual(set.metadata.annotations);
    expect(objects).toMeetPodSecurity('baseline');
  });
});

describe('HardenedDaemonSet: refusals name the field and the fix', () => {
  test('an exception beyond the namespace\'s level (the exceptions\' level check)', () => {
    const env = environment('baseline');
    const err = refusalOf(() => new HardenedDaemonSet(env.chart, 'agent', {
      namespace: env.namespace, image: IMAGE, exceptions: { capabilities: [{ capability: 'SYS_ADMIN', reason: 'mounts filesystems on the node' }] },
    }));
    expect(err.message).toMatch(/^\[test\/agent\] exceptions\.capabilities\[0\]\.capability: needs Pod Security level "privileged", but namespace shop-production enforces "baseline".*Fix: remove the exception, or give the namespace podSecurity "privileged"/);
  });

  test('the tenant deployer applies no DaemonSet in a restricted namespace, and says how to get one', () => {
    const env = build();
    env.deployer();
    expect(() => env.app.synth()).toThrow(/\[test\/agent\/Resource\] kind: is a DaemonSet, a pod on every node, which the deployer platform\/deployer of namespace shop-production applies only in a namespace whose Pod Security level is baseline or privileged \(got "DaemonSet\/agent"\)\. Fix: run it as a Deployment, or give the namespace podSecurity "baseline" with a podSecurityReason/s);
  });
});

describe('HardenedDaemonSet: the gate', () => {
  test('passes in a baseline namespace, whose deployer may create daemonsets', () => {
    const env = build({ ports: [{ name: 'metrics', port: 9100 }] }, 'baseline');
    const deployer = env.deployer();
    expect(checkManifests(env.app.charts.flatMap(c => c.toJson())).failures).toEqual([]);
    expect(env.app).toPassGuardrails();
    expect(env.objects).toMeetPodSecurity('restricted');
    expect(env.app).toGrant(deployer, 'create', 'daemonsets.apps', 'shop-production');
  });
});
