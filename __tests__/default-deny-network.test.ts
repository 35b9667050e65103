import { Chart, Testing } from 'cdk8s';
import { DefaultDenyNetwork, DefaultDenyNetworkProps, NAMESPACE_NAME_LABEL, NetworkAllow } from '../constructs/default-deny-network';
import { GuardrailError } from '../policy/errors';
import { checkManifests } from '../policy/gate';
import { TenantNamespace } from '../constructs/tenant-namespace';
import { refusalOf } from './refusal';

type Props = Omit<DefaultDenyNetworkProps, 'namespace'>;

const API = { 'app.kubernetes.io/name': 'api' };
const FROM_INGRESS: NetworkAllow = {
  name: 'web',
  podSelector: API,
  peers: [{ namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } }],
  ports: [{ port: 8080 }],
};
const TO_DATABASE: NetworkAllow = { name: 'postgres', podSelector: API, peers: [{ cidr: '10.40.0.0/24' }], ports: [{ port: 5432 }] };

function build(props: Props = {}) {
  const chart = new Chart(Testing.app(), 'test');
  const namespace = new TenantNamespace(chart, 'ns', { app: 'shop', environment: 'production' });
  const network = new DefaultDenyNetwork(chart, 'net', { namespace, ...props });
  return { chart, network };
}

/** The NetworkPolicies, by name. */
function policies(props: Props = {}): Record<string, any> {
  const { chart } = build(props);
  const found = Testing.synth(chart).filter(o => o.kind === 'NetworkPolicy');
  return Object.fromEntries(found.map(p => [p.metadata.name, p]));
}

/** The GuardrailError thrown while building the network; fails the test if none is thrown. */
function refusal(props: Props): GuardrailError {
  return refusalOf(() => build(props));
}

describe('DefaultDenyNetwork: the defaults', () => {
  test('denies everything: an empty podSelector, both policy types and no rules', () => {
    const deny = policies()['default-deny-all'];
    expect(deny.metadata.namespace).toBe('shop-production');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(deny.spec.ingress).toBeUndefined();
    expect(deny.spec.egress).toBeUndefined();
  });

  test('allows DNS only to kube-dns in kube-system, on 53 over UDP and TCP', () => {
    const dns = policies()['allow-egress-dns'];
    expect(dns.metadata.namespace).toBe('shop-production');
    expect(dns.spec.policyTypes).toEqual(['Egress']);
    expect(dns.spec.ingress).toBeUndefined();
    expect(dns.spec.egress).toEqual([{
      to: [{
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      }],
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    }]);
  });

  test('creates only the deny and DNS policies when nothing is allowed', () => {
    expect(Object.keys(policies()).sort()).toEqual(['allow-egress-dns', 'default-deny-all']);
  });

  test('leaves DNS out when allowDns is false', () => {
    expect(Object.keys(policies({ allowDns: false }))).toEqual(['default-deny-all']);
  });
});

describe('DefaultDenyNetwork: allow rules', () => {
  test('an ingress allow selects the workload by label and names the peer namespace and pods', () => {
    const web = policies({ ingress: [FROM_INGRESS] })['allow-ingress-web'];
    expect(web.spec).toEqual({
      podSelector: { matchLabels: API },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{
          namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'ingress-nginx' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
        }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      }],
    });
    expect(web.metadata.annotations).toBeUndefined();
  });

  test('an egress allow to a CIDR becomes an ipBlock', () => {
    const db = policies({ egress: [TO_DATABASE] })['allow-egress-postgres'];
    expect(db.spec).toEqual({
      podSelector: { matchLabels: API },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.40.0.0/24' } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
    });
  });

  test('allowEgress after construction adds a policy too', () => {
    const { chart, network } = build();
    network.allowEgress(TO_DATABASE);
    const names = Testing.synth(chart).filter(o => o.kind === 'NetworkPolicy').map(p => p.metadata.name);
    expect(names).toContain('allow-egress-postgres');
  });
});

describe('DefaultDenyNetwork: refusals', () => {
  test('refuses an allow with an empty podSelector', () => {
    const err = refusal({ ingress: [{ ...FROM_INGRESS, podSelector: {} }] });
    expect(err.message).toBe('[test/net] ingress.web.podSelector: must select pods by label; an empty selector opens the rule to every pod '
      + '(got {}). Fix: give the workload\'s labels, e.g. { "app.kubernetes.io/name": "api" }');
  });

  test('refuses an allow with no peers', () => {
    const err = refusal({ ingress: [{ ...FROM_INGRESS, peers: [] }] });
    expect(err.message).toBe('[test/net] ingress.web.peers: must name at least one peer; no peers means any source or destination '
      + '(got []). Fix: list namespaces, pod labels or CIDRs');
  });

  test('refuses an allow with no ports', () => {
    const err = refusal({ egress: [{ ...TO_DATABASE, ports: [] }] });
    expect(err.message).toBe('[test/net] egress.postgres.ports: must list ports; no ports means every port (got []). '
      + 'Fix: list the ports, e.g. [{ port: 5432 }]');
  });

  test('refuses pod labels outside the Kubernetes label grammar', () => {
    const peers = (podLabels: any) => ({ ingress: [{ ...FROM_INGRESS, peers: [{ namespace: 'ingress-nginx', podLabels }] }] });
    expect(refusal(peers({ '<<': 'x' })).message).toMatch(/^\[test\/net\] ingress\.web\.peers\[0\]\.podLabels: has a key that is not a label key: .* \(got "<<"\)/);
    expect(refusal(peers({ app: 'a\nb' })).message).toMatch(/^\[test\/net\] ingress\.web\.peers\[0\]\.podLabels\.app: is not a label value: .* \(got "a\\nb"\)/);
    expect(refusal({ ingress: [{ ...FROM_INGRESS, podSelector: { app: 'x y' } }] }).message).toMatch(/^\[test\/net\] ingress\.web\.podSelector\.app: is not a label value/);
  });

  test('refuses a peer with neither cidr, namespace nor podLabels', () => {
    const err = refusal({ ingress: [{ ...FROM_INGRESS, peers: [{}] }] });
    expect(err.message).toBe('[test/net] ingress.web.peers[0]: must set cidr, namespace or podLabels (got {}). '
      + 'Fix: e.g. { namespace: "ingress-nginx" }');
  });

  test.each(['0.0.0.0/0', '::/0'])('refuses %s without a reason', cidr => {
    const err = refusal({ egress: [{ name: 'internet', podSelector: API, peers: [{ cidr }], ports: [{ port: 443 }] }] });
    expect(err.message).toBe('[test/net] egress.internet.reason: an exception needs a reason of at least 10 visible characters, on one line (got nothing). '
      + 'Fix: say in egress.internet.reason, on one line, why this workload needs it, e.g. "binds port 443 inside the container"');
  });

  test('refuses 0.0.0.0/0 with a reason that is too short', () => {
    const err = refusal({ egress: [{ name: 'internet', podSelector: API, peers: [{ cidr: '0.0.0.0/0' }], ports: [{ port: 443 }], reason: 'needed' }] });
    expect(err.message).toContain('[test/net] egress.internet.reason: an exception needs a reason of at least 10 visible characters, on one line (it has 6 visible characters) (got "needed")');
  });

  test('accepts 0.0.0.0/0 with a reason and writes the reason as an annotation', () => {
    const reason = 'calls the payment provider\'s public API';
    const internet = policies({
      egress: [{ name: 'internet', podSelector: API, peers: [{ cidr: '0.0.0.0/0' }], ports: [{ port: 443 }], reason }],
    })['allow-egress-internet'];
    expect(internet.metadata.annotations).toEqual({ 'guardrails.cdk8s.io/exception.internet': reason });
    // The link-local block, home of the cloud metadata endpoint, is carved out (network.metadata-endpoint).
    expect(internet.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
  });

  test.each(['10.0.0/24', '10.0.0.0', 'ten.0.0.0/8', '10.0.0.0/8/8'])('refuses malformed CIDR %p', cidr => {
    const err = refusal({ egress: [{ ...TO_DATABASE, peers: [{ cidr }] }] });
    expect(err.message).toBe(`[test/net] egress.postgres.peers[0].cidr: is not a CIDR (got "${cidr}"). Fix: write it like "10.20.0.0/24"`);
  });

  test('refuses a malformed CIDR in except', () => {
    const err = refusal({ egress: [{ ...TO_DATABASE, peers: [{ cidr: '10.40.0.0/16', except: ['10.40.1.0'] }] }] });
    expect(err.message).toContain('[test/net] egress.postgres.peers[0].cidr: is not a CIDR (got "10.40.1.0")');
  });

  test('refuses a CIDR peer that also selects a namespace', () => {
    const err = refusal({ egress: [{ ...TO_DATABASE, peers: [{ cidr: '10.40.0.0/24', namespace: 'databases' }] }] });
    expect(err.message).toBe('[test/net] egress.postgres.peers[0]: a CIDR peer cannot also select namespaces or pods '
      + '(got {"cidr":"10.40.0.0/24","namespace":"databases"}). Fix: split it into two peers');
  });

  test('refuses a CIDR peer that also selects pods', () => {
    const err = refusal({ egress: [{ ...TO_DATABASE, peers: [{ cidr: '10.40.0.0/24', podLabels: { app: 'db' } }] }] });
    expect(err.message).toContain('[test/net] egress.postgres.peers[0]: a CIDR peer cannot also select namespaces or pods');
  });

  test('refuses two rules of the same direction with the same name', () => {
    const err = refusal({ egress: [TO_DATABASE, { ...TO_DATABASE, peers: [{ cidr: '10.41.0.0/24' }] }] });
    expect(err.message).toBe('[test/net] egress.postgres.name: another egress rule has this name (got "postgres"). '
      + 'Fix: give each rule its own name');
  });

  test('accepts the same name once for ingress and once for egress', () => {
    const found = policies({ ingress: [{ ...FROM_INGRESS, name: 'db' }], egress: [{ ...TO_DATABASE, name: 'db' }] });
    expect(found['allow-ingress-db']).toBeDefined();
    expect(found['allow-egress-db']).toBeDefined();
  });

  test('refuses a rule name that is not a DNS label', () => {
    const err = refusal({ ingress: [{ ...FROM_INGRESS, name: 'From_Ingress' }] });
    expect(err.message).toMatch(/^\[test\/net\] ingress\.name: must be a DNS-1123 label of at most 49 characters \(got "From_Ingress"\)/);
  });

  test('refuses a port out of range', () => {
    const err = refusal({ egress: [{ ...TO_DATABASE, ports: [{ port: 0 }] }] });
    expect(err.message).toBe('[test/net] egress.postgres.ports[0].port: must be a whole number from 1 to 65535 (got 0). '
      + 'Fix: set egress.postgres.ports[0].port to an integer in that range');
  });
});

describe('DefaultDenyNetwork: CIDR parsing', () => {
  const egressTo = (cidr: string, reason?: string): Props =>
    ({ egress: [{ name: 'out', podSelector: API, peers: [{ cidr }], ports: [{ port: 443 }], reason }] });

  test.each(['300.0.0.0/8', '10.0.0.0/33', '10.0.0/8', 'fe80::/129', '10.0.0.0/8/1', 'example.com/24'])('refuses %s, which is not a CIDR', cidr => {
    expect(refusal(egressTo(cidr)).message).toMatch(/egress\.out\.peers\[0\]\.cidr: is not a CIDR/);
  });

  test('refuses a zero-padded prefix that would dodge the whole-internet check', () => {
    expect(refusal(egressTo('0.0.0.0/00')).message).toMatch(/is not a CIDR/);
  });

  test('accepts IPv6 ranges', () => {
    expect(policies(egressTo('2001:db8::/32'))['allow-egress-out'].spec.egress[0].to).toEqual([{ ipBlock: { cidr: '2001:db8::/32' } }]);
  });

  test('writes the whole-internet reason trimmed', () => {
    const reason = '   the webhook provider publishes no address ranges   ';
    expect(policies(egressTo('::/0', reason))['allow-egress-out'].metadata.annotations)
      .toEqual({ 'guardrails.cdk8s.io/exception.internet': reason.trim() });
  });
});

describe('DefaultDenyNetwork: the internet, judged as the gate judges it', () => {
  const INTERNET = 'guardrails.cdk8s.io/exception.internet';
  const out = (name: string, cidrs: string[], reason?: string, except?: string[]): NetworkAllow =>
    ({ name, podSelector: API, peers: cidrs.map(cidr => ({ cidr, except })), ports: [{ port: 443 }], reason });

  test('refuses the two /1 halves in one rule without a reason', () => {
    expect(refusal({ egress: [out('web', ['0.0.0.0/1', '128.0.0.0/1'])] }).message).toMatch(/^\[test\/net\] egress\.web\.reason: an exception needs a reason/);
  });

  test('refuses the second half in another rule, naming the rule it completes the internet with', () => {
    const err = refusal({ egress: [out('a', ['0.0.0.0/1'], 'calls the payment provider\'s public API'), out('b', ['128.0.0.0/1'])] });
    expect(err.field).toBe('egress.b.reason');
    const earlier = refusal({ egress: [out('a', ['1.0.0.0/9']), out('b', ['1.128.0.0/9'], 'calls the payment provider\'s public API')] });
    expect(earlier.message).toMatch(/^\[test\/net\] egress\.a\.reason: together with egress\.b, its CIDRs reach 16777216 public IPv4 addresses .*the internet, which needs a reason/);
  });

  // ::ffff:0:0/97, not /96: all of IPv4-mapped space holds the metadata endpoint, which no except carves out (metadata-endpoint.test.ts).
  test.each([['::/0'], ['::ffff:0:0/97'], ['64:ff9b::/96'], ['2001::/16'], ['1.0.0.0/8']])('refuses %s without a reason', cidr => {
    expect(refusal({ egress: [out('web', [cidr])] }).field).toBe('egress.web.reason');
  });

  test('refuses 0.0.0.0/0 less the private ranges without a reason', () => {
    expect(refusal({ egress: [out('web', ['0.0.0.0/0'], undefined, ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'])] }).field).toBe('egress.web.reason');
  });

  test('refuses a reason of invisible characters', () => {
    expect(refusal({ egress: [out('web', ['0.0.0.0/0'], '\u200b'.repeat(12))] }).message).toMatch(/egress\.web\.reason: an exception needs a reason of at least 10 visible characters, on one line \(it has 0 visible characters\)/);
  });

  test('accepts ranges below the threshold without a reason, and writes no exception', () => {
    const found = policies({ egress: [out('a', ['1.0.0.0/9']), out('b', ['10.0.0.0/8', '192.0.2.0/24'])] });
    expect(found['allow-egress-a'].metadata.annotations).toBeUndefined();
    expect(found['allow-egress-b'].metadata.annotations).toBeUndefined();
  });

  test('ingress and egress are judged apart', () => {
    expect(() => build({ ingress: [{ ...out('a', ['1.0.0.0/9']), peers: [{ cidr: '1.0.0.0/9' }] }], egress: [out('b', ['1.128.0.0/9'])] })).not.toThrow();
  });

  test('with a reason on each, writes the exception on every rule that reaches public addresses, and on no other', () => {
    const found = policies({ egress: [
      out('a', ['0.0.0.0/1'], 'calls the payment provider\'s public API'),
      out('db', ['10.40.0.0/24']),
      out('b', ['128.0.0.0/1'], 'calls the webhook provider, whose ranges change'),
    ] });
    expect(found['allow-egress-a'].metadata.annotations).toEqual({ [INTERNET]: 'calls the payment provider\'s public API' });
    expect(found['allow-egress-b'].metadata.annotations).toEqual({ [INTERNET]: 'calls the webhook provider, whose ranges change' });
    expect(found['allow-egress-db'].metadata.annotations).toBeUndefined();
  });

  test('the gate names exactly the policies the construct wrote the exception on', () => {
    const { chart } = build({ egress: [
      out('a', ['1.0.0.0/9'], 'calls the payment provider\'s public API'),
      out('db', ['10.40.0.0/24']),
      out('b', ['1.128.0.0/9'], 'calls the webhook provider, whose ranges change'),
      out('c', ['8.8.8.8/32'], 'asks a public resolver for its own domain'),
    ] });
    const objects = Testing.synth(chart);
    const annotated = objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata.annotations?.[INTERNET]).map(o => `NetworkPolicy shop-production/${o.metadata.name}`);
    const named = [...new Set(checkManifests(objects).findings.filter(f => f.rule === 'network.internet').map(f => f.object))];
    expect(named.sort()).toEqual(annotated.sort());
    expect(annotated).toHaveLength(3);
  });
});
