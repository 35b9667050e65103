import { Testing } from 'cdk8s';
import { HardenedDeployment } from '../constructs/hardened-deployment';
import { HardenedIngress, HardenedIngressProps } from '../constructs/hardened-ingress';
import { checkManifests } from '../policy/gate';
import { refusalOf } from './refusal';
import { environment, IMAGE, only } from './support/workloads';

type Props = Partial<Omit<HardenedIngressProps, 'namespace' | 'service'>>;

const NGINX: Props = { host: 'api.example.com', className: 'nginx', controller: 'ingress-nginx', tls: { secretName: 'api-tls' } };
const TRAEFIK: Props = { host: 'api.example.com', className: 'traefik', controller: 'traefik', tls: { secretName: 'api-tls' } };

/** A Deployment `api` with two ports, and its Ingress built from `props`. */
function build(props: Props = {}, ports = [{ name: 'http', port: 8080, servicePort: 80 }, { name: 'metrics', port: 9090 }]) {
  const env = environment();
  const service = new HardenedDeployment(env.chart, 'api', { namespace: env.namespace, image: IMAGE, ports });
  const ingress = new HardenedIngress(env.chart, 'ingress', { namespace: env.namespace, service, ...NGINX, ...props } as HardenedIngressProps);
  return { ...env, ingress };
}

const synth = (props: Props = {}) => {
  const { app, chart } = build(props);
  return [...Testing.synth(chart), ...app.charts.filter(c => c !== chart).flatMap(c => Testing.synth(c))];
};
const ingressOf = (props: Props = {}) => only(synth(props), 'Ingress');
const refusal = (props: Props, ports?: { name: string; port: number; protocol?: 'TCP' | 'UDP' }[]) => refusalOf(() => build(props, ports));

describe('HardenedIngress: what it emits', () => {
  test('ingress-nginx: TLS for the host from the Secret, both redirects, the service\'s port by name, and nothing else', () => {
    const ingress = ingressOf();
    expect(ingress).toEqual({
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: {
        name: 'api', namespace: 'shop-production',
        labels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/managed-by': 'cdk8s-guardrails' },
        annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true', 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' },
      },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['api.example.com'], secretName: 'api-tls' }],
        rules: [{ host: 'api.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { name: 'http' } } } }] } }],
      },
    });
  });

  test('passes the gate with the workload, network and namespace around it', () => {
    const objects = synth({ sourceRanges: ['203.0.113.7/32'], tls: { issuer: 'letsencrypt' } });
    expect(checkManifests(objects).failures).toEqual([]);
  });

  test('Traefik: only the HTTPS entry point, with router.tls, so no plain-HTTP router exists', () => {
    expect(ingressOf(TRAEFIK).metadata.annotations).toEqual({
      'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure', 'traefik.ingress.kubernetes.io/router.tls': 'true',
    });
    expect(ingressOf({ ...TRAEFIK, entryPoint: 'https' }).metadata.annotations['traefik.ingress.kubernetes.io/router.entrypoints']).toBe('https');
  });

  test('a ClusterIssuer by default, an Issuer on request, and the Secret cert-manager writes named <service>-tls unless given', () => {
    const cluster = ingressOf({ tls: { issuer: 'letsencrypt-prod' } });
    expect(cluster.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    expect(cluster.spec.tls).toEqual([{ hosts: ['api.example.com'], secretName: 'api-tls' }]);
    const own = ingressOf({ tls: { issuer: 'team-ca', issuerKind: 'Issuer', secretName: 'api-cert' } });
    expect(own.metadata.annotations['cert-manager.io/issuer']).toBe('team-ca');
    expect(own.metadata.annotations['cert-manager.io/cluster-issuer']).toBeUndefined();
    expect(own.spec.tls[0].secretName).toBe('api-cert');
  });

  test('sourceRanges under the name ingress-nginx reads and its older alias, the same value', () => {
    const annotations = ingressOf({ sourceRanges: ['203.0.113.7/32', '2001:db8::/48'] }).metadata.annotations;
    expect(annotations['nginx.ingress.kubernetes.io/allowlist-source-range']).toBe('203.0.113.7/32,2001:db8::/48');
    expect(annotations['nginx.ingress.kubernetes.io/whitelist-source-range']).toBe('203.0.113.7/32,2001:db8::/48');
  });

  test('paths as Prefix rules to the chosen port', () => {
    const ingress = ingressOf({ paths: ['/api', '/v2/'], port: 'metrics' });
    expect(ingress.spec.rules[0].http.paths).toEqual(['/api', '/v2/'].map(path => ({
      path, pathType: 'Prefix', backend: { service: { name: 'api', port: { name: 'metrics' } } },
    })));
  });

  test('tells the compiler the pods\' port behind the Service port it routes to', () => {
    expect(build().ingress.route.port).toEqual({ name: 'http', number: 80, containerPort: 8080 });
  });
});

describe('HardenedIngress: refusals name the field, the value and the fix', () => {
  test('no tls', () => {
    const err = refusal({ tls: undefined });
    expect(err.message).toMatch(/^\[test\/ingress\] tls: is required: an Ingress always serves TLS \(got nothing\)\. Fix: set tls to \{ secretName/);
  });

  test.each([
    ['tls with neither', { tls: {} }, 'tls', /names neither a Secret nor an issuer/],
    ['an unknown tls field', { tls: { secretName: 'a', insecure: true } }, 'tls.insecure', /is not a field of tls/],
    ['issuerKind without issuer', { tls: { secretName: 'a', issuerKind: 'Issuer' } }, 'tls.issuerKind', /without tls\.issuer/],
    ['an issuer kind cert-manager does not have', { tls: { issuer: 'x', issuerKind: 'Vault' } }, 'tls.issuerKind', /must be one of ClusterIssuer, Issuer/],
    ['an issuer name that is no object name', { tls: { issuer: 'Lets Encrypt' } }, 'tls.issuer', /DNS-1123 subdomain/],
    ['a Secret name with a newline', { tls: { secretName: 'a\nb' } }, 'tls.secretName', /DNS-1123 subdomain/],
  ] as [string, Props, string, RegExp][])('%s', (_, props, field, problem) => {
    const err = refusal(props);
    expect([err.field, err.problem]).toEqual([field, expect.stringMatching(problem)]);
  });

  test.each([
    ['a wildcard', '*.example.com', /wildcard/],
    ['an IPv4 address', '203.0.113.7', /IP address/],
    ['upper case', 'API.example.com', /lower-case DNS name/],
    ['a trailing dot', 'api.example.com.', /lower-case DNS name/],
    ['a wildcard in the middle', 'api.*.example.com', /lower-case DNS name/],
    ['a port', 'api.example.com:443', /lower-case DNS name/],
    ['a label over 63 characters', `${'a'.repeat(64)}.example.com`, /lower-case DNS name/],
    ['empty', '', /lower-case DNS name/],
  ])('host: %s', (_, host, problem) => {
    const err = refusal({ host });
    expect([err.field, err.value, err.problem]).toEqual(['host', host, expect.stringMatching(problem)]);
  });

  test.each([
    ['a relative path', ['api'], 'paths[0]'],
    ['a regex', ['/api(/|$)(.*)'], 'paths[0]'],
    ['nginx syntax', ['/x;return 200'], 'paths[0]'],
    ['a parent segment', ['/a/../b'], 'paths[0]'],
    ['a double slash', ['/a//b'], 'paths[0]'],
    ['a repeat up to its trailing slash', ['/api', '/api/'], 'paths[1]'],
    ['an empty list', [], 'paths'],
  ])('paths: %s', (_, paths, field) => {
    expect(refusal({ paths }).field).toBe(field);
  });

  test('a class name that is no object name', () => {
    expect(refusal({ className: 'Nginx Public' }).field).toBe('className');
  });

  test('a controller we do not know the annotations of', () => {
    const err = refusal({ controller: 'haproxy' as never });
    expect([err.field, err.problem]).toEqual(['controller', 'must be one of ingress-nginx, traefik']);
  });

  test('a port the service does not have, or a UDP one', () => {
    expect(refusal({ port: 'admin' }).message).toContain('port: names no TCP port of api (got "admin"). Fix: use one of "http", "metrics"');
    expect(refusal({ port: 'dns' }, [{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, protocol: 'UDP' }]).field).toBe('port');
    expect(refusal({}, [{ name: 'dns', port: 5353, protocol: 'UDP' }]).problem).toMatch(/has no TCP port/);
  });

  test('a service without ports', () => {
    expect(refusal({}, []).problem).toMatch(/has no TCP port, so no Ingress can route to it/);
  });

  test('sourceRanges on Traefik, which needs a Middleware to enforce it', () => {
    const err = refusal({ ...TRAEFIK, sourceRanges: ['203.0.113.7/32'] });
    expect(err.message).toMatch(/sourceRanges: cannot be enforced by Traefik from an Ingress: it needs an ipAllowList Middleware/);
    expect(err.fix).toMatch(/leave sourceRanges out/);
  });

  test('an entry point list that would add the plain-HTTP one', () => {
    expect(refusal({ ...TRAEFIK, entryPoint: 'websecure,web' }).field).toBe('entryPoint');
  });

  test.each([
    ['0.0.0.0/0'], ['::/0'], ['0.0.0.0/1,128.0.0.0/1'], ['::ffff:0:0/96'], ['64:ff9b::/96'], ['2000::/3'], ['8.0.0.0/8'],
  ])('sourceRanges that reach the internet: %s', ranges => {
    const err = refusal({ sourceRanges: ranges.split(',') });
    expect([err.field, err.problem]).toEqual(['sourceRanges', expect.stringMatching(/the internet, so the allow-list keeps no one out/)]);
  });

  test.each([
    ['a bare address', ['203.0.113.7'], 'sourceRanges[0]'],
    ['a zero-padded octet', ['203.0.113.07/32'], 'sourceRanges[0]'],
    ['a prefix over 32', ['10.0.0.0/33'], 'sourceRanges[0]'],
    ['a comma inside one entry', ['10.0.0.0/8,0.0.0.0/0'], 'sourceRanges[0]'],
    ['an empty list, which ingress-nginx ignores', [], 'sourceRanges'],
  ])('sourceRanges: %s', (_, sourceRanges, field) => {
    expect(refusal({ sourceRanges }).field).toBe(field);
  });

  test('accepts a private and a narrow public range together', () => {
    expect(() => build({ sourceRanges: ['10.0.0.0/8', '198.51.100.0/24', '2001:db8:1::/48'] })).not.toThrow();
  });
});
