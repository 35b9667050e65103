/**
 * CIDR arithmetic for "does this reach the internet?": shared by the gate (NetworkPolicy ipBlocks
 * of any origin) and by the DefaultDenyNetwork construct, so that the two always agree.
 *
 * The question is answered by the address space a set of ipBlocks covers, less their `except`s,
 * not by spotting `/0`: `0.0.0.0/1` plus `128.0.0.0/1`, in one rule or spread over rules and
 * policies, is the whole IPv4 internet too. Every address lives in one 128-bit space: IPv4
 * `a.b.c.d` is its IPv4-mapped IPv6 address `::ffff:a.b.c.d`, so that `::ffff:0:0/96` is (as it
 * is to dual-stack sockets) all of IPv4, and NAT64's well-known prefix `64:ff9b::/96` and the
 * local-use block `64:ff9b:1::/48` (RFC 8215) count as the IPv4 addresses they translate to.
 *
 * Parsing is strict: anything but canonical dotted-quad IPv4 (no leading zeros, which the API
 * server's "sloppy" parser would read as decimal and others as octal) or RFC 4291 IPv6 text, with
 * a decimal prefix length, is malformed, and a malformed CIDR is a finding, never a pass.
 */

/** A half-open range [start, end) of 128-bit addresses. */
export type AddressRange = readonly [bigint, bigint];

export interface ParsedCidr {
  /** The family as written: `::ffff:1.2.3.4/120` is family 6 even though it holds IPv4 addresses. */
  readonly family: 4 | 6;
  /** The block's addresses in the 128-bit space (host bits cleared, as the API server reads it). */
  readonly range: AddressRange;
}

const BITS = 128n;
const MAPPED_BASE = 0xffffn << 32n;

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;
const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

function parseIPv4(text: string): bigint | undefined {
  if (!IPV4.test(text)) return undefined;
  return text.split('.').reduce((n, octet) => (n << 8n) | BigInt(octet), 0n);
}

function parseIPv6(text: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || text.split('::').length > 2) return undefined;
  let groups: number[] | undefined = [];
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const words = part.split(':');
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (i === words.length - 1 && w.includes('.')) {
        const v4 = parseIPv4(w);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(w)) {
        out.push(parseInt(w, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const halves = text.split('::');
  if (halves.length === 2) {
    const head = parseGroups(halves[0]);
    const tail = parseGroups(halves[1]);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    groups = parseGroups(text);
    if (!groups || groups.length !== 8) return undefined;
  }
  return groups.reduce((n, g) => (n << 16n) | BigInt(g), 0n);
}

/** The block `text` names, or a sentence saying why it is not a CIDR. */
export function parseCidr(text: unknown): ParsedCidr | string {
  if (typeof text !== 'string') return `a CIDR must be a string (got ${text === null ? 'null' : typeof text})`;
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) return `"${text}" is not a CIDR: write an address and a prefix length, e.g. "10.20.0.0/24"`;
  const [address, prefixText] = [text.slice(0, slash), text.slice(slash + 1)];
  if (!PREFIX.test(prefixText)) return `"${text}" has no decimal prefix length (leading zeros and signs are refused)`;
  const prefix = BigInt(prefixText);
  const v4 = address.includes(':') ? undefined : parseIPv4(address);
  if (v4 !== undefined) {
    if (prefix > 32n) return `"${text}": an IPv4 prefix is at most 32`;
    return { family: 4, range: block(MAPPED_BASE | v4, 96n + prefix) };
  }
  const v6 = address.includes(':') ? parseIPv6(address) : undefined;
  if (v6 === undefined) {
    return `"${text}" is not a CIDR: the address is neither dotted-quad IPv4 without leading zeros nor IPv6 text`;
  }
  if (prefix > 128n) return `"${text}": an IPv6 prefix is at most 128`;
  return { family: 6, range: block(v6, prefix) };
}

function block(address: bigint, prefix: bigint): AddressRange {
  const size = 1n << (BITS - prefix);
  const start = address - (address % size);
  return [start, start + size];
}

const cidr = (text: string): AddressRange => (parseCidr(text) as ParsedCidr).range;

/** Sorted, disjoint, non-adjacent ranges covering the same addresses as `ranges`. */
export function union(ranges: readonly AddressRange[]): AddressRange[] {
  const sorted = [...ranges].filter(([s, e]) => e > s).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) { if (e > last[1]) last[1] = e; } else out.push([s, e]);
  }
  return out;
}

/** The addresses of `a` that are not in `b`. */
export function subtract(a: readonly AddressRange[], b: readonly AddressRange[]): AddressRange[] {
  let rest = union(a);
  for (const [bs, be] of union(b)) {
    rest = rest.flatMap(([s, e]): AddressRange[] => {
      if (be <= s || bs >= e) return [[s, e]];
      return [...(bs > s ? [[s, bs] as AddressRange] : []), ...(be < e ? [[be, e] as AddressRange] : [])];
    });
  }
  return rest;
}

/** The addresses in both `a` and `b`. */
export function intersect(a: readonly AddressRange[], b: readonly AddressRange[]): AddressRange[] {
  const ub = union(b);
  return union(union(a).flatMap(([s, e]) => ub.flatMap(([bs, be]): AddressRange[] => {
    const [is, ie] = [s > bs ? s : bs, e < be ? e : be];
    return ie > is ? [[is, ie]] : [];
  })));
}

/** How many addresses `ranges` hold. */
export function size(ranges: readonly AddressRange[]): bigint {
  return union(ranges).reduce((n, [s, e]) => n + e - s, 0n);
}

/**
 * IPv4 addresses that are not on the internet (RFC 6890 special-purpose blocks): private, shared
 * (CGNAT), loopback, link-local, documentation, benchmarking, multicast and reserved.
 */
export const NON_PUBLIC_IPV4: readonly string[] = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
];

/** The globally routed IPv6 unicast space, less the documentation prefix. */
const PUBLIC_IPV6 = subtract([cidr('2000::/3')], [cidr('2001:db8::/32')]);
/** Where IPv4 sits in the 128-bit space: IPv4-mapped, and NAT64's well-known prefix (RFC 6052). */
const IPV4_VIEWS: readonly AddressRange[] = [cidr('::ffff:0:0/96'), cidr('64:ff9b::/96')];
/**
 * NAT64's local-use block (RFC 8215): an operator picks its translation prefix inside it, most
 * often a /96 that need not be `64:ff9b:1::/96`. So every /96 of the block counts: a range there
 * reaches the IPv4 addresses its low 32 bits run over, and one of 2^32 addresses or more reaches
 * all of IPv4. (The /48../64 embeddings of RFC 6052 spread the IPv4 bits elsewhere; a range that
 * reaches much IPv4 through them is at least a /80, which the /96 reading counts as all of IPv4.)
 */
const LOCAL_NAT64 = cidr('64:ff9b:1::/48');
const V4_SIZE = 1n << 32n;
const PUBLIC_IPV4 = subtract([cidr('0.0.0.0/0')], NON_PUBLIC_IPV4.map(cidr));

/**
 * The IPv4 addresses (in IPv4-mapped form) that `ranges` reach, however written: as IPv4 or
 * IPv4-mapped IPv6 (one and the same range here), and through NAT64 unless `mapped` is false, in
 * which case only the NAT64 spellings count.
 */
export function ipv4Reached(ranges: readonly AddressRange[], mapped = true): AddressRange[] {
  const views = IPV4_VIEWS.slice(mapped ? 0 : 1).flatMap(([base]) => intersect(ranges, [[base, base + V4_SIZE]])
    .map(([s, e]): AddressRange => [s - base + MAPPED_BASE, e - base + MAPPED_BASE]));
  const local = intersect(ranges, [LOCAL_NAT64]).flatMap(([s, e]): AddressRange[] => {
    if (e - s >= V4_SIZE) return [[0n, V4_SIZE]];
    const [lo, hi] = [s % V4_SIZE, e % V4_SIZE];
    return lo < hi ? [[lo, hi]] : [[lo, V4_SIZE], [0n, hi]];
  }).map(([s, e]): AddressRange => [s + MAPPED_BASE, e + MAPPED_BASE]);
  return union([...views, ...local]);
}

/**
 * The cloud instance metadata services a pod reaches through its node: AWS, GCP, Azure, Oracle,
 * DigitalOcean and OpenStack answer on 169.254.169.254, AWS also on fd00:ec2::254. Each hands the
 * node's cloud credentials to anyone who asks.
 */
export const METADATA_ENDPOINTS: readonly string[] = ['169.254.169.254/32', 'fd00:ec2::254/128'];
const METADATA_V4 = cidr(METADATA_ENDPOINTS[0]);
const METADATA_V6 = cidr(METADATA_ENDPOINTS[1]);
const MAPPED: AddressRange = [MAPPED_BASE, MAPPED_BASE + V4_SIZE];

/**
 * The metadata endpoints (as in {@link METADATA_ENDPOINTS}) that an ipBlock of `block` admitting
 * `ranges` (its cidr less its excepts) reaches. 169.254.169.254 counts as IPv4, in NAT64
 * spellings (a NAT64 gateway on an instance would hand out its own credentials), and as
 * IPv4-mapped IPv6 when the block is written inside `::ffff:0:0/96` (which some implementations
 * read as IPv4); an IPv6 block around all of that, like `::/0`, is not read as IPv4 by the API
 * server's parser (which would refuse an IPv4-mapped `except` in it) nor on the wire.
 */
export function metadataReached(block: ParsedCidr, ranges: readonly AddressRange[]): string[] {
  const [bs, be] = block.range;
  const asIpv4 = block.family === 4 || (bs >= MAPPED[0] && be <= MAPPED[1]);
  const v4 = union([...(asIpv4 ? intersect(ranges, [MAPPED]) : []), ...ipv4Reached(ranges, false)]);
  return [
    ...(intersect(v4, [METADATA_V4]).length > 0 ? [METADATA_ENDPOINTS[0]] : []),
    ...(block.family === 6 && intersect(ranges, [METADATA_V6]).length > 0 ? [METADATA_ENDPOINTS[1]] : []),
  ];
}

/**
 * What to carve out of a block written for public addresses so that it no longer reaches a
 * metadata endpoint, as `except` entries the API server accepts: the link-local block (nothing on
 * the internet lives there) for IPv4; for IPv6 the AWS endpoint, the link-local IPv4 block in the
 * well-known NAT64 spelling, and the local-use NAT64 block when the block holds all of it. Only
 * the entries inside the block; whether the result still reaches one is for
 * {@link metadataReached} to say (a block inside the local-use NAT64 block or inside
 * `::ffff:0:0/96` may: those are refused, not carved).
 */
export function metadataCarveOut(block: ParsedCidr): string[] {
  const candidates = block.family === 4 ? ['169.254.0.0/16'] : ['64:ff9b::a9fe:0/112', 'fd00:ec2::254/128', '64:ff9b:1::/48'];
  const [bs, be] = block.range;
  return candidates.filter(c => {
    const [s, e] = cidr(c);
    return bs <= s && e <= be && (e - s) < (be - bs);
  });
}

/** How much of the internet a set of addresses reaches. */
export interface InternetReach {
  /** Public IPv4 addresses, whether written as IPv4, IPv4-mapped IPv6 or NAT64. */
  readonly ipv4: bigint;
  /** Public (global unicast) IPv6 addresses. */
  readonly ipv6: bigint;
}

/**
 * The threshold: a set of ipBlocks "allows the internet" when it reaches at least a /8's worth of
 * public IPv4 addresses (2^24, about 0.45% of the public IPv4 space: more than any one provider's
 * published ranges for a region) or a /32's worth of public IPv6 (2^96, a whole RIR allocation
 * to an ISP or cloud). That catches `0.0.0.0/0`, its halves, `0.0.0.0/0` less a few excepts,
 * and any split of those over rules and policies, while a bounded allow-list passes.
 */
export const INTERNET_THRESHOLD: InternetReach = { ipv4: 1n << 24n, ipv6: 1n << 96n };

/** The public IPv4 and IPv6 addresses that `ranges` hold. */
export function internetReach(ranges: readonly AddressRange[]): InternetReach {
  return { ipv4: size(intersect(ipv4Reached(ranges), PUBLIC_IPV4)), ipv6: size(intersect(ranges, PUBLIC_IPV6)) };
}

/** Whether `reach` is at or over {@link INTERNET_THRESHOLD}. */
export function isInternet(reach: InternetReach): boolean {
  return reach.ipv4 >= INTERNET_THRESHOLD.ipv4 || reach.ipv6 >= INTERNET_THRESHOLD.ipv6;
}

/** Whether `reach` holds any public address at all. */
export function reachesPublic(reach: InternetReach): boolean {
  return reach.ipv4 > 0n || reach.ipv6 > 0n;
}

/** E.g. "2147483648 public IPv4 addresses (58% of them)". */
export function describeReach(reach: InternetReach): string {
  const share = (n: bigint, of: readonly AddressRange[]) => {
    const pct = Number((n * 10000n) / size(of)) / 100;
    return pct >= 1 ? `${Math.round(pct)}%` : `${pct}%`;
  };
  const parts = [
    ...(reach.ipv4 > 0n ? [`${reach.ipv4} public IPv4 addresses (${share(reach.ipv4, PUBLIC_IPV4)} of them)`] : []),
    ...(reach.ipv6 > 0n ? [`2^${log2(reach.ipv6)} public IPv6 addresses`] : []),
  ];
  return parts.length ? parts.join(' and ') : 'no public address';
}

function log2(n: bigint): string {
  const bits = n.toString(2).length - 1;
  return (1n << BigInt(bits)) === n ? String(bits) : `${bits}.x`;
}

/** An ipBlock as written: `cidr` and optional `except`. */
export interface IpBlockLike {
  readonly cidr?: unknown;
  readonly except?: unknown;
}

/** What an ipBlock covers, or where and why it cannot be judged. */
export type IpBlockRanges =
  | { readonly ranges: AddressRange[]; readonly problem?: undefined }
  | { readonly problem: string; readonly field: string; readonly ranges?: undefined };

/**
 * The addresses an ipBlock admits: its `cidr` less its `except`s. An `except` of the other family
 * than `cidr` subtracts nothing (no implementation reads it as carving out of the other family),
 * so coverage is never underestimated.
 */
export function ipBlockRanges(ipBlock: unknown): IpBlockRanges {
  if (ipBlock === null || typeof ipBlock !== 'object' || Array.isArray(ipBlock)) {
    return { problem: 'an ipBlock must be an object with a cidr', field: '' };
  }
  const { cidr: text, except } = ipBlock as IpBlockLike;
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') return { problem: parsed, field: 'cidr' };
  if (except !== undefined && except !== null && !Array.isArray(except)) {
    return { problem: 'except must be a list of CIDRs', field: 'except' };
  }
  const cuts: AddressRange[] = [];
  for (const [i, e] of ((except ?? []) as unknown[]).entries()) {
    const p = parseCidr(e);
    if (typeof p === 'string') return { problem: p, field: `except[${i}]` };
    if (p.family === parsed.family) cuts.push(p.range);
  }
  return { ranges: subtract([parsed.range], cuts) };
}
