import { AppSpec, PlatformSpec } from '../compiler/app-spec';
import { compile } from '../compiler/compile';
import { buildReport, renderMarkdown } from '../compiler/report';
import { checkManifests } from '../policy';
import { IMAGE } from './support/workloads';

// A service's `ingress` and its callers and destinations by CIDR, from JSON-shaped specs as a
// user writes them: what the compiler builds, and every refusal at the spec's own path and field.

const PLATFORM: PlatformSpec = {
  reservedNamespaces: ['cert-manager'],
  ingressControllers: [
    { className: 'nginx', controller: 'ingress-nginx', namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    { className: 'traefik', controller: 'traefik', namespace: 'kube-system', podLabels: { 'app.kubernetes.io/name': 'traefik' } },
  ],
};
const INGRESS = { host: 'api.example.com', className: 'nginx', tls: { issuer: 'letsencrypt' } };
const WHERE = '[apps/kb/services/api]';

/** App `kb` (two environments) whose service `api` (ports http 8080 behind 80, metrics 9090) is edited by `edit`. */
function app(edit: (api: Record<string, any>) => void = () => undefined): AppSpec {
  const spec = JSON.parse(JSON.stringify({
    name: 'kb', repoURL: 'https://github.com/acme/kb.git',
    environments: { production: {}, staging: {} },
    services: { api: { image: IMAGE, ports: [{ name: 'http', port: 8080, servicePort: 80 }, { name: 'metrics', port: 9090 }] } },
  }));
  edit(spec.services.api);
  return spec;
}

const ofKind = (objects: any[], kind: string, namespace = 'kb-production') => objects.filter(o => o.kind === kind && o.metadata?.namespace === namespace);
const policy = (objects: any[], name: string) => ofKind(objects, 'NetworkPolicy').find(p => p.metadata.name === name);
const errorsOf = (spec: AppSpec, platform: PlatformSpec | undefined = PLATFORM) => compile([spec], platform).errors;

describe('compile: a service\'s ingress', () => {
  test('builds the Ingress in each environment and the NetworkPolicy from the controller\'s pods to the routed port only', () => {
    const result = compile([app(api => { api.ingress = { ...INGRESS, sourceRanges: ['203.0.113.7/32'] }; })], PLATFORM);
    expect(result.errors).toEqual([]);
    for (const ns of ['kb-production', 'kb-staging']) {
      const [ingress] = ofKind(result.objects, 'Ingress', ns);
      expect(ingress.metadata.labels['app.kubernetes.io/part-of']).toBe('kb');
      expect(ingress.metadata.annotations).toMatchObject({
        'cert-manager.io/cluster-issuer': 'letsencrypt', 'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
        'nginx.ingress.kubernetes.io/allowlist-source-range': '203.0.113.7/32',
      });
      expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'api', port: { name: 'http' } } });
    }
    expect(policy(result.objects, 'allow-ingress-api-from-ingress').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      }],
    });
    expect(checkManifests(result.objects).failures).toEqual([]);
  });

  test('for an issuer, one rule per namespace lets the controller reach cert-manager\'s HTTP-01 solver pods; for a Secret, none', () => {
    const spec = app(api => { api.ingress = INGRESS; });
    (spec.services as any).web = { image: IMAGE, ports: [{ name: 'http', port: 8080 }], ingress: { ...INGRESS, host: 'web.example.com' } };
    const result = compile([spec], PLATFORM);
    expect(result.errors).toEqual([]);
    const solver = ofKind(result.objects, 'NetworkPolicy').filter(p => p.metadata.name.startsWith('allow-ingress-acme-solver'));
    expect(solver.map(p => p.metadata.name)).toEqual(['allow-ingress-acme-solver-from-nginx']);
    expect(solver[0].spec).toEqual({
      podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } }, policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }],
        ports: [{ port: 8089, protocol: 'TCP' }],
      }],
    });
    expect(checkManifests(result.objects).failures).toEqual([]);
    const given = compile([app(api => { api.ingress = { ...INGRESS, tls: { secretName: 'api-tls' } }; })], PLATFORM);
    expect(ofKind(given.objects, 'NetworkPolicy').map(p => p.metadata.name).filter(n => n.includes('acme'))).toEqual([]);
  });

  test('the deployer may apply the Ingress', () => {
    const result = compile([app(api => { api.ingress = INGRESS; })], PLATFORM);
    const [role] = ofKind(result.objects, 'Role').filter(r => r.metadata.name === 'deployer');
    expect(role.rules).toContainEqual(expect.objectContaining({ apiGroups: ['networking.k8s.io'], resources: ['ingresses'] }));
  });

  test('Traefik: the route on the platform\'s HTTPS entry point, and the policy from Traefik\'s pods', () => {
    const platform = { ...PLATFORM, ingressControllers: [{ className: 'traefik', controller: 'traefik' as const, namespace: 'traefik', entryPoint: 'https' }] };
    const result = compile([app(api => { api.ingress = { ...INGRESS, className: 'traefik', port: 'metrics' }; })], platform);
    expect(result.errors).toEqual([]);
    expect(ofKind(result.objects, 'Ingress')[0].metadata.annotations['traefik.ingress.kubernetes.io/router.entrypoints']).toBe('https');
    expect(policy(result.objects, 'allow-ingress-api-from-ingress').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }], ports: [{ port: 9090, protocol: 'TCP' }],
    }]);
  });

  test('a StatefulSet and a DaemonSet with ports may have one', () => {
    expect(errorsOf(app(api => { api.kind = 'StatefulSet'; api.ingress = INGRESS; }))).toEqual([]);
    const daemon = app(api => { api.kind = 'DaemonSet'; api.ingress = INGRESS; });
    (daemon.environments as any) = { production: { podSecurity: 'baseline', podSecurityReason: 'node agent with a port of its own' } };
    expect(errorsOf(daemon)).toEqual([]);
  });

  test('the report lists it: class, host, certificate, redirect, source ranges and backend', () => {
    const result = compile([app(api => { api.ingress = { ...INGRESS, sourceRanges: ['203.0.113.7/32'], paths: ['/api'] }; })], PLATFORM);
    const report = buildReport(result.objects, result.gate!);
    expect(report.ingresses).toContainEqual({
      ingress: 'kb-production/api', className: 'nginx', hosts: ['api.example.com'],
      tls: ['Secret api-tls for api.example.com', 'issued by ClusterIssuer letsencrypt'],
      redirect: 'ssl-redirect: true, force-ssl-redirect: true', sourceRanges: ['203.0.113.7/32'], backends: ['api.example.com/api -> api:http'],
    });
    expect(renderMarkdown(report)).toContain('| kb-production/api | nginx | api.example.com | Secret api-tls for api.example.com<br>issued by ClusterIssuer letsencrypt |');
  });

  test('the controllers\' namespaces are reserved', () => {
    const spec = app();
    (spec.environments as any) = { production: { namespace: 'ingress-nginx' } };
    expect(errorsOf(spec)).toEqual([expect.stringContaining('[apps/kb/environments/production] namespace: is the namespace of the ingress controller nginx, so no app may claim it')]);
  });

  test.each([
    ['no controller in the platform settings', api => { api.ingress = INGRESS; }, {},
      `${WHERE} ingress.className: names an ingress controller, and the platform settings register none (got "nginx"). Fix: register the ingress controller in the platform settings`],
    ['a class the platform does not run', api => { api.ingress = { ...INGRESS, className: 'haproxy' }; }, PLATFORM,
      `${WHERE} ingress.className: is not the class of an ingress controller of the platform (got "haproxy"). Fix: use one of "nginx", "traefik"`],
    ['sourceRanges through Traefik', api => { api.ingress = { ...INGRESS, className: 'traefik', sourceRanges: ['203.0.113.7/32'] }; }, PLATFORM,
      `${WHERE} ingress.sourceRanges: cannot be enforced by Traefik`],
    ['sourceRanges of the whole internet in halves', api => { api.ingress = { ...INGRESS, sourceRanges: ['0.0.0.0/1', '128.0.0.0/1'] }; }, PLATFORM,
      `${WHERE} ingress.sourceRanges: together reach 3702258688 public IPv4 addresses (100% of them): the internet`],
    ['a Job', api => { api.kind = 'Job'; delete api.ports; api.ingress = INGRESS; }, PLATFORM,
      `${WHERE} ingress: a Job listens on no port, so no Ingress can route to it`],
    ['a CronJob', api => { api.kind = 'CronJob'; api.schedule = '@daily'; delete api.ports; api.ingress = INGRESS; }, PLATFORM,
      `${WHERE} ingress: a CronJob listens on no port`],
    ['a service without ports', api => { delete api.ports; api.ingress = INGRESS; }, PLATFORM,
      `${WHERE} ingress: is set on a service with no ports: there is nothing to route to`],
    ['a wildcard host', api => { api.ingress = { ...INGRESS, host: '*.example.com' }; }, PLATFORM, `${WHERE} ingress.host: is a wildcard`],
    ['a port of another service', api => { api.ingress = { ...INGRESS, port: 'grpc' }; }, PLATFORM, `${WHERE} ingress.port: names no TCP port of api`],
  ] as [string, (api: Record<string, any>) => void, PlatformSpec, string][])('refuses %s, once for all environments', (_, edit, platform, start) => {
    const errors = errorsOf(app(edit), platform);
    expect(errors).toEqual([expect.stringContaining(start)]);
    expect(errors[0].startsWith(start)).toBe(true);
  });

  test('refuses an ingress without tls at the spec\'s own path', () => {
    const errors = errorsOf(app(api => { api.ingress = { host: 'api.example.com', className: 'nginx' }; }));
    expect(errors).toEqual([expect.stringMatching(/^\[apps\/kb\/services\/api\/ingress\] tls: is required/)]);
  });

  test('refuses an ingress field it does not know', () => {
    const errors = errorsOf(app(api => { api.ingress = { ...INGRESS, annotations: { 'nginx.ingress.kubernetes.io/server-snippet': 'x' } }; }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\[apps\/kb\/services\/api\/ingress\] annotations: /);
  });
});

describe('compile: platform ingress controllers', () => {
  test.each([
    ['a class twice', [{ className: 'nginx', controller: 'ingress-nginx', namespace: 'a' }, { className: 'nginx', controller: 'traefik', namespace: 'b' }],
      '[platform] ingressControllers[1].className: repeats the class'],
    ['a controller we do not know', [{ className: 'nginx', controller: 'haproxy', namespace: 'a' }], '[platform/ingressControllers[0]] controller: must be one of ingress-nginx, traefik'],
    ['an entry point on ingress-nginx', [{ className: 'nginx', controller: 'ingress-nginx', namespace: 'a', entryPoint: 'websecure' }],
      '[platform] ingressControllers[0].entryPoint: is Traefik\'s'],
    ['an empty podLabels, which would mean every pod but reads like none', [{ className: 'nginx', controller: 'ingress-nginx', namespace: 'a', podLabels: {} }],
      '[platform] ingressControllers[0].podLabels: must hold at least one label'],
    ['a namespace that is no label', [{ className: 'nginx', controller: 'ingress-nginx', namespace: 'Ingress' }], '[platform] ingressControllers[0].namespace'],
  ])('refuses %s', (_, ingressControllers, start) => {
    const errors = compile([app()], { ingressControllers } as PlatformSpec).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0].startsWith(start)).toBe(true);
  });
});

describe('compile: callers by CIDR', () => {
  test('a caller by CIDR gets its own NetworkPolicy with an ipBlock, to the service\'s ports', () => {
    const result = compile([app(api => { api.callers = [{ cidr: '203.0.113.7/32' }, { namespace: 'monitoring' }]; })], PLATFORM);
    expect(result.errors).toEqual([]);
    expect(policy(result.objects, 'allow-ingress-api-from-203-0-113-7-32').spec.ingress).toEqual([{
      from: [{ ipBlock: { cidr: '203.0.113.7/32' } }], ports: [{ port: 8080, protocol: 'TCP' }, { port: 9090, protocol: 'TCP' }],
    }]);
    expect(policy(result.objects, 'allow-ingress-api-from-monitoring')).toBeDefined();
    expect(checkManifests(result.objects).failures).toEqual([]);
  });

  test('an IPv6 caller gets a rule name of its characters', () => {
    const result = compile([app(api => { api.callers = [{ cidr: '2001:DB8::/48' }]; })], PLATFORM);
    expect(result.errors).toEqual([]);
    expect(policy(result.objects, 'allow-ingress-api-from-2001-db8---48')).toBeDefined();
  });

  test.each([
    ['an address without a prefix', '203.0.113.7', 'is not a CIDR: "203.0.113.7" is not a CIDR: write an address and a prefix length'],
    ['a prefix over 32', '203.0.113.7/33', 'is not a CIDR: "203.0.113.7/33": an IPv4 prefix is at most 32'],
    ['a zero-padded octet', '010.0.0.0/8', 'is not a CIDR'],
    ['a host name', 'office.example.com/32', 'is not a CIDR'],
  ])('refuses %s at callers[i].cidr, once, not again at the policy', (_, cidr, problem) => {
    const errors = errorsOf(app(api => { api.callers = [{ namespace: 'monitoring' }, { cidr }]; }));
    expect(errors).toEqual([`${WHERE} callers[1].cidr: ${problem}${errors[0].slice(`${WHERE} callers[1].cidr: ${problem}`.length)}`]);
    expect(errors[0]).toContain('Fix: write it like "203.0.113.7/32"');
  });

  test('refuses a caller that names neither a namespace nor a CIDR, rather than calling it a bad namespace', () => {
    expect(errorsOf(app(api => { api.callers = [{ podLabels: { app: 'x' } }]; }))).toEqual([
      `${WHERE} callers[0]: names no caller: set namespace (pods of another namespace) or cidr (clients by address) (got {"podLabels":{"app":"x"}}). Fix: e.g. { namespace: "monitoring" } or { cidr: "203.0.113.7/32" }`,
    ]);
  });

  test('refuses a CIDR beside a namespace', () => {
    expect(errorsOf(app(api => { api.callers = [{ cidr: '203.0.113.7/32', namespace: 'monitoring' }]; }))[0]).toMatch(/^\[apps\/kb\/services\/api\] callers\[0\]: sets cidr beside namespace/);
  });

  test('refuses a reason on a namespace caller, which nothing reads', () => {
    expect(errorsOf(app(api => { api.callers = [{ namespace: 'monitoring', reason: 'the dashboards scrape it' }]; }))[0])
      .toMatch(/^\[apps\/kb\/services\/api\] callers\[0\]\.reason: is only for a cidr caller/);
  });

  test.each([
    ['0.0.0.0/0', [{ cidr: '0.0.0.0/0' }]],
    ['::/0', [{ cidr: '::/0' }]],
    ['IPv4 as mapped IPv6', [{ cidr: '::ffff:0:0/96' }]],
    ['IPv4 through NAT64', [{ cidr: '64:ff9b::/96' }]],
    ['the two /1 halves over two callers', [{ cidr: '0.0.0.0/1' }, { cidr: '128.0.0.0/1' }]],
  ])('refuses %s without a reason', (_, callers) => {
    const errors = errorsOf(app(api => { api.callers = callers; }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\[apps\/kb\/services\/api\] callers\[0\]\.reason: .*the internet, which needs a reason \(got nothing\)/);
  });

  test('names the other half in the refusal, and wants a reason on each', () => {
    const halves = (reasons: (string | undefined)[]) => app(api => { api.callers = [{ cidr: '0.0.0.0/1', reason: reasons[0] }, { cidr: '128.0.0.0/1', reason: reasons[1] }]; });
    expect(errorsOf(halves([undefined, undefined]))[0]).toContain('callers[0].reason: together with callers[1].cidr, callers[0].cidr reaches');
    expect(errorsOf(halves(['a public webhook endpoint', undefined]))[0]).toMatch(/^\[apps\/kb\/services\/api\] callers\[1\]\.reason: together with callers\[0\]\.cidr/);
  });

  test('a private range and a narrow public one need no reason', () => {
    expect(errorsOf(app(api => { api.callers = [{ cidr: '10.0.0.0/8' }, { cidr: '198.51.100.0/24' }, { cidr: '8.8.8.0/24' }]; }))).toEqual([]);
  });

  test('with a reason, the internet may call: the exception is written on the policy and the gate passes', () => {
    const reason = 'a public webhook receiver; signatures are checked';
    const result = compile([app(api => { api.callers = [{ cidr: '0.0.0.0/0', reason }]; })], PLATFORM);
    expect(result.errors).toEqual([]);
    expect(policy(result.objects, 'allow-ingress-api-from-0-0-0-0-0').metadata.annotations).toEqual({ 'guardrails.cdk8s.io/exception.internet': reason });
    expect(checkManifests(result.objects).failures).toEqual([]);
  });

  test('ranges under the threshold alone, over it across two services, are caught when the network is built, as the gate would', () => {
    // Two /9 halves of the public 11.0.0.0/8: 2^23 addresses each, under the /8 threshold; 2^24 together.
    const spec = app(api => { api.callers = [{ cidr: '11.0.0.0/9' }]; });
    (spec.services as any).web = { image: IMAGE, ports: [{ name: 'http', port: 8080 }], callers: [{ cidr: '11.128.0.0/9' }] };
    (spec.environments as any) = { production: {} };
    expect(errorsOf(spec)).toEqual([expect.stringMatching(/^\[platform\/kb\/production\/Network\] ingress\.web-from-11-128-0-0-9\.reason: an exception needs a reason/)]);
    (spec.services as any).web.callers[0].cidr = '11.128.0.0/10';
    expect(errorsOf(spec)).toEqual([]);
  });
});

describe('compile: destinations by CIDR', () => {
  const egress = (dest: Record<string, unknown>[]) => app(api => { api.egress = dest.map((d, i) => ({ name: `d${i}`, ports: [{ port: 443 }], ...d })); });

  test.each([['10.0.0.0/33'], ['10.0.0.0'], ['10.00.0.0/16'], ['fe80::1%eth0/64']])('refuses the malformed %s at egress[i].cidr, once', cidr => {
    const errors = errorsOf(egress([{ cidr }]));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\[apps\/kb\/services\/api\] egress\[0\]\.cidr: is not a CIDR/);
  });

  test.each([
    ['::/0', ['::/0']], ['2000::/3', ['2000::/3']], ['::ffff:0:0/97 (mapped IPv4, 0.0.0.0/1; the whole /96 also reaches the metadata endpoint)', ['::ffff:0:0/97']], ['64:ff9b::/96', ['64:ff9b::/96']],
    ['the IPv6 halves', ['::/1', '8000::/1']], ['the IPv4 halves', ['0.0.0.0/1', '128.0.0.0/1']],
  ])('refuses %s without a reason at egress[i].reason', (_, cidrs) => {
    const errors = errorsOf(egress(cidrs.map(cidr => ({ cidr }))));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\[apps\/kb\/services\/api\] egress\[0\]\.reason: .*the internet, which needs a reason/);
  });

  test('refuses a CIDR beside a namespace', () => {
    expect(errorsOf(egress([{ cidr: '10.0.0.0/8', namespace: 'db' }]))[0]).toMatch(/^\[apps\/kb\/services\/api\] egress\[0\]: sets cidr beside namespace/);
  });
});

describe('report: the Ingress section', () => {
  test('escapes what an Ingress of any origin says, so no value can add a row, a link or HTML', () => {
    const hostile = 'x\n| forged | row | <script>alert(1)</script> [a](http://x)';
    const ingress = {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: { name: 'web', namespace: 'shop', annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': hostile, 'nginx.ingress.kubernetes.io/allowlist-source-range': `10.0.0.0/8,${hostile}` } },
      spec: { ingressClassName: hostile, tls: [{ hosts: [hostile], secretName: hostile }], rules: [{ host: hostile, http: { paths: [{ path: hostile, backend: { service: { name: hostile, port: { number: 80 } } } }] } }] },
    };
    const markdown = renderMarkdown(buildReport([ingress], checkManifests([ingress])));
    const section = markdown.slice(markdown.indexOf('## Ingress'), markdown.indexOf('## ArgoCD projects'));
    const rows = section.split('\n').filter(l => l.startsWith('|'));
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.replace(/\\./g, '').split('|')).toHaveLength(9);
    expect(section).not.toMatch(/<script>|(?<!\\)\]\(http|^\| forged/m);
    expect(section).toContain('&lt;script&gt;');
  });

  test('says None. when there is no Ingress, and shows a plain-HTTP one as such', () => {
    expect(renderMarkdown(buildReport([], checkManifests([])))).toMatch(/## Ingress\n\n.*\n\nNone\.\n/);
    const plain = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' }, spec: { rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }] } };
    const [entry] = buildReport([plain], checkManifests([plain])).ingresses;
    expect(entry).toEqual({
      ingress: 'shop/web', className: 'none', hosts: ['(every host)'], tls: [], redirect: 'controller default', sourceRanges: ['every client'], backends: ['*/ -> web:http'],
    });
  });
});
