import { apps } from '../apps';
import { validateAppSpec, validatePlatformSpec } from '../compiler/spec-validation';
import { GuardrailError } from '../policy/errors';

const IMAGE = `ghcr.io/acme/api:1.0.0@sha256:${'0123456789abcdef'.repeat(4)}`;

/** A valid spec that touches every nested object type, to break one field at a time. */
function spec(): any {
  return {
    name: 'shop',
    repoURL: 'https://git.example.com/deploy.git',
    environments: { staging: {}, production: { quota: { pods: 10 } } },
    services: {
      api: {
        image: IMAGE,
        replicas: { staging: 1, production: 3 },
        ports: [{ name: 'http', port: 8080, servicePort: 80 }],
        probes: { readiness: { httpGet: { path: '/healthz', port: 'http' } } },
        resources: { cpuRequest: '100m' },
        writablePaths: [{ path: '/tmp', sizeLimit: '64Mi' }],
        env: { LOG_LEVEL: 'info', DB: { secretKeyRef: { name: 'db', key: 'url' } } },
        exceptions: { runAsRoot: { reason: 'binds port 80 in the container' } },
        callers: [{ namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } }],
        egress: [{ name: 'postgres', cidr: '10.40.0.0/24', ports: [{ port: 5432 }] }],
        calls: ['worker'],
      },
      worker: { image: IMAGE },
    },
  };
}

/** The one error of the spec after `change`; fails when there are none or several. */
function onlyError(change: (s: any) => void): GuardrailError {
  const s = spec();
  change(s);
  const errors = validateAppSpec(s, 'apps/shop');
  expect(errors.map(e => e.message)).toHaveLength(1);
  return errors[0];
}

function rename(o: any, from: string, to: string): void {
  o[to] = o[from];
  delete o[from];
}

const API = 'apps/shop/services/api';

test('the spec every case starts from is valid', () => {
  expect(validateAppSpec(spec(), 'apps/shop')).toEqual([]);
});

test('a JSON spec may name its schema, for editors', () => {
  expect(validateAppSpec({ $schema: '../schemas/app-spec.schema.json', ...spec() }, 'apps/shop')).toEqual([]);
});

test.each(apps.map(a => [a.name, a] as const))('example app %s is valid', (name, app) => {
  expect(validateAppSpec(app, `apps/${name}`).map(e => e.message)).toEqual([]);
});

describe('a misspelt field is refused at any depth, with a guess', () => {
  test.each([
    ['ports[0].servicePrt', (s: any) => rename(s.services.api.ports[0], 'servicePort', 'servicePrt'), `${API}/ports[0]`, 'servicePrt', 'servicePort'],
    ['probes.readiness.httpGet.paht', (s: any) => rename(s.services.api.probes.readiness.httpGet, 'path', 'paht'), `${API}/probes/readiness/httpGet`, 'paht', 'path'],
    ['resources.cpuReqest', (s: any) => rename(s.services.api.resources, 'cpuRequest', 'cpuReqest'), `${API}/resources`, 'cpuReqest', 'cpuRequest'],
    ['quota.pod', (s: any) => rename(s.environments.production.quota, 'pods', 'pod'), 'apps/shop/environments/production/quota', 'pod', 'pods'],
    ['callers[0].podLabel', (s: any) => rename(s.services.api.callers[0], 'podLabels', 'podLabel'), `${API}/callers[0]`, 'podLabel', 'podLabels'],
    ['writablePaths[0].sizelimit', (s: any) => rename(s.services.api.writablePaths[0], 'sizeLimit', 'sizelimit'), `${API}/writablePaths[0]`, 'sizelimit', 'sizeLimit'],
    ['egress[0].cidrs', (s: any) => rename(s.services.api.egress[0], 'cidr', 'cidrs'), `${API}/egress[0]`, 'cidrs', 'cidr'],
    ['env.DB.secretKeyRef.nam', (s: any) => rename(s.services.api.env.DB.secretKeyRef, 'name', 'nam'), `${API}/env/DB/secretKeyRef`, 'nam', 'name'],
    ['services.api.imgae', (s: any) => rename(s.services.api, 'image', 'imgae'), API, 'imgae', 'image'],
    ['repoUrl', (s: any) => rename(s, 'repoURL', 'repoUrl'), 'apps/shop', 'repoUrl', 'repoURL'],
  ])('%s', (_, change, path, field, guess) => {
    const e = onlyError(change);
    expect([e.path, e.field, e.problem]).toEqual([path, field, 'is not a known field']);
    expect(e.fix).toMatch(new RegExp(`^did you mean ${guess}\\? If not, remove it or use one of .*\\b${guess}\\b`));
  });
});

test.each(['hostIPC', 'hostPort', 'seLinuxOptions'])('exceptions.%s, which no construct offers, is refused, not dropped', field => {
  const e = onlyError(s => { s.services.api.exceptions[field] = { reason: 'the node exporter reads /proc' }; });
  expect([e.path, e.field, e.problem]).toEqual([`${API}/exceptions`, field, 'is not a known field']);
  expect(e.fix).toMatch(/remove it or use one of privileged, hostNetwork, hostPID, hostPaths, devices, sysctls, unmaskedProcMount, capabilities, runAsRoot, writableRootFilesystem$/);
});

describe('a value of the wrong type or range is refused', () => {
  test('a quoted number, with how to write it', () => {
    const e = onlyError(s => { s.services.api.replicas = '3'; });
    expect([e.path, e.field, e.problem, e.fix]).toEqual([API, 'replicas', 'must be a number or an object', 'write 3 without quotes']);
  });

  test.each([
    ['replicas', NaN, (s: any, v: unknown) => { s.services.api.replicas = v; }, API, 'replicas'],
    ['replicas.production', NaN, (s: any, v: unknown) => { s.services.api.replicas.production = v; }, `${API}/replicas`, 'production'],
    ['a port', Infinity, (s: any, v: unknown) => { s.services.api.ports[0].port = v; }, `${API}/ports[0]`, 'port'],
    ['a quota', -Infinity, (s: any, v: unknown) => { s.environments.production.quota.pods = v; }, 'apps/shop/environments/production/quota', 'pods'],
  ])('%s of %p, which JSON cannot hold, printed as itself', (_, value, change, path, field) => {
    const e = onlyError(s => change(s, value));
    expect([e.path, e.field, e.problem]).toEqual([path, field, 'must be a finite number']);
    expect(e.message).toContain(`(got ${value})`);
  });

  test('a fraction where a whole number goes, once though it is also out of range', () => {
    const e = onlyError(s => { s.services.api.ports[0].port = 0.5; });
    expect([e.field, e.problem]).toEqual(['port', 'must be a whole number']);
  });

  test('a port out of range', () => {
    const e = onlyError(s => { s.services.api.egress[0].ports[0].port = 70000; });
    expect([e.path, e.field, e.problem]).toEqual([`${API}/egress[0]/ports[0]`, 'port', 'must be a number from 1 to 65535']);
  });

  test('a value not in an enum, with a guess', () => {
    const e = onlyError(s => { s.environments.production.podSecurity = 'restriced'; });
    expect([e.path, e.field, e.problem, e.fix]).toEqual([
      'apps/shop/environments/production', 'podSecurity', 'must be one of privileged, baseline, restricted', 'did you mean restricted?',
    ]);
  });

  test('a union (string | EnvReference) gives one message when no branch fits', () => {
    const e = onlyError(s => { s.services.api.env.PORT = 8080; });
    expect([e.path, e.field, e.problem]).toEqual([`${API}/env`, 'PORT', 'must be a string or an object']);
  });

  test('a union reports the errors of the branch the value fits', () => {
    const e = onlyError(s => { s.services.api.env.DB.secretKeyRef.key = 7; });
    expect([e.path, e.field, e.problem]).toEqual([`${API}/env/DB/secretKeyRef`, 'key', 'must be a string']);
  });

  test('a missing field', () => {
    const e = onlyError(s => { delete s.services.worker.image; });
    expect([e.path, e.field, e.problem, e.fix]).toEqual(['apps/shop/services/worker', 'image', 'is required', 'add image']);
  });

  test('a function, which JSON cannot hold', () => {
    const e = onlyError(s => { s.services.worker = () => ({ image: IMAGE }); });
    expect(e.message).toBe('[apps/shop/services] worker: must be an object (got [function]). Fix: give an object');
  });

  test('not an object at all', () => {
    expect(validateAppSpec(null, 'apps[0]').map(e => e.message)).toEqual(['[apps[0]] spec: must be an object (got null). Fix: give an object']);
  });

  test('every problem is reported, not just the first', () => {
    const s = spec();
    s.services.api.ports[0].port = '80';
    s.services.worker.replicas = NaN;
    rename(s.services.api.resources, 'cpuRequest', 'cpu');
    expect(validateAppSpec(s, 'apps/shop').map(e => e.field).sort()).toEqual(['cpu', 'port', 'replicas']);
  });
});

describe('names JavaScript objects already have are refused as keys', () => {
  test.each([
    ['a service named constructor', (s: any) => { s.services.constructor = { image: IMAGE }; }, 'apps/shop/services', 'constructor'],
    ['an environment named toString', (s: any) => { s.environments.toString = {}; }, 'apps/shop/environments', 'toString'],
    ['replicas for constructor', (s: any) => { s.services.api.replicas = { constructor: 2 }; }, `${API}/replicas`, 'constructor'],
    ['an env var named hasOwnProperty', (s: any) => { s.services.api.env.hasOwnProperty = 'x'; }, `${API}/env`, 'hasOwnProperty'],
    ['a label named valueOf', (s: any) => { s.services.api.callers[0].podLabels.valueOf = 'x'; }, `${API}/callers[0]/podLabels`, 'valueOf'],
  ])('%s', (_, change, path, field) => {
    const e = onlyError(change);
    expect([e.path, e.field]).toEqual([path, field]);
    expect(e.problem).toBe(`is a name every JavaScript object already has (Object.prototype.${field})`);
  });

  test('an own __proto__ key (from JSON.parse) is refused, not ignored', () => {
    const s = spec();
    s.services = JSON.parse(`{"__proto__": {"image": "${IMAGE}"}, "api": {"image": "${IMAGE}"}}`);
    const errors = validateAppSpec(s, 'apps/shop');
    expect(errors.map(e => [e.path, e.field])).toEqual([['apps/shop/services', '__proto__']]);
  });

  test('an own __proto__ key where only known fields go is an unknown field', () => {
    const s = JSON.parse(JSON.stringify(spec()).replace('"resources":{', '"resources":{"__proto__":{"cpuRequest":"9"},'));
    expect(Object.keys(s.services.api.resources)).toContain('__proto__');
    const e = validateAppSpec(s, 'apps/shop');
    expect(e.map(x => [x.path, x.field, x.problem])).toEqual([[`${API}/resources`, '__proto__', 'is not a known field']]);
  });

  test('a __proto__ key in an object literal, which sets the prototype, is refused', () => {
    const e = onlyError(s => { s.services.web = { __proto__: { image: IMAGE } }; });
    expect([e.path, e.field]).toEqual(['apps/shop/services', 'web']);
    expect(e.problem).toMatch(/^must be a plain object/);
  });
});

test('a cyclic TypeScript spec is judged, not looped over', () => {
  const s = spec();
  s.services.api.self = s;
  const messages = validateAppSpec(s, 'apps/shop').map(e => e.message);
  expect(messages).toEqual([expect.stringMatching(/^\[apps\/shop\/services\/api\] self: is not a known field \(got \{"name":"shop",.*\.\.\.\)\. Fix: /)]);
});

test('platform specs are checked too', () => {
  expect(validatePlatformSpec({ argoNamespace: 'argocd', clusters: [{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }] }, 'platform')).toEqual([]);
  const [e, ...rest] = validatePlatformSpec({ argoNamespce: 'argocd' }, 'platform');
  expect(rest).toEqual([]);
  expect([e.path, e.field, e.fix]).toEqual(['platform', 'argoNamespce', expect.stringMatching(/^did you mean argoNamespace\?/)]);
});

test('1,000 services validate in well under a second', () => {
  const s = spec();
  for (let i = 0; i < 1000; i++) s.services[`svc-${i}`] = { ...s.services.api, calls: [] };
  const start = performance.now();
  expect(validateAppSpec(s, 'apps/shop')).toEqual([]);
  expect(performance.now() - start).toBeLessThan(1000);
});
