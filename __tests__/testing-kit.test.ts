import { App, Chart, Testing } from 'cdk8s';
import { blog } from '../apps/tenants';
import { HardenedDeployment } from '../constructs/hardened-deployment';
import { ScopedDeployer } from '../constructs/scoped-deployer';
import { TenantNamespace } from '../constructs/tenant-namespace';
import { checkManifests, formatFinding } from '../policy/gate';
import * as serializerModule from '../testing/serializer';
import {
  CompileRefusedError, guardrailsMatchers, guardrailsSerializer, installMatchers, manifestsYaml, parseResource, synthApp, synthChart,
} from '../testing';

// Importing ../testing registered the matchers with jest's global expect: nothing else does here.

const IMAGE = `ghcr.io/acme/api:1.4.2@sha256:${'a1'.repeat(32)}`;

/** The message of the assertion `fn` makes; fails the test if the assertion holds. */
function failure(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the assertion to fail, but it held');
}

/** A tenant with a workload and its deployer, in two charts of one app: no default deny, so the gate fails it. */
function tenantApp() {
  const app = Testing.app();
  const platform = new Chart(app, 'platform');
  const namespace = new TenantNamespace(platform, 'ns', { app: 'shop', environment: 'production' });
  const workloads = new Chart(app, 'workloads');
  new HardenedDeployment(workloads, 'api', { namespace, image: IMAGE, ports: [{ name: 'http', port: 8080 }] });
  const deployer = new ScopedDeployer(platform, 'deployer', { namespace, workloads });
  return { app, platform, workloads, deployer };
}

const privilegedPod = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' },
  spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] },
};

const blogResult = synthApp(blog);
const deployer = 'system:serviceaccount:blog-production:deployer';

describe('synthApp', () => {
  test('compiles one spec (or a list) to objects, files and the gate verdict', () => {
    expect(blogResult.errors).toEqual([]);
    expect(Object.keys(blogResult.files).sort()).toEqual([
      'apps/blog/production/workloads.k8s.yaml', 'apps/blog/staging/workloads.k8s.yaml', 'platform/blog.k8s.yaml',
    ]);
    expect(blogResult.objects.filter(o => o.kind === 'Deployment').map(o => `${o.metadata.namespace}/${o.metadata.name}`).sort())
      .toEqual(['blog-production/queue', 'blog-production/web', 'blog-staging/queue', 'blog-staging/web']);
    expect(blogResult.gate.failures).toEqual([]);
    expect(synthApp([blog]).objects).toEqual(blogResult.objects);
  });

  test('throws a CompileRefusedError listing every error of a spec compile refuses', () => {
    const build = () => synthApp({ ...blog, services: { ...blog.services, web: { ...blog.services.web, calls: ['mailer', 'queue', 'cache'] } } });
    expect(build).toThrow(CompileRefusedError);
    const message = failure(() => build());
    expect(message).toBe([
      'compile refused the app specs (2 errors):',
      '  - [apps/blog/services/web] calls[0]: is not another service of this app (got "mailer"). Fix: name one of queue, or use egress for outside peers',
      '  - [apps/blog/services/web] calls[2]: is not another service of this app (got "cache"). Fix: name one of queue, or use egress for outside peers',
    ].join('\n'));
    try {
      build();
    } catch (e) {
      expect((e as CompileRefusedError).errors).toEqual(message.split('\n').slice(1).map(l => l.slice('  - '.length)));
    }
  });
});

describe('synthChart', () => {
  test('synthesizes a chart (or every chart of an app) and judges the objects without throwing on a gate failure', () => {
    const { app, workloads } = tenantApp();
    const chart = synthChart(workloads);
    expect(chart.objects).toEqual(workloads.toJson());
    const all = synthChart(app);
    expect(all.objects.map(o => o.kind).sort()).toEqual(
      ['Deployment', 'LimitRange', 'Namespace', 'ResourceQuota', 'Role', 'RoleBinding', 'Service', 'ServiceAccount', 'ServiceAccount']);
    expect(all.gate.failures.map(f => f.rule)).toContain('network.default-deny');
  });
});

describe('toPassGuardrails', () => {
  test('passes objects with no unwaived error, and a synth result', () => {
    expect(blogResult).toPassGuardrails();
    expect(blogResult.objects).toPassGuardrails();
  });

  test('fails with every failing finding, one formatted line each', () => {
    const all = synthChart(tenantApp().app);
    expect(all).not.toPassGuardrails();
    const message = failure(() => expect([privilegedPod]).toPassGuardrails());
    const lines = message.split('\n');
    expect(lines[0]).toMatch(/^expected 1 object to pass the guardrails, but the gate fails \d+ findings:$/);
    expect(lines).toContain('  error pss.baseline.privileged [Pod default/p] spec.containers[0].securityContext.privileged: privileged containers have '
      + 'every capability and device of the node (namespace default enforces restricted at latest (v1.37)). Fix: set securityContext.privileged to false');
    expect(lines.slice(1)).toEqual(checkManifests([privilegedPod]).failures.map(f => `  ${formatFinding(f)}`));
  });

  test('judges a Chart and an App by synthesizing them', () => {
    const { app } = tenantApp();
    expect(app).not.toPassGuardrails();
    expect(failure(() => expect(app).toPassGuardrails())).toContain('\n  error network.default-deny [Namespace shop-production] metadata.name: namespace shop-production has no default deny for Ingress.');
  });

  test('negated, says that the gate passes them', () => {
    expect(failure(() => expect(blogResult).not.toPassGuardrails()))
      .toBe(`expected the gate to fail ${blogResult.objects.length} objects, but it passes them (no unwaived error)`);
  });

  test('fails on what is not manifests, negated or not', () => {
    for (const bad of [42, null, 'kind: Pod', [1]]) {
      expect(failure(() => expect(bad).toPassGuardrails())).toMatch(/^toPassGuardrails: /);
      expect(failure(() => expect(bad).not.toPassGuardrails())).toMatch(/^toPassGuardrails: /);
    }
    expect(failure(() => expect(42).toPassGuardrails()))
      .toBe('toPassGuardrails: expected Kubernetes objects, a synth result, a Chart or an App, but got number');
    expect(failure(() => expect({ objects: [], errors: ['[apps/x] name: bad. Fix: y'] }).not.toPassGuardrails()))
      .toBe('toPassGuardrails: the specs did not compile:\n  [apps/x] name: bad. Fix: y');
  });
});

describe('toMeetPodSecurity', () => {
  test('passes when every pod template meets the level', () => {
    expect(blogResult).toMeetPodSecurity('restricted');
    expect(blogResult.objects.find(o => o.kind === 'Deployment')).toMeetPodSecurity('restricted', 'v1.28');
    expect([privilegedPod]).toMeetPodSecurity('privileged');
  });

  test('fails with each broken control, at its field in the object', () => {
    expect(failure(() => expect([privilegedPod]).toMeetPodSecurity('baseline'))).toBe([
      'expected every pod template to meet Pod Security "baseline" (latest), but 1 of 1 breaks it:',
      '  Pod default/p:',
      '    pss.baseline.host-namespaces spec.hostNetwork: hostNetwork shares the node\'s namespace',
      '    pss.baseline.privileged spec.containers[0].securityContext.privileged: privileged containers have every capability and device of the node',
    ].join('\n'));
    const unconfined = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'team-a' },
      spec: { template: { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    };
    expect(failure(() => expect([...blogResult.objects, unconfined]).toMeetPodSecurity('baseline', 28))).toBe([
      'expected every pod template to meet Pod Security "baseline" (v1.28), but 1 of 5 breaks it:',
      '  Deployment team-a/d:',
      '    pss.baseline.apparmor spec.template.metadata.annotations.container.apparmor.security.beta.kubernetes.io/c: '
        + 'AppArmor profile "unconfined" is neither runtime/default nor localhost/*',
    ].join('\n'));
  });

  test('negated, names the pod templates that meet it', () => {
    expect([privilegedPod]).not.toMeetPodSecurity('baseline');
    expect(failure(() => expect(blogResult).not.toMeetPodSecurity('restricted'))).toBe('expected some pod template to break Pod Security "restricted" (latest), '
      + 'but all 4 pod templates meet it: Deployment blog-staging/web, Deployment blog-staging/queue, Deployment blog-production/web, Deployment blog-production/queue');
  });

  test('fails, negated or not, when there is no pod template or no such level', () => {
    const service = blogResult.objects.filter(o => o.kind === 'Service');
    expect(failure(() => expect(service).toMeetPodSecurity('restricted'))).toBe('toMeetPodSecurity: none of the 4 objects has a pod template to judge');
    expect(failure(() => expect(service).not.toMeetPodSecurity('restricted'))).toBe('toMeetPodSecurity: none of the 4 objects has a pod template to judge');
    expect(failure(() => expect(blogResult).not.toMeetPodSecurity('strict' as any)))
      .toBe('toMeetPodSecurity: the level must be one of privileged, baseline, restricted (got "strict")');
  });
});

describe('toGrant', () => {
  test('reads a subject as a username, a ServiceAccount, or anything with a subject', () => {
    expect(blogResult).toGrant(deployer, 'create', 'deployments.apps', 'blog-production');
    expect(blogResult).toGrant({ kind: 'ServiceAccount', namespace: 'blog-production', name: 'deployer' }, 'patch', 'services', 'blog-production');
    expect(blogResult).toGrant({ subject: deployer }, 'delete', { group: 'apps', resource: 'deployments' }, 'blog-production');
    expect(blogResult).not.toGrant(deployer, 'create', 'deployments.apps', 'blog-staging');
    expect(blogResult).not.toGrant(deployer, 'get', 'secrets', 'blog-production');
    expect(blogResult).not.toGrant(deployer, 'create', 'pods/exec', 'blog-production');
    expect(blogResult).not.toGrant(deployer, 'list', 'deployments.apps');
  });

  test('judges a chart\'s RBAC, with the ScopedDeployer as the subject', () => {
    const { app, deployer: scoped } = tenantApp();
    expect(app).toGrant(scoped, 'update', 'deployments.apps', 'shop-production');
    expect(app).not.toGrant(scoped, 'update', 'deployments.apps/scale', 'shop-production');
  });

  test('reads groups, users and built-in roles', () => {
    const objects = [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'devs-view', namespace: 'team-a' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' }, { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }] },
    ];
    expect(objects).toGrant({ kind: 'Group', name: 'devs' }, 'list', 'pods', 'team-a');
    expect(objects).toGrant({ kind: 'User', name: 'alice' }, 'watch', 'deployments.apps', 'team-a');
    expect(objects).toGrant('alice', 'get', 'pods/log', 'team-a');
    expect(objects).not.toGrant('bob', 'get', 'pods', 'team-a');
    expect(objects).not.toGrant({ kind: 'Group', name: 'devs' }, 'get', 'secrets', 'team-a');
    expect(objects).not.toGrant({ kind: 'Group', name: 'devs' }, 'list', 'pods', 'team-b');
    expect(failure(() => expect(objects).not.toGrant({ kind: 'Group', name: 'devs' }, 'list', 'pods', 'team-a')))
      .toBe('expected group devs not to be allowed to list pods in namespace team-a, but it is, '
        + 'by RoleBinding team-a/devs-view subjects[0] -> ClusterRole view, aggregating ClusterRole system:aggregate-to-view (built in) rules[0]');
  });

  test('fails with the request, and negated with the binding, role and rule that grant it', () => {
    expect(failure(() => expect(blogResult).toGrant(deployer, 'get', 'secrets', 'blog-production', { name: 'db' })))
      .toBe(`expected ${deployer} to be allowed to get secrets named "db" in namespace blog-production, but no binding in the 40 objects (or built in) grants it`);
    expect(failure(() => expect(blogResult).toGrant(deployer, 'get', '/metrics')))
      .toBe(`expected ${deployer} to be allowed to get /metrics, but no binding in the 40 objects (or built in) grants it`);
    expect(failure(() => expect(blogResult).not.toGrant({ kind: 'ServiceAccount', namespace: 'blog-production', name: 'deployer' }, 'create', 'deployments.apps', 'blog-production')))
      .toBe(`expected ${deployer} not to be allowed to create deployments.apps in namespace blog-production, but it is, `
        + 'by RoleBinding blog-production/deployer subjects[0] -> Role blog-production/deployer rules[3]');
    expect(failure(() => expect(blogResult).toGrant(deployer, 'list', 'deployments.apps')))
      .toMatch(/^expected .* to be allowed to list deployments\.apps cluster-wide, but/);
  });

  test('fails, negated or not, on a subject or resource it cannot read', () => {
    expect(failure(() => expect(blogResult).not.toGrant({ kind: 'ServiceAccount', name: 'deployer' } as any, 'get', 'pods', 'x'))).toMatch(/^toGrant: the subject must be/);
    expect(failure(() => expect(blogResult).not.toGrant(deployer, 'get', '', 'x'))).toMatch(/^toGrant: the resource must be/);
    expect(failure(() => expect(blogResult).not.toGrant(deployer, '', 'pods', 'x'))).toMatch(/^toGrant: the verb must be/);
  });

  test('reads resources as kubectl auth can-i does', () => {
    expect(parseResource('secrets')).toEqual({ group: '', resource: 'secrets', shown: 'secrets' });
    expect(parseResource('deployments.apps')).toEqual({ group: 'apps', resource: 'deployments', shown: 'deployments.apps' });
    expect(parseResource('deployments.apps/scale')).toEqual({ group: 'apps', resource: 'deployments/scale', shown: 'deployments.apps/scale' });
    expect(parseResource('roles.rbac.authorization.k8s.io')).toEqual({ group: 'rbac.authorization.k8s.io', resource: 'roles', shown: 'roles.rbac.authorization.k8s.io' });
    expect(parseResource('pods/exec')).toEqual({ group: '', resource: 'pods/exec', shown: 'pods/exec' });
    expect(parseResource('/metrics')).toEqual({ group: '', resource: '/metrics', shown: '/metrics' });
    expect(parseResource({ group: 'apps', resource: 'deployments/scale' })).toEqual({ group: 'apps', resource: 'deployments/scale', shown: 'deployments.apps/scale' });
  });
});

describe('toBeRefused', () => {
  test('a spec, or a list of specs, that compile refuses', () => {
    expect({ ...blog, name: 'Blog' }).toBeRefused(/name: must be a DNS-1123 label/);
    expect([blog, { ...blog }]).toBeRefused('name: is also the name of apps[0]');
    expect({ ...blog, name: 'Blog' }).toBeRefused();
    expect(blog).not.toBeRefused();
  });

  test('fails with compile\'s errors when none matches, and when the spec is accepted', () => {
    expect(failure(() => expect({ ...blog, services: 5 }).toBeRefused(/name/))).toBe([
      'expected to be refused with an error matching /name/, but the 1 error did not match:',
      '  [apps/blog] services: must be an object (got 5). Fix: give an object',
    ].join('\n'));
    expect(failure(() => expect(blog).toBeRefused(/name/))).toBe('expected to be refused with an error matching /name/, but it was accepted');
    expect(failure(() => expect({ ...blog, services: 5 }).not.toBeRefused())).toBe([
      'expected not to be refused, but it was:',
      '  [apps/blog] services: must be an object (got 5). Fix: give an object',
    ].join('\n'));
  });

  test('a function whose construct refuses when built, or when its chart is synthesized', () => {
    const chart = () => new Chart(Testing.app(), 'test');
    const namespace = (c: Chart) => new TenantNamespace(c, 'ns', { app: 'shop', environment: 'production' });
    expect(() => { const c = chart(); new HardenedDeployment(c, 'api', { namespace: namespace(c), image: 'nginx:1.25' }); })
      .toBeRefused(/^\[test\/api\] image: is not pinned by digest/);
    // The ScopedDeployer refuses a Secret among its workloads when the chart is validated.
    expect(() => {
      const app = new App();
      const platform = new Chart(app, 'platform');
      const workloads = new Chart(app, 'workloads');
      const ns = namespace(platform);
      new ScopedDeployer(platform, 'deployer', { namespace: ns, workloads });
      workloads.toJson();
      new (require('cdk8s-plus-28').k8s.KubeSecret)(workloads, 'db', { metadata: { name: 'db', namespace: 'shop-production' } });
      return app;
    }).toBeRefused(/kind: is a Secret/);
    expect(() => chart()).not.toBeRefused();
    expect(failure(() => expect(() => chart()).toBeRefused())).toBe('expected to be refused, but it was accepted');
  });

  test('a crash is no refusal, negated or not, and shows where it happened', () => {
    const crash = () => (undefined as any).image;
    for (const assertion of [() => expect(crash).toBeRefused(/image/), () => expect(crash).not.toBeRefused()]) {
      const message = failure(assertion);
      expect(message).toMatch(/^toBeRefused: expected a refusal( matching \/image\/)?, but building crashed:\n {2}TypeError: Cannot read properties of undefined \(reading 'image'\)\n {4}at /);
    }
    // A kit whose compile returns an error without a fix, as compile reports a crash it caught.
    jest.isolateModules(() => {
      jest.doMock('../compiler/compile', () => ({
        ...jest.requireActual('../compiler/compile'),
        compile: () => ({ files: {}, objects: [], errors: ['Cannot read properties of null (reading \'x\')'] }),
      }));
      const { guardrailsMatchers: crashing } = require('../testing');
      expect.extend({ toBeRefusedByCrashingCompile: crashing.toBeRefused });
    });
    jest.dontMock('../compiler/compile');
    expect(failure(() => (expect(blog) as any).toBeRefusedByCrashingCompile())).toBe([
      'toBeRefused: expected a refusal, but building crashed:',
      '  compile failed with errors that say no "Fix:":',
      '    Cannot read properties of null (reading \'x\')',
    ].join('\n'));
    expect(failure(() => expect(async () => undefined).not.toBeRefused())).toMatch(/^toBeRefused: the function returned a promise/);
    expect(failure(() => expect(42).not.toBeRefused())).toMatch(/^toBeRefused: expected a function that builds, an app spec/);
  });
});

describe('the snapshot serializer', () => {
  const a = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { namespace: 'ns', name: 'a' }, automountServiceAccountToken: false };
  const b = { kind: 'ConfigMap', data: { z: '1', a: 'yes' }, metadata: { name: 'b', namespace: 'ns', labels: { y: '1', x: '2' } }, apiVersion: 'v1' };
  const c = { metadata: { name: 'ns' }, apiVersion: 'v1', kind: 'Namespace', extra: undefined };

  test('prints manifests as YAML, sorted by kind, namespace and name, keys in a stable order', () => {
    expect(guardrailsSerializer.serialize([a, b, c])).toBe([
      'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  labels:', '    x: "2"', '    "y": "1"', '  name: b', '  namespace: ns', 'data:', '  a: "yes"', '  z: "1"',
      '---',
      'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: ns',
      '---',
      'apiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: a', '  namespace: ns', 'automountServiceAccountToken: false',
    ].join('\n'));
  });

  test('prints the same whatever the order of the objects and of their keys', () => {
    const shuffled = [...blogResult.objects].reverse().map(o => Object.fromEntries(Object.entries(o).reverse()));
    expect(manifestsYaml(shuffled)).toBe(manifestsYaml(blogResult.objects));
    expect(guardrailsSerializer.serialize(blogResult)).toBe(manifestsYaml(blogResult.objects));
    expect(guardrailsSerializer.serialize([c, b, a])).toBe(guardrailsSerializer.serialize([b, a, c]));
    // Objects are not changed.
    expect(Object.keys(b)).toEqual(['kind', 'data', 'metadata', 'apiVersion']);
  });

  test('prints only manifests, a list of them, or a synth result', () => {
    for (const val of [a, [a, b], blogResult, synthChart(tenantApp().workloads)]) expect(guardrailsSerializer.test(val)).toBe(true);
    for (const val of [[], [a, 1], { kind: 'Pod' }, 'apiVersion: v1', null, blogResult.files, { objects: [a] }]) expect(guardrailsSerializer.test(val)).toBe(false);
  });

  test('is a module jest can load from snapshotSerializers, and works through expect.addSnapshotSerializer', () => {
    expect(typeof serializerModule.test).toBe('function');
    expect(typeof serializerModule.serialize).toBe('function');
    expect.addSnapshotSerializer(guardrailsSerializer);
    expect([c, a]).toMatchInlineSnapshot(`
apiVersion: v1
kind: Namespace
metadata:
  name: ns
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: a
  namespace: ns
automountServiceAccountToken: false
`);
  });
});

describe('installMatchers', () => {
  test('registers the matchers with the expect it is given, and says when there is none', () => {
    const extend = jest.fn();
    expect(installMatchers({ extend })).toBe(true);
    expect(extend).toHaveBeenCalledWith(guardrailsMatchers);
    expect(Object.keys(guardrailsMatchers).sort()).toEqual(['toBeRefused', 'toGrant', 'toMeetPodSecurity', 'toPassGuardrails']);
    expect(installMatchers({} as any)).toBe(false);
  });
});
