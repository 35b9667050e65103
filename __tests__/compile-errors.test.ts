import { shop } from '../apps/shop';
import { AppSpec } from '../compiler/app-spec';
import { compile } from '../compiler/compile';

/** A deep copy of the shop app with one thing broken by `edit`. */
function broken(edit: (spec: any) => void): AppSpec {
  const spec = JSON.parse(JSON.stringify(shop));
  edit(spec);
  return spec;
}

function expectFailedWithoutOutput(result: ReturnType<typeof compile>): void {
  expect(result.errors.length).toBeGreaterThan(0);
  expect(result.files).toEqual({});
  expect(result.objects).toEqual([]);
}

describe('compile', () => {
  test('the unmodified shop app compiles without errors (baseline for the cases below)', () => {
    const result = compile([broken(() => undefined)]);
    expect(result.errors).toEqual([]);
    expect(Object.keys(result.files).sort()).toEqual([
      'apps/shop/production/workloads.k8s.yaml',
      'apps/shop/staging/workloads.k8s.yaml',
      'platform/shop.k8s.yaml',
    ]);
  });

  test('refuses calls naming a service the app does not have, and lists the ones it has', () => {
    const result = compile([broken(s => { s.services.api.calls = ['redis', 'payments']; })]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toEqual([
      '[apps/shop/services/api] calls[1]: is not another service of this app (got "payments"). '
      + 'Fix: name one of worker, admin, redis, or use egress for outside peers',
    ]);
  });

  test('a refused repoURL, targetRevision or sourceRepos entry is named at the app spec, where it was written', () => {
    const repos = compile([broken(s => { s.sourceRepos = [s.repoURL, 'https://*']; })]);
    expectFailedWithoutOutput(repos);
    expect(repos.errors).toHaveLength(1);
    expect(repos.errors[0]).toMatch(/^\[apps\/shop\] sourceRepos\[1\]: /);
    const repo = compile([broken(s => { s.repoURL = 'http://github.com/acme/deploy.git'; s.sourceRepos = undefined; })]);
    expect(repo.errors).toHaveLength(1);
    expect(repo.errors[0]).toMatch(/^\[apps\/shop\] (repoURL|sourceRepos\[0\]): /);
  });

  test('refuses a service that calls itself', () => {
    const result = compile([broken(s => { s.services.redis.calls = ['redis']; })]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toEqual([
      '[apps/shop/services/redis] calls[0]: is not another service of this app (got "redis"). '
      + 'Fix: name one of api, worker, admin, or use egress for outside peers',
    ]);
  });

  test('refuses replicas keyed by an environment the app does not have, and lists the ones it has', () => {
    const result = compile([broken(s => { s.services.worker.replicas = { staging: 1, prod: 2 }; })]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toEqual([
      '[apps/shop/services/worker] replicas.prod: names no environment of this app (got {"staging":1,"prod":2}). '
      + 'Fix: use staging, production',
    ]);
  });

  test('refuses an app with no environments', () => {
    const result = compile([broken(s => { s.environments = {}; })]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toEqual([
      '[apps/shop] environments: an app needs at least one environment (got {}). Fix: add e.g. environments: { production: {} }',
    ]);
  });

  test('refuses an app with no services and no charts', () => {
    const result = compile([broken(s => { s.services = {}; s.charts = {}; })]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toEqual([
      '[apps/shop] services: an app needs at least one service or one chart (got {}). Fix: add e.g. services: { api: { image: "..." } }, or a Helm chart under charts',
    ]);
  });

  test('reports a mutable tag in each of two services in one run (one environment: two errors)', () => {
    const result = compile([broken(s => {
      s.environments = { production: {} };
      s.services.api.replicas = 3;
      s.services.worker.replicas = 2;
      s.services.api.image = 'ghcr.io/acme/shop-api:2.14.0';
      s.services.worker.image = 'ghcr.io/acme/shop-worker:latest';
    })]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toHaveLength(2);
    expect(result.errors[0]).toMatch(/^\[apps\/shop\/production\/api\] image: is not pinned by digest/);
    expect(result.errors[0]).toContain('(got "ghcr.io/acme/shop-api:2.14.0")');
    expect(result.errors[0]).toContain('Fix: pin the image by digest, e.g. "ghcr.io/acme/shop-api:2.14.0@sha256:<64 hex digits>"');
    expect(result.errors[1]).toMatch(/^\[apps\/shop\/production\/worker\] image: is not pinned by digest/);
    expect(result.errors[1]).toContain('(got "ghcr.io/acme/shop-worker:latest")');
    expect(result.errors[1]).toContain('e.g. "ghcr.io/acme/shop-worker:<version>@sha256:<64 hex digits>"');
  });

  test('reports every broken service in every environment in one run', () => {
    const result = compile([broken(s => {
      s.services.api.image = 'ghcr.io/acme/shop-api:2.14.0';
      s.services.worker.image = 'ghcr.io/acme/shop-worker:2.14.0';
    })]);
    expectFailedWithoutOutput(result);
    const where = result.errors.map(e => e.slice(0, e.indexOf(']') + 1));
    expect(where.sort()).toEqual([
      '[apps/shop/production/api]', '[apps/shop/production/worker]', '[apps/shop/staging/api]', '[apps/shop/staging/worker]',
    ]);
    for (const e of result.errors) expect(e).toContain('image: is not pinned by digest');
  });

  test('reports different kinds of problems in different services together, without leaking the secret', () => {
    const result = compile([broken(s => {
      s.environments = { production: {} };
      s.services.api.replicas = 3;
      s.services.worker.replicas = 2;
      s.services.api.image = 'ghcr.io/acme/shop-api:2.14.0';
      s.services.worker.env.SMTP_PASSWORD = 'correct-horse-battery-staple';
      s.services.redis.resources = { memoryRequest: 'lots' };
    })]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toHaveLength(3);
    expect(result.errors).toEqual([
      expect.stringMatching(/^\[apps\/shop\/production\/api\] image: is not pinned by digest/),
      expect.stringMatching(/^\[apps\/shop\/production\/worker\] env\.SMTP_PASSWORD: looks like a credential but is a literal/),
      expect.stringMatching(/^\[apps\/shop\/production\/redis\] resources\.memoryRequest: must be a Kubernetes quantity \(got "lots"\)/),
    ]);
    expect(result.errors.join('\n')).not.toContain('correct-horse-battery-staple');
  });

  test('reports problems in different apps of one run', () => {
    const other = broken(s => {
      s.name = 'blog';
      s.services = { web: { ...s.services.admin, image: 'nginx:1.25', calls: [] } };
    });
    const result = compile([broken(s => { s.environments = {}; }), other]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toContain(
      '[apps/shop] environments: an app needs at least one environment (got {}). Fix: add e.g. environments: { production: {} }');
    expect(result.errors.filter(e => e.startsWith('[apps/blog/staging/web] image:') || e.startsWith('[apps/blog/production/web] image:'))).toHaveLength(2);
  });

  test('a failed compile returns no files and no objects, even when most of the app is fine', () => {
    const result = compile([shop, broken(s => { s.name = 'shop2'; s.services.redis.image = 'redis:7'; })]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toHaveLength(2);
  });

  test('refuses a misspelt field instead of silently using the default', () => {
    const result = compile([broken(s => { s.services.api.replica = 3; s.environments.production.podSecurty = 'baseline'; })]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toEqual([
      expect.stringMatching(/^\[apps\/shop\/environments\/production\] podSecurty: is not a known field \(got "baseline"\)\. Fix: did you mean podSecurity\? If not, remove it or use one of namespace, podSecurity, /),
      expect.stringMatching(/^\[apps\/shop\/services\/api\] replica: is not a known field \(got 3\)\. Fix: did you mean replicas\? If not, remove it or use one of (\w+, )*image, (\w+, )*replicas\b/),
    ]);
  });

  test('a spec that is not of its type is refused at any depth before anything is built from it', () => {
    const result = compile([broken(s => {
      s.services.api.image = 'ghcr.io/acme/shop-api:2.14.0';
      s.services.api.callers[0].podLabel = s.services.api.callers[0].podLabels;
      delete s.services.api.callers[0].podLabels;
      s.services.redis.ports[0].port = 70000;
    })]);
    expectFailedWithoutOutput(result);
    // The unpinned image, which only the construct checks, waits for a spec of the right shape.
    expect(result.errors).toEqual([
      expect.stringMatching(/^\[apps\/shop\/services\/api\/callers\[0\]\] podLabel: is not a known field .* Fix: did you mean podLabels\?/),
      expect.stringMatching(/^\[apps\/shop\/services\/redis\/ports\[0\]\] port: must be a number from 1 to 65535 \(got 70000\)/),
    ]);
  });

  test('a platform spec that is not of its type is refused', () => {
    const result = compile([shop], { reservedNamespace: ['monitoring'] } as never);
    expectFailedWithoutOutput(result);
    expect(result.errors).toEqual([expect.stringMatching(/^\[platform\] reservedNamespace: is not a known field .* Fix: did you mean reservedNamespaces\?/)]);
  });

  test('reports bad calls of several services in one run', () => {
    const result = compile([broken(s => { s.services.api.calls = ['payments']; s.services.worker.calls = ['mailer']; })]);
    expect(result.errors).toEqual([
      expect.stringContaining('[apps/shop/services/api] calls[0]: is not another service of this app (got "payments")'),
      expect.stringContaining('[apps/shop/services/worker] calls[0]: is not another service of this app (got "mailer")'),
    ]);
  });

  // These named the construct (`[platform/shop/production/Namespace] podSecurityReason`), not the
  // environment the user wrote them in (found by the spec properties, seed 20261201).
  test.each([
    ['a level above restricted without its reason', (e: any) => { e.podSecurity = 'privileged'; delete e.podSecurityReason; }, 'podSecurityReason: an exception needs a reason'],
    ['a reason for a level the namespace does not use', (e: any) => { e.podSecurity = 'restricted'; e.podSecurityReason = 'the vendor agent needs it'; }, 'podSecurityReason: gives a reason for a level'],
    ['a quota of no pods', (e: any) => { e.quota = { pods: 0 }; }, 'quota.pods: '],
    ['a reserved namespace label', (e: any) => { e.labels = { 'pod-security.kubernetes.io/enforce': 'privileged' }; }, 'labels'],
  ])('refuses %s at the environment\'s field', (_, edit, field) => {
    const result = compile([broken(s => edit(s.environments.production))]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toContainEqual(expect.stringMatching(new RegExp(`^\\[apps/shop/environments/production\\] ${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)));
    for (const e of result.errors) expect(e).not.toMatch(/^\[platform\//);
  });

  // These were refused by the NetworkPolicy construct, once per environment
  // (`[platform/shop/production/Network] egress.api-to-db.peers[0]`; spec properties, seed 20261201).
  test.each([
    ['a destination with neither cidr nor namespace', { name: 'db', ports: [{ port: 5432 }] }, /^\[apps\/shop\/services\/api\] egress\[0\]: names no destination/],
    ['a destination without ports', { name: 'db', cidr: '10.20.0.0/24', ports: [] }, /^\[apps\/shop\/services\/api\] egress\[0\]\.ports: must list ports.*\(got \[\]\)/],
  ])('refuses %s once, at the service\'s field', (_, destination, message) => {
    const result = compile([broken(s => { s.services.api.egress = [destination]; })]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toEqual([expect.stringMatching(message)]);
  });
});

describe('objects included from YAML files', () => {
  const fs = require('fs') as typeof import('fs');
  const os = require('os') as typeof import('os');
  const path = require('path') as typeof import('path');
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'include-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const vendor = (name: string, yaml: string) => {
    fs.writeFileSync(path.join(dir, name), yaml);
    return path.join(dir, name);
  };
  const withInclude = (file: string) => broken(s => { s.environments.staging = { include: [file] }; });

  test('go through the gate: a raw Deployment that is not hardened fails the synth with rule ids', () => {
    const file = vendor('agent.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: agent }\nspec:\n  selector: { matchLabels: { app: agent } }\n'
      + '  template:\n    metadata: { labels: { app: agent } }\n    spec:\n      containers: [{ name: agent, image: "vendor/agent:2.1" }]\n');
    const result = compile([withInclude(file)]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/^error pss\.restricted\.run-as-non-root \[Deployment shop-staging\/agent\] spec\.template\.spec\.containers\[0\]\.securityContext\.runAsNonRoot/),
      expect.stringMatching(/^error image\.digest-pinned \[Deployment shop-staging\/agent\] spec\.template\.spec\.containers\[0\]\.image/),
      expect.stringMatching(/^error hardening\.token-automount \[Deployment shop-staging\/agent\]/),
    ]));
  });

  test('land in the environment\'s namespace and widen its deployer by their kinds', () => {
    const file = vendor('settings.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { LOG_LEVEL: info }\n');
    const result = compile([withInclude(file)]);
    expect(result.errors).toEqual([]);
    const config = result.objects.find(o => o.kind === 'ConfigMap')!;
    expect(config.metadata.namespace).toBe('shop-staging');
    const role = result.objects.find(o => o.kind === 'Role' && o.metadata.namespace === 'shop-staging')!;
    expect(role.rules.find((r: any) => r.apiGroups[0] === '').resources).toContain('configmaps');
  });

  test('may not carry guardrail kinds into the tenant\'s folder', () => {
    const file = vendor('netpol.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: allow-all }\nspec: { podSelector: {}, ingress: [{}] }\n');
    const result = compile([withInclude(file)]);
    expectFailedWithoutOutput(result);
    expect(result.errors.join('\n')).toMatch(/kind: is a guardrail of the tenant/);
  });

  test('are read as YAML 1.1, as the API server reads them: `hostNetwork: yes` is host networking', () => {
    const file = vendor('agent.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: agent }\nspec:\n  selector: { matchLabels: { app: agent } }\n'
      + '  template:\n    metadata: { labels: { app: agent } }\n    spec:\n      hostNetwork: yes\n      containers: [{ name: agent, image: "vendor/agent:2.1" }]\n');
    const result = compile([withInclude(file)]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/^error pss\.baseline\.host-namespaces \[Deployment shop-staging\/agent\] spec\.template\.spec\.hostNetwork/),
    ]));
  });

  test.each([
    ['a duplicate key', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { A: "1", A: "2" }\n', /settings\.yaml:4: Map keys must be unique/],
    ['malformed YAML', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings\n', /settings\.yaml:\d+: /],
    ['a document that is no object', 'apiVersion: v1\nkind: ConfigMap\n---\n- just a list\n', /settings\.yaml:4: a document is not a Kubernetes object/],
  ])('are refused whole, never half-read, on %s', (_, yaml, message) => {
    const result = compile([withInclude(vendor('settings.yaml', yaml))]);
    expectFailedWithoutOutput(result);
    expect(result.errors).toEqual([expect.stringMatching(/^\[apps\/shop\/environments\/staging\] include\[0\]: cannot be read: /)]);
    expect(result.errors[0]).toMatch(message);
  });

  test('must exist', () => {
    const result = compile([withInclude(path.join(dir, 'missing.yaml'))]);
    expect(result.errors).toEqual([expect.stringMatching(/^\[apps\/shop\/environments\/staging\] include\[0\]: names no file/)]);
  });
});
