import { Chart, Testing } from 'cdk8s';
import { shop } from '../apps/shop';
import { compile } from '../compiler/compile';
import { DefaultDenyNetwork, DefaultDenyNetworkProps } from '../constructs/default-deny-network';
import { TenantNamespace } from '../constructs/tenant-namespace';
import { checkManifests } from '../policy/gate';
import { refusalOf } from './refusal';

// The cloud metadata endpoint (169.254.169.254, fd00:ec2::254) hands the node's cloud credentials
// to any pod that asks. The gate's network.metadata-endpoint finds an egress that reaches it; the
// construct and the compiler never build one: a wider block gets it carved out, a narrower one is refused.

const API = { 'app.kubernetes.io/name': 'api' };
const REASON = 'calls a payment provider whose addresses change';

function build(props: Omit<DefaultDenyNetworkProps, 'namespace'>) {
  const chart = new Chart(Testing.app(), 'test');
  const namespace = new TenantNamespace(chart, 'ns', { app: 'shop', environment: 'production' });
  new DefaultDenyNetwork(chart, 'net', { namespace, ...props });
  return Testing.synth(chart);
}
const egress = (cidr: string, except?: string[], reason?: string) =>
  ({ egress: [{ name: 'out', podSelector: API, peers: [{ cidr, ...(except ? { except } : {}) }], ports: [{ port: 443 }], ...(reason ? { reason } : {}) }] });
const ipBlockOf = (objects: any[]) => objects.find(o => o.metadata.name === 'allow-egress-out').spec.egress[0].to[0].ipBlock;
const metadataFindings = (objects: any[]) => checkManifests(objects).findings.filter(f => f.rule === 'network.metadata-endpoint');

describe('DefaultDenyNetwork', () => {
  test.each([
    ['0.0.0.0/0', undefined, ['169.254.0.0/16']],
    ['169.0.0.0/8', undefined, ['169.254.0.0/16']],
    ['0.0.0.0/0', ['10.0.0.0/8'], ['10.0.0.0/8', '169.254.0.0/16']],
    ['0.0.0.0/0', ['169.254.0.0/16'], ['169.254.0.0/16']],
    ['::/0', undefined, ['64:ff9b::a9fe:0/112', 'fd00:ec2::254/128', '64:ff9b:1::/48']],
    ['fd00::/8', undefined, ['fd00:ec2::254/128']],
  ])('carves the metadata endpoint out of egress to %s (except %p): except %p, and the gate agrees', (cidr, except, expected) => {
    const objects = build(egress(cidr, except, REASON));
    expect(ipBlockOf(objects).except).toEqual(expected);
    expect(metadataFindings(objects)).toEqual([]);
  });

  test('leaves a block that does not reach the endpoint as written', () => {
    expect(ipBlockOf(build(egress('10.40.0.0/24')))).toEqual({ cidr: '10.40.0.0/24' });
    expect(ipBlockOf(build(egress('169.254.170.23/32')))).toEqual({ cidr: '169.254.170.23/32' });
  });

  test('carves nothing out of ingress: the endpoint never calls', () => {
    const objects = build({ ingress: [{ name: 'node', podSelector: API, peers: [{ cidr: '169.254.0.0/16' }], ports: [{ port: 8080 }] }] });
    expect(objects.find(o => o.metadata.name === 'allow-ingress-node').spec.ingress[0].from[0].ipBlock).toEqual({ cidr: '169.254.0.0/16' });
  });

  test.each(['169.254.0.0/16', '169.254.169.254/32', '::ffff:169.254.169.254/128', '64:ff9b:1:5::/64', 'fd00:ec2::254/128'])(
    'refuses egress to %s, which no except can carve the endpoint from, even with a reason', cidr => {
      const err = refusalOf(() => build(egress(cidr, undefined, REASON)));
      expect(err.message).toMatch(new RegExp(`^\\[test/net\\] egress\\.out\\.peers\\[0\\]\\.cidr: reaches the cloud metadata endpoint .*Fix: narrow the CIDR`));
    });
});

describe('compile', () => {
  const withEgress = (cidr: string) => {
    const spec = JSON.parse(JSON.stringify(shop));
    spec.services.api.egress = [...(spec.services.api.egress ?? []), { name: 'out', cidr, ports: [{ port: 443 }], reason: REASON }];
    return compile([spec]);
  };

  test('refuses an egress CIDR that reaches the endpoint at the spec\'s field, once for all environments', () => {
    const result = withEgress('169.254.0.0/16');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^\[apps\/shop\/services\/api\] egress\[\d+\]\.cidr: reaches the cloud metadata endpoint 169\.254\.169\.254\/32, .*\(got "169\.254\.0\.0\/16"\)\. Fix: narrow the CIDR/);
  });

  test('builds 0.0.0.0/0 with a reason with the link-local block carved out, and the gate passes it', () => {
    const result = withEgress('0.0.0.0/0');
    expect(result.errors).toEqual([]);
    const policies = result.objects.filter((o: any) => o.kind === 'NetworkPolicy'
      && JSON.stringify(o.spec.egress ?? []).includes('"cidr":"0.0.0.0/0"'));
    expect(policies.length).toBeGreaterThan(0);
    for (const p of policies) expect(JSON.stringify(p.spec.egress)).toContain('"except":["169.254.0.0/16"]');
    expect(metadataFindings(result.objects)).toEqual([]);
  });
});
