import { AppSpec, definePlatform } from '../compiler/app-spec';
import { compile } from '../compiler/compile';
import { checkManifests } from '../policy/gate';
import { IMAGE } from './support/workloads';
import '../testing';

const X = 'guardrails.cdk8s.io/exception.';

/** A kernel-settings DaemonSet: privileged, unsafe and safe sysctls, a read-only host path. */
function nodeApp(podSecurity: 'privileged' | 'baseline' = 'privileged'): AppSpec {
  return JSON.parse(JSON.stringify({
    name: 'nodes', repoURL: 'https://github.com/acme/nodes.git',
    environments: { production: { podSecurity, podSecurityReason: 'kernel settings run on every node' } },
    services: {
      tuner: {
        kind: 'DaemonSet', image: IMAGE, ports: [{ name: 'metrics', port: 9100 }],
        exceptions: {
          privileged: { reason: 'writes kernel settings of the node' },
          sysctls: [{ name: 'net.core.somaxconn', value: '4096', reason: 'accepts bursts of connections' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }],
          hostPaths: [{ path: '/sys/kernel/mm/transparent_hugepage', reason: 'reads huge page settings to report them' }],
        },
      },
    },
  }));
}

describe('compile: privileged exceptions of a service', () => {
  test('a kernel-settings DaemonSet compiles in a privileged environment and passes the gate', () => {
    const result = compile([nodeApp()], definePlatform({}));
    expect(result.errors).toEqual([]);
    const set = result.objects.find(o => o.kind === 'DaemonSet')!;
    const pod = set.spec.template.spec;
    expect(pod.containers[0].securityContext).toMatchObject({ privileged: true, allowPrivilegeEscalation: true });
    expect(pod.securityContext.sysctls).toEqual([{ name: 'net.core.somaxconn', value: '4096' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }]);
    expect(pod.volumes).toContainEqual({ name: 'host-sys-kernel-mm-transparent-hugepage', hostPath: { path: '/sys/kernel/mm/transparent_hugepage', type: 'Directory' } });
    expect(set.metadata.annotations).toEqual({
      [`${X}pod-security.privileged`]: 'writes kernel settings of the node',
      [`${X}pod-security.privilege-escalation`]: 'writes kernel settings of the node',
      [`${X}pod-security.sysctls`]: 'accepts bursts of connections',
      [`${X}pod-security.host-path`]: 'reads huge page settings to report them',
    });
    expect(checkManifests(result.objects).failures).toEqual([]);
    const ns = result.objects.find(o => o.kind === 'Namespace' && o.metadata.name === 'nodes-production')!;
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });

  test('in a baseline environment each privileged control is refused with the level and the fix', () => {
    const result = compile([nodeApp('baseline')], definePlatform({}));
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/production\/tuner\] exceptions\.privileged: needs Pod Security level "privileged", but namespace nodes-production enforces "baseline".*Fix: remove the exception, or give the namespace podSecurity "privileged"/s);
  });

  test('the spec schema refuses a misspelt privileged field', () => {
    const spec: any = nodeApp();
    spec.services.tuner.exceptions.hostPath = [{ path: '/proc', reason: 'reads the node processes' }];
    const result = compile([spec], definePlatform({}));
    expect(result.errors.join('\n')).toMatch(/exceptions\] hostPath: is not a known field.*did you mean hostPaths\?/s);
  });
});
