import { platform } from '../apps';
import { AppSpec } from '../compiler/app-spec';
import { compile } from '../compiler/compile';
import { checkManifests } from '../policy';
import { IMAGE } from './support/workloads';
import '../testing';

/** An app whose one service uses the pod features of issue 11, from a JSON-shaped spec. */
function app(edit: (api: Record<string, any>) => void = () => undefined): AppSpec {
  const spec = JSON.parse(JSON.stringify({
    name: 'gpu', repoURL: 'https://github.com/acme/gpu.git',
    environments: { production: { quota: { pods: 40 } } },
    services: {
      api: {
        image: IMAGE,
        ports: [{ name: 'http', port: 8080 }],
        sidecars: [{ name: 'proxy', image: IMAGE, args: ['--upstream=127.0.0.1:8080'] }],
        initContainers: [{ name: 'migrate', image: IMAGE, command: ['/migrate'] }],
        configFiles: [{ name: 'config', mountPath: '/etc/api', data: { 'app.yaml': 'port: 8080\n' } }],
        volumes: [{ name: 'tls', mountPath: '/etc/tls', secret: { secretName: 'api-tls' }, defaultMode: 256 }],
        imagePullSecrets: ['registry'],
        resources: { extended: { 'nvidia.com/gpu': 1 } },
        nodeSelector: { accelerator: 'nvidia' },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        priorityClassName: 'tenant-high',
        terminationGracePeriodSeconds: 60,
        autoscaling: { minReplicas: 2, maxReplicas: 6 },
      },
    },
  }));
  edit(spec.services.api);
  return spec;
}

const ofKind = (result: ReturnType<typeof compile>, kind: string) => result.objects.filter(o => o.kind === kind && o.metadata?.namespace === 'gpu-production');

describe('compile: pod features on a service', () => {
  test('a service with sidecars, files, GPUs, scheduling and autoscaling compiles, passes the gate and stays restricted', () => {
    const result = compile([app()], platform);
    expect(result.errors).toEqual([]);
    const [deployment] = ofKind(result, 'Deployment');
    const spec = deployment.spec.template.spec;
    expect(spec.containers.map((c: any) => c.name)).toEqual(['api', 'proxy']);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['migrate']);
    expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(spec).toMatchObject({ priorityClassName: 'tenant-high', terminationGracePeriodSeconds: 60, imagePullSecrets: [{ name: 'registry' }] });
    expect(deployment.spec.replicas).toBeUndefined();
    expect(ofKind(result, 'HorizontalPodAutoscaler')).toHaveLength(1);
    expect(ofKind(result, 'ConfigMap').map(c => c.metadata.name)).toContain('api-config');
    expect(checkManifests(result.objects).failures).toEqual([]);
    expect(result.objects).toMeetPodSecurity('restricted');
  });

  test('the quota counts the autoscaler\'s maximum: 6 pods and their 2 surge pods against a quota of 4', () => {
    const tight = { ...app(), environments: { production: { quota: { pods: 4 } } } };
    expect(compile([tight], platform).errors).toEqual([expect.stringMatching(/^error namespace\.quota-fits .*needs 8 pods/)]);
  });

  test('refuses autoscaling on a Job, naming the field', () => {
    const result = compile([app(api => { api.kind = 'Job'; delete api.ports; api.sidecarMode = 'native'; })], platform);
    expect(result.errors).toEqual([expect.stringMatching(/autoscaling: applies to a Deployment or StatefulSet only/)]);
  });

  test('a sidecar\'s port joins the Service and the callers\' NetworkPolicy beside the main container\'s', () => {
    const result = compile([app(api => {
      api.sidecars[0].ports = [{ name: 'metrics', port: 9090 }];
      api.callers = [{ namespace: 'monitoring' }];
    })], platform);
    expect(result.errors).toEqual([]);
    const [service] = ofKind(result, 'Service');
    expect(service.spec.ports.map((p: any) => [p.name, p.port])).toEqual([['http', 8080], ['metrics', 9090]]);
    const callers = ofKind(result, 'NetworkPolicy').filter(n => JSON.stringify(n.spec.ingress ?? []).includes('monitoring'));
    expect(callers).toHaveLength(1);
    expect(callers[0].spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }, { port: 9090, protocol: 'TCP' }]);
    expect(checkManifests(result.objects).failures).toEqual([]);
  });

  test('refuses ports on an init container in the spec, naming the field', () => {
    const result = compile([app(api => { api.initContainers[0].ports = [{ name: 'http', port: 9000 }]; })], platform);
    expect(result.errors).toEqual([expect.stringMatching(/initContainers\[0\]\] ports: is set on an init container.*Fix: move the container to sidecars/)]);
  });

  test('a Job service takes parallelism and completions, and its namespace\'s quota counts it at its parallelism', () => {
    const job = (api: Record<string, any>) => {
      api.kind = 'Job'; delete api.ports; delete api.autoscaling; api.sidecarMode = 'native'; api.parallelism = 4; api.completions = 10;
    };
    const result = compile([app(job)], platform);
    expect(result.errors).toEqual([]);
    expect(ofKind(result, 'Job')[0].spec).toMatchObject({ parallelism: 4, completions: 10 });
    const tight = { ...app(job), environments: { production: { quota: { pods: 3 } } } };
    expect(compile([tight], platform).errors).toEqual([expect.stringMatching(/^error namespace\.quota-fits .*needs 4 pods/)]);
  });

  test('refuses parallelism on a Deployment and above 100 on a Job, naming the field', () => {
    expect(compile([app(api => { api.parallelism = 2; })], platform).errors)
      .toEqual([expect.stringMatching(/parallelism: applies to a Job or CronJob only, and this service is a Deployment/)]);
    const errors = compile([app(api => { api.kind = 'Job'; delete api.ports; delete api.autoscaling; api.sidecarMode = 'native'; api.completions = 101; })], platform).errors;
    expect(errors).toEqual([expect.stringMatching(/completions: .*(100|at most)/)]);
  });

  test('an environment\'s quota.requestsStorage counts a StatefulSet\'s claim templates once per replica', () => {
    const db = (storage: string) => ({
      ...app(api => {
        api.kind = 'StatefulSet'; delete api.autoscaling; api.replicas = 3;
        api.volumeClaimTemplates = [{ name: 'data', mountPath: '/data', size: '10Gi' }];
      }),
      environments: { production: { quota: { pods: 40, requestsStorage: storage } } },
    });
    const fits = compile([db('30Gi')], platform);
    expect(fits.errors).toEqual([]);
    expect(ofKind(fits, 'ResourceQuota')[0].spec.hard['requests.storage']).toBe('30Gi');
    expect(compile([db('25Gi')], platform).errors).toEqual([expect.stringMatching(/^error namespace\.quota-fits .*needs 30Gi requests\.storage .* admits 25Gi/)]);
  });

  test('refuses a field the schema does not know inside a toleration', () => {
    const result = compile([app(api => { api.tolerations[0].operater = 'Exists'; })], platform);
    expect(result.errors.join('\n')).toMatch(/operater/);
  });
});
