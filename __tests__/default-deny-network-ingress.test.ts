import { Chart, Testing } from 'cdk8s';
import { DefaultDenyNetwork, NetworkAllow } from '../constructs/default-deny-network';
import { TenantNamespace } from '../constructs/tenant-namespace';
import { checkManifests } from '../policy/gate';
import { refusalOf } from './refusal';

// Callers by address: allowIngress takes ipBlock peers under the same whole-internet rule as
// egress, judged over the ingress rules together and apart from the egress ones.

const API = { 'app.kubernetes.io/name': 'api' };
const INTERNET = 'guardrails.cdk8s.io/exception.internet';
const from = (name: string, cidrs: string[], reason?: string): NetworkAllow => ({ name, podSelector: API, peers: cidrs.map(cidr => ({ cidr })), ports: [{ port: 8080 }], reason });
const to = (name: string, cidrs: string[], reason?: string): NetworkAllow => ({ ...from(name, cidrs, reason), ports: [{ port: 443 }] });

function build(ingress: NetworkAllow[], egress: NetworkAllow[] = []) {
  const chart = new Chart(Testing.app(), 'test');
  const namespace = new TenantNamespace(chart, 'ns', { app: 'shop', environment: 'production' });
  const network = new DefaultDenyNetwork(chart, 'net', { namespace });
  for (const allow of ingress) network.allowIngress(allow);
  for (const allow of egress) network.allowEgress(allow);
  return Testing.synth(chart);
}
const policy = (objects: any[], name: string) => objects.find(o => o.kind === 'NetworkPolicy' && o.metadata.name === name);

test('an ipBlock caller becomes an ingress rule from that block to the ports', () => {
  const objects = build([from('office', ['203.0.113.7/32'])]);
  expect(policy(objects, 'allow-ingress-office').spec).toEqual({
    podSelector: { matchLabels: API }, policyTypes: ['Ingress'],
    ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.7/32' } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
  });
  expect(policy(objects, 'allow-ingress-office').metadata.annotations).toBeUndefined();
});

test.each([['0.0.0.0/0'], ['::/0'], ['::ffff:0:0/96'], ['64:ff9b::/96']])('refuses %s from the internet without a reason', cidr => {
  expect(refusalOf(() => build([from('public', [cidr])])).field).toBe('ingress.public.reason');
});

test('refuses the second /1 half in another ingress rule, naming the rule it completes the internet with', () => {
  const err = refusalOf(() => build([from('a', ['0.0.0.0/1'], 'the first half has its reason'), from('b', ['128.0.0.0/1'])]));
  expect(err.field).toBe('ingress.b.reason');
  const earlier = refusalOf(() => build([from('a', ['11.0.0.0/9']), from('b', ['11.128.0.0/9'], 'the second half has its reason')]));
  expect(earlier.message).toMatch(/^\[test\/net\] ingress\.a\.reason: together with ingress\.b, its CIDRs reach 16777216 public IPv4 addresses/);
});

test('judges ingress apart from egress: halves in the two directions reach the internet in neither', () => {
  expect(() => build([from('in', ['11.0.0.0/9'])], [to('out', ['11.128.0.0/9'])])).not.toThrow();
});

test('with a reason on each, writes the exception on every ingress rule that reaches public addresses, and the gate passes', () => {
  const objects = build([
    from('a', ['0.0.0.0/1'], 'public webhook receiver, signed payloads'), from('b', ['128.0.0.0/1'], 'public webhook receiver, signed payloads'),
    from('office', ['10.0.0.0/8']),
  ]);
  expect(policy(objects, 'allow-ingress-a').metadata.annotations).toEqual({ [INTERNET]: 'public webhook receiver, signed payloads' });
  expect(policy(objects, 'allow-ingress-b').metadata.annotations).toEqual({ [INTERNET]: 'public webhook receiver, signed payloads' });
  expect(policy(objects, 'allow-ingress-office').metadata.annotations).toBeUndefined();
  expect(checkManifests(objects).findings.filter(f => f.rule === 'network.internet' && !f.waiver)).toEqual([]);
});

test('the gate reports the same ingress halves when they are written without the construct', () => {
  const objects = build([from('a', ['0.0.0.0/1'], 'public webhook receiver, signed payloads'), from('b', ['128.0.0.0/1'], 'public webhook receiver, signed payloads')]);
  for (const o of objects) delete o.metadata?.annotations?.[INTERNET];
  expect(checkManifests(objects).failures.filter(f => f.rule === 'network.internet').map(f => f.object))
    .toEqual(['NetworkPolicy shop-production/allow-ingress-a', 'NetworkPolicy shop-production/allow-ingress-b']);
});
