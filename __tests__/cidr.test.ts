import { INTERNET_THRESHOLD, internetReach, ipBlockRanges, isInternet, metadataCarveOut, metadataReached, parseCidr, ParsedCidr, size, subtract, union } from '../policy/cidr';
import { checkManifests } from '../policy';
import { Json, manifests, NS, policy } from './fixtures/baseline';

const range = (c: string) => (parseCidr(c) as ParsedCidr).range;
const reach = (...blocks: { cidr: string; except?: string[] }[]) => internetReach(blocks.flatMap(b => ipBlockRanges(b).ranges!));

describe('parseCidr is strict', () => {
  test.each([
    '10.0.0.0/8', '0.0.0.0/0', '255.255.255.255/32', '::/0', '2001:db8::/32', '::ffff:10.0.0.0/104', 'FE80::1/128', '1:2:3:4:5:6:7:8/64',
  ])('reads %s', c => {
    expect(typeof parseCidr(c)).toBe('object');
  });

  test.each([
    '10.0.0.0', '10.0.0/8', '010.0.0.0/8', '10.0.0.0/08', '10.0.0.0/33', '300.0.0.0/8', '10.0.0.0/8/8', ' 10.0.0.0/8', '10.0.0.0/-1',
    '::/129', '1::2::3/64', '1:2:3:4:5:6:7:8:9/64', 'fe80::1%eth0/64', 'example.com/24', '0x0a.0.0.0/8', '10.0.0.0/+8', '',
  ])('refuses %p', c => {
    expect(typeof parseCidr(c)).toBe('string');
  });

  test.each([[42], [null], [{ cidr: '0.0.0.0/0' }]])('refuses the non-string %p', c => {
    expect(parseCidr(c)).toMatch(/must be a string/);
  });

  test('clears host bits as the API server does, so 8.8.8.8/0 is everything', () => {
    expect(parseCidr('8.8.8.8/0')).toEqual(parseCidr('0.0.0.0/0'));
  });

  test('IPv4 lives in the IPv4-mapped block, so ::ffff:0:0/96 is all of IPv4', () => {
    expect(range('::ffff:0:0/96')).toEqual(range('0.0.0.0/0'));
    expect(range('::ffff:10.0.0.0/104')).toEqual(range('10.0.0.0/8'));
  });
});

describe('address arithmetic', () => {
  test('two /1 halves are the whole space', () => {
    expect(union([range('128.0.0.0/1'), range('0.0.0.0/1')])).toEqual([range('0.0.0.0/0')]);
  });

  test('subtracting a /9 from a /8 leaves the other /9', () => {
    expect(subtract([range('1.0.0.0/8')], [range('1.0.0.0/9')])).toEqual([range('1.128.0.0/9')]);
    expect(size(subtract([range('1.0.0.0/8')], [range('1.0.0.0/9')]))).toBe(1n << 23n);
  });

  test('an except of the other family subtracts nothing, so coverage is never underestimated', () => {
    expect(ipBlockRanges({ cidr: '::ffff:0:0/96', except: ['0.0.0.0/1'] }).ranges).toEqual([range('0.0.0.0/0')]);
  });

  test('a malformed except is reported with where it sits', () => {
    expect(ipBlockRanges({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '10.0.0/8'] })).toMatchObject({ field: 'except[1]' });
    expect(ipBlockRanges({ cidr: '0.0.0.0/0', except: '10.0.0.0/8' })).toMatchObject({ field: 'except' });
  });
});

describe('internet reach', () => {
  test('private, shared, loopback, link-local, documentation and multicast ranges are not the internet', () => {
    const r = reach(...['10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '192.0.2.0/24', '224.0.0.0/3',
      'fc00::/7', 'fe80::/10', 'ff00::/8', '2001:db8::/32'].map(cidr => ({ cidr })));
    expect(r).toEqual({ ipv4: 0n, ipv6: 0n });
  });

  test('0.0.0.0/0 less every private range is still the internet', () => {
    expect(isInternet(reach({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] }))).toBe(true);
  });

  test('0.0.0.0/0 less one host is still the internet', () => {
    expect(isInternet(reach({ cidr: '0.0.0.0/0', except: ['8.8.8.8/32'] }))).toBe(true);
  });

  test('the threshold is a /8 of public IPv4 or a /32 of public IPv6', () => {
    expect(reach({ cidr: '1.0.0.0/8' }).ipv4).toBe(INTERNET_THRESHOLD.ipv4);
    expect(isInternet(reach({ cidr: '1.0.0.0/8' }))).toBe(true);
    expect(isInternet(reach({ cidr: '1.0.0.0/9' }))).toBe(false);
    expect(isInternet(reach({ cidr: '2606:4700::/32' }))).toBe(true);
    expect(isInternet(reach({ cidr: '2606:4700::/33' }))).toBe(false);
  });

  test('NAT64 and IPv4-mapped addresses count as the IPv4 addresses they stand for, once', () => {
    expect(reach({ cidr: '64:ff9b::/96' }).ipv4).toBe(reach({ cidr: '0.0.0.0/0' }).ipv4);
    expect(reach({ cidr: '0.0.0.0/0' }, { cidr: '::ffff:0:0/96' }, { cidr: '64:ff9b::/96' }).ipv4).toBe(reach({ cidr: '0.0.0.0/0' }).ipv4);
    expect(reach({ cidr: '::/0' })).toEqual({ ipv4: reach({ cidr: '0.0.0.0/0' }).ipv4, ipv6: (1n << 125n) - (1n << 96n) });
  });

  test('local-use NAT64 (64:ff9b:1::/48, RFC 8215) counts as IPv4 at any /96 inside it, as the well-known prefix does', () => {
    const all = reach({ cidr: '0.0.0.0/0' }).ipv4;
    expect(reach({ cidr: '64:ff9b:1::/96' }).ipv4).toBe(all);
    expect(reach({ cidr: '64:ff9b:1:ffff:ffff::/96' }).ipv4).toBe(all);
    expect(reach({ cidr: '64:ff9b:1::/48' }).ipv4).toBe(all);
    expect(reach({ cidr: '64:ff9b:1:2:3::100:0/104' }).ipv4).toBe(reach({ cidr: '1.0.0.0/8' }).ipv4);
    // Just outside the block: 64:ff9b:2::/96 is no NAT64 prefix.
    expect(reach({ cidr: '64:ff9b:2::/96' }).ipv4).toBe(0n);
  });
});

describe('metadata endpoints', () => {
  const reached = (c: string, except?: string[]) => {
    const block = parseCidr(c) as ParsedCidr;
    return metadataReached(block, ipBlockRanges({ cidr: c, except }).ranges!);
  };

  test.each([
    ['169.254.169.254/32', ['169.254.169.254/32']], ['169.254.0.0/16', ['169.254.169.254/32']], ['0.0.0.0/0', ['169.254.169.254/32']],
    ['::ffff:169.254.169.254/128', ['169.254.169.254/32']], ['64:ff9b::a9fe:a9fe/128', ['169.254.169.254/32']],
    ['64:ff9b:1:42::a9fe:a9fe/128', ['169.254.169.254/32']], ['fd00:ec2::254/128', ['fd00:ec2::254/128']],
    ['::/0', ['169.254.169.254/32', 'fd00:ec2::254/128']], ['10.0.0.0/8', []], ['169.254.170.23/32', []], ['fd00:ec2::23/128', []],
  ])('%s reaches %p', (c, endpoints) => {
    expect(reached(c)).toEqual(endpoints);
  });

  test('the carve-out, when it fits inside the block, leaves nothing reached', () => {
    for (const c of ['0.0.0.0/0', '128.0.0.0/2', '169.0.0.0/8', '::/0', '64:ff9b::/96', 'fd00::/8']) {
      const carve = metadataCarveOut(parseCidr(c) as ParsedCidr);
      expect([c, carve.length > 0, reached(c, carve)]).toEqual([c, true, []]);
    }
  });

  test('no carve-out for the endpoint block itself or a block inside local-use NAT64: those are narrowed, not carved', () => {
    expect(metadataCarveOut(parseCidr('169.254.0.0/16') as ParsedCidr)).toEqual([]);
    const inLocal = parseCidr('64:ff9b:1:5::/64') as ParsedCidr;
    expect(reached('64:ff9b:1:5::/64', metadataCarveOut(inLocal))).toEqual(['169.254.169.254/32']);
  });
});

describe('the gate judges a namespace\'s ipBlocks together', () => {
  const egress = (name: string, cidr: string, namespace = NS, annotations?: Json): Json => {
    const p = policy(name, { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr } }], ports: [{ port: 443 }] }] }, annotations);
    p.metadata.namespace = namespace;
    return p;
  };
  const internet = (...extra: Json[]) => checkManifests(manifests(f => { f.extra.push(...extra); })).findings.filter(f => f.rule === 'network.internet');

  test('two /1 halves in two policies: a finding on each, naming both', () => {
    const found = internet(egress('a', '0.0.0.0/1'), egress('b', '128.0.0.0/1'));
    expect(found.map(f => f.object)).toEqual([`NetworkPolicy ${NS}/a`, `NetworkPolicy ${NS}/b`]);
    for (const f of found) expect(f.message).toContain('(in a, b)');
  });

  test('a waiver on one of two contributing policies leaves the other\'s finding', () => {
    const reason = { 'guardrails.cdk8s.io/waive.network.internet': 'calls a payment provider whose addresses change' };
    const found = internet(egress('a', '0.0.0.0/1', NS, reason), egress('b', '128.0.0.0/1'));
    expect(found.map(f => [f.object, f.waiver !== undefined])).toEqual([[`NetworkPolicy ${NS}/a`, true], [`NetworkPolicy ${NS}/b`, false]]);
  });

  test('a policy reaching only private ranges is not named when the namespace reaches the internet', () => {
    expect(internet(egress('a', '0.0.0.0/0'), egress('db', '10.40.0.0/24')).map(f => f.object)).toEqual([`NetworkPolicy ${NS}/a`]);
  });

  test('halves in two namespaces are judged apart', () => {
    expect(internet(egress('a', '1.0.0.0/9'), egress('b', '1.128.0.0/9', 'shop-staging'))).toEqual([]);
    expect(internet(egress('a', '1.0.0.0/9'), egress('b', '1.128.0.0/9'))).toHaveLength(2);
  });

  test('a namespace written differently is the same namespace: no namespace is "default"', () => {
    const a = egress('a', '0.0.0.0/1', 'default');
    const b = egress('b', '128.0.0.0/1');
    delete b.metadata.namespace;
    expect(internet(a, b).map(f => f.object)).toEqual(['NetworkPolicy default/a', 'NetworkPolicy default/b']);
  });
});
