import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { platform } from '../apps';
import { shop } from '../apps/shop';
import { AppSpec, PlatformSpec } from '../compiler/app-spec';
import { compile } from '../compiler/compile';

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));
/** A one-service app; `edit` changes it. */
function app(name: string, environments: Record<string, any> = { production: {} }, edit: (s: any) => void = () => undefined): AppSpec {
  const spec: any = { ...clone(shop), name, environments, services: { web: clone(shop.services.admin) } };
  delete spec.services.web.calls;
  edit(spec);
  return spec;
}
const failed = (specs: AppSpec[], settings: PlatformSpec = platform) => {
  const result = compile(specs, settings);
  expect(result.files).toEqual({});
  expect(result.errors.length).toBeGreaterThan(0);
  return result.errors;
};

describe('namespace ownership', () => {
  test.each([
    ['kube', 'system', 'kube-system', /is a namespace of the cluster itself \(kube-\*\)/],
    ['kube', 'public', 'kube-public', /is a namespace of the cluster itself/],
    ['ingress', 'nginx', 'ingress-nginx', /is the namespace of the ingress controller nginx/],
  ])('app %s with environment %s cannot claim %s', (name, env, namespace, why) => {
    const errors = failed([app(name, { [env]: {} })]);
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^\\[apps/${name}/environments/${env}\\] name/environment: ${why.source}.*\\(got "${namespace}"\\)`))]);
  });

  test('an exact namespace is checked the same way: default, the Argo CD namespace and a reserved prefix are refused', () => {
    const settings: PlatformSpec = { ...platform, reservedNamespaces: ['monitoring-*'] };
    expect(failed([app('shop', { production: { namespace: 'default' } })], settings)[0]).toMatch(/^\[apps\/shop\/environments\/production\] namespace: is a namespace of the cluster itself \(default\)/);
    expect(failed([app('shop', { production: { namespace: 'argocd' } })], settings)[0]).toMatch(/is the namespace Argo CD runs in/);
    expect(failed([app('shop', { production: { namespace: 'monitoring-eu' } })], settings)[0]).toMatch(/reserved by the platform settings \(monitoring-\*\)/);
  });

  test('an exact namespace that is free is used for the Namespace, the workloads and the Application', () => {
    const result = compile([app('honeydue', { production: { namespace: 'honeydue' } })], platform);
    expect(result.errors).toEqual([]);
    expect(result.objects.filter(o => o.kind === 'Namespace').map(o => o.metadata.name)).toEqual(['honeydue']);
    expect(result.objects.find(o => o.kind === 'Deployment')!.metadata.namespace).toBe('honeydue');
    expect(result.objects.find(o => o.kind === 'Application')!.spec.destination.namespace).toBe('honeydue');
  });

  test('two apps whose names collide into one namespace are refused, both claimants named', () => {
    const errors = failed([app('a-b', { c: {} }), app('a', { 'b-c': {} })]);
    expect(errors).toEqual([
      '[apps/a/environments/b-c] name/environment: is also claimed by apps/a-b/environments/c: a namespace has one owner (got "a-b-c"). '
      + 'Fix: give one of them another namespace (set namespace exactly, or rename the app or environment)',
    ]);
  });

  test('an exact namespace that another environment already has is refused', () => {
    const errors = failed([app('shop'), app('blog', { production: { namespace: 'shop-production' } })]);
    expect(errors[0]).toMatch(/^\[apps\/blog\/environments\/production\] namespace: is also claimed by apps\/shop\/environments\/production/);
  });

  test('the same app listed twice is refused by name, not with a construct-tree error', () => {
    const errors = failed([app('shop'), app('shop')]);
    expect(errors).toEqual([expect.stringMatching(/^\[apps\/shop\] name: is also the name of apps\[0\]/)]);
    expect(errors.join('\n')).not.toMatch(/There is already a Construct/);
  });

  test.each([['platform', /is the platform team's own AppProject/], ['default', /is Argo CD's default AppProject/]])('an app named %s cannot take that AppProject', (name, why) => {
    expect(failed([app(name)])[0]).toMatch(new RegExp(`^\\[apps/${name}\\] name: ${why.source}`));
  });

  test('an app and an app environment can never meet in the construct tree (app "platform-shop" beside app "shop")', () => {
    const result = compile([app('shop'), app('platform', { shop: { namespace: 'platform-shop' } })], { ...platform, project: 'platform-team' });
    expect(result.errors).toEqual([]);
  });

  test('an app must deploy to one of the platform\'s clusters', () => {
    const errors = failed([app('shop', undefined, s => { s.cluster = { name: 'prod', server: 'https://prod.example.com' }; })]);
    expect(errors[0]).toMatch(/^\[apps\/shop\] cluster: is not one of the platform's clusters/);
  });

  test('platform settings are checked: a reserved namespace that is not a name, no clusters', () => {
    expect(failed([app('shop')], { reservedNamespaces: ['Ingress Nginx'] })[0]).toMatch(/^\[platform\] reservedNamespaces\[0\]/);
    expect(failed([app('shop')], { clusters: [] })[0]).toMatch(/^\[platform\] clusters: must list at least one cluster/);
  });

  test('a caller namespace is checked as a namespace, under its own field, and a long valid one fits the policy name', () => {
    const long = 'n'.repeat(42);
    const ok = compile([app('shop', undefined, s => { s.services.web.callers = [{ namespace: long }]; })], platform);
    expect(ok.errors).toEqual([]);
    const names = ok.objects.filter(o => o.kind === 'NetworkPolicy').map(o => o.metadata.name as string);
    expect(names.filter(n => n.startsWith('allow-ingress-web-from-n'))).toHaveLength(1);
    expect(names.every(n => n.length <= 63)).toBe(true);
    const errors = failed([app('shop', undefined, s => { s.services.web.callers = [{ namespace: 'Ingress_Nginx' }]; })]);
    expect(errors[0]).toMatch(/^\[apps\/shop\/services\/web\] callers\[0\]\.namespace: must be a DNS-1123 label/);
  });

  test('calls are looked up as own keys: toString and constructor are no services', () => {
    const errors = failed([app('shop', undefined, s => { s.services.web.calls = ['toString', 'constructor']; })]);
    expect(errors).toEqual([expect.stringMatching(/calls\[0\]: is not another service/), expect.stringMatching(/calls\[1\]: is not another service/)]);
  });
});

describe('a namespace level above restricted', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'level-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const AGENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: agent }\nspec:\n  selector: { matchLabels: { app: agent } }\n'
    + '  template:\n    metadata: { labels: { app: agent } }\n    spec:\n      hostNetwork: true\n      hostPID: true\n      automountServiceAccountToken: false\n'
    + '      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: RuntimeDefault } }\n'
    + '      containers:\n      - name: agent\n        image: "ghcr.io/acme/agent:1.0@sha256:' + 'ab'.repeat(32) + '"\n'
    + '        resources: { requests: { cpu: 10m, memory: 32Mi }, limits: { memory: 64Mi } }\n'
    + '        securityContext: { privileged: true, allowPrivilegeEscalation: true, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }\n'
    + '        volumeMounts: [{ name: docker, mountPath: /var/run/docker.sock }]\n'
    + '      volumes: [{ name: docker, hostPath: { path: /var/run/docker.sock } }]\n';
  const agent = () => { const f = path.join(dir, 'agent.yaml'); fs.writeFileSync(f, AGENT); return f; };
  const privileged = (include: any[], reason: string | undefined = 'the node agent inspects every container on the node') =>
    app('nodes', { production: { podSecurity: 'privileged', podSecurityReason: reason, include } });

  test('needs a reason', () => {
    const errors = failed([app('nodes', { production: { podSecurity: 'baseline' } })]);
    // At the environment's field, where the user writes it (it named the Namespace construct before).
    expect(errors[0]).toMatch(/^\[apps\/nodes\/environments\/production\] podSecurityReason: an exception needs a reason/);
  });

  test('does not admit an included pod by itself: each restricted control it breaks needs its own reason', () => {
    const errors = failed([privileged([agent()])]);
    const missing = errors.filter(e => e.startsWith('error pod-security.reasoned')).map(e => /exception\.([a-z.-]+)\)/.exec(e)![1]);
    // At restricted the volume-types control judges hostPath; the departure is named host-path all the same.
    expect(missing.sort()).toEqual(['pod-security.host-namespaces', 'pod-security.host-path', 'pod-security.privilege-escalation', 'pod-security.privileged']);
  });

  test('admits it when the spec states every departure with a reason, written on the object and reported', () => {
    const why = 'the node agent inspects every container on the node';
    const departures = ['host-namespaces', 'host-path', 'privilege-escalation', 'privileged']
      .map(c => ({ object: 'Deployment/agent', exception: `pod-security.${c}`, reason: why }));
    const result = compile([privileged([{ file: agent(), departures }])], platform);
    expect(result.errors).toEqual([]);
    const deployment = result.objects.find(o => o.kind === 'Deployment' && o.metadata.name === 'agent')!;
    expect(deployment.metadata.annotations['guardrails.cdk8s.io/exception.pod-security.privileged']).toBe(why);
    const excused = result.gate!.waived.filter(f => f.rule === 'pod-security.reasoned');
    expect(excused.map(f => f.waiver)).toEqual([why, why, why, why]);
    expect(result.gate!.departures.filter(d => d.object === 'Namespace nodes-production').map(d => d.reason)).toEqual([why]);
  });

  test('an included file may not bring guardrails annotations of its own', () => {
    const f = path.join(dir, 'sneaky.yaml');
    fs.writeFileSync(f, AGENT.replace('metadata: { name: agent }', 'metadata: { name: agent, annotations: { guardrails.cdk8s.io/exception.pod-security.privileged: "trust me, it is fine" } }'));
    expect(failed([privileged([f])])[0]).toMatch(/include\[0\]: carries a guardrails annotation of its own.*exception\.pod-security\.privileged/);
  });

  test('a departure that names no object, no known exception or has no reason is refused', () => {
    const file = agent();
    const one = (d: any) => failed([privileged([{ file, departures: [d] }])])[0];
    expect(one({ object: 'Deployment/other', exception: 'pod-security.privileged', reason: 'a good long reason' })).toMatch(/departures\[0\]\.object: names no object/);
    expect(one({ object: 'Deployment/agent', exception: 'pod-security.hostile', reason: 'a good long reason' })).toMatch(/departures\[0\]\.exception: pod-security\.hostile names no control/);
    expect(one({ object: 'Deployment/agent', exception: 'pod-security.privileged', reason: '\u200b'.repeat(12) })).toMatch(/departures\[0\]\.reason/);
    expect(one({ object: 'Deployment/agent', waive: 'pss.baseline.privileged', reason: 'a good long reason' })).toMatch(/cannot be waived/);
  });

  test('an included object may not leave the environment\'s namespace', () => {
    const f = path.join(dir, 'away.yaml');
    fs.writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, namespace: kube-system }\ndata: { a: b }\n');
    expect(failed([app('shop', { production: { include: [f] } })])[0]).toMatch(/include\[0\]: sets metadata\.namespace "kube-system"/);
  });
});

describe('limits that hold together', () => {
  const many = (n: number, quota?: Record<string, unknown>) => app('big', { production: quota ? { quota } : {} }, s => {
    const web = s.services.web;
    s.services = Object.fromEntries(Array.from({ length: n }, (_, i) => [`svc-${i}`, { ...web, callers: [] }]));
  });

  test('30 services do not fit the default quota (50 pods, 20 Services): refused with the numbers', () => {
    const errors = failed([many(30)]);
    expect(errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/^error namespace\.quota-fits \[ResourceQuota big-production\/tenant-quota\] spec\.hard\.pods: namespace big-production needs 60 pods .* but its quota admits 50/),
      expect.stringMatching(/spec\.hard\.services: namespace big-production needs 30 services, but its quota admits 20/),
      expect.stringMatching(/spec\.hard\.requests\.cpu: namespace big-production needs 6 requests\.cpu .* admits 4/),
    ]));
  });

  test('the same app with a quota that admits it compiles', () => {
    const result = compile([many(30, { pods: 60, services: 30, requestsCpu: '8', requestsMemory: '16Gi', limitsMemory: '32Gi' })], platform);
    expect(result.errors).toEqual([]);
  });
});

describe('labels in the spec', () => {
  test.each([
    ['a key "<<"', { '<<': 'x' }, /callers\[0\]\.podLabels: has a key that/],
    ['a value with a line break', { app: 'x\ny' }, /callers\[0\]\.podLabels\.app: is not a label value/],
  ])('a caller\'s podLabels with %s are refused under the spec\'s own field', (_, podLabels, message) => {
    const errors = failed([app('shop', undefined, s => { s.services.web.callers = [{ namespace: 'ingress-nginx', podLabels }]; })]);
    expect(errors[0]).toMatch(/^\[apps\/shop\/services\/web\] /);
    expect(errors[0]).toMatch(message);
  });

  test('an egress peer\'s namespace and podLabels are checked the same way', () => {
    const errors = failed([app('shop', undefined, s => { s.services.web.egress = [{ name: 'db', namespace: 'Data Base', podLabels: { a: 'b' }, ports: [{ port: 5432 }] }]; })]);
    expect(errors[0]).toMatch(/^\[apps\/shop\/services\/web\] egress\[0\]\.namespace: must be a DNS-1123 label/);
  });
});

describe('network rule names, which the spec never states', () => {
  const policyNames = (specs: AppSpec[]) => {
    const result = compile(specs, platform);
    expect(result.errors).toEqual([]);
    return result.objects.filter(o => o.kind === 'NetworkPolicy').map(o => o.metadata.name as string);
  };

  test('callers from namespace "web" and a sibling service "web" that calls it get two rules', () => {
    const names = policyNames([app('col', undefined, s => {
      s.services.api = { ...s.services.web, callers: [{ namespace: 'web' }] };
      s.services.web = { ...s.services.web, calls: ['api'] };
    })]);
    const fromWeb = names.filter(n => n.startsWith('allow-ingress-api-from-web'));
    expect(fromWeb).toHaveLength(2);
    expect(new Set(names).size).toBe(names.length);
  });

  test('"ab-to" calling "x" and "ab" calling "to-x" get two rules', () => {
    const names = policyNames([app('col', undefined, s => {
      const web = s.services.web;
      s.services = { 'ab-to': { ...web, calls: ['x'] }, 'ab': { ...web, calls: ['to-x'] }, 'x': web, 'to-x': web };
    })]);
    expect(names.filter(n => n.startsWith('allow-egress-ab-to-to-x'))).toHaveLength(2);
    expect(new Set(names).size).toBe(names.length);
  });
});

test('a service with an empty name is refused by name, not by cdk8s ("Only root constructs may have an empty ID"; found by the spec properties, seed 2014112114)', () => {
  const errors = failed([app('shop', undefined, s => { s.services[''] = s.services.web; })]);
  expect(errors).toEqual([expect.stringMatching(/^\[apps\/shop\/services\/\] name: must be a DNS-1123 label/)]);
});
