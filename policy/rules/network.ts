import { AddressRange, describeReach, INTERNET_THRESHOLD, internetReach, ipBlockRanges, isInternet, metadataCarveOut, metadataReached, parseCidr, ParsedCidr, reachesPublic } from '../cidr';
import { Json, ManifestContext, namespaceOf } from '../model';
import { Rule, RuleViolation } from '../rule';

/**
 * Network: default deny in every namespace with workloads; no rule that allows every peer; and no
 * namespace whose ipBlocks, taken together, reach the internet without a reason.
 */

type PolicyType = 'Ingress' | 'Egress';
type Direction = 'ingress' | 'egress';
const PEERS: Readonly<Record<Direction, 'from' | 'to'>> = { ingress: 'from', egress: 'to' };

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const own = (o: unknown, k: string): unknown => (isObject(o) && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
const absent = (v: unknown) => v === undefined || v === null;
const emptyList = (v: unknown) => absent(v) || (Array.isArray(v) && v.length === 0);
const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v) ?? 'nothing');

/** The policy types a NetworkPolicy applies, as the API server defaults them; `undefined` when they cannot be read. */
export function policyTypesOf(policy: Json): PolicyType[] | undefined {
  const spec = own(policy, 'spec');
  const types = own(spec, 'policyTypes');
  if (absent(types)) {
    const egress = own(spec, 'egress');
    return ['Ingress', ...(Array.isArray(egress) && egress.length > 0 ? ['Egress' as const] : [])];
  }
  return Array.isArray(types) && types.every(t => t === 'Ingress' || t === 'Egress') ? types as PolicyType[] : undefined;
}

/** True when `policy` selects every pod of its namespace for `type` and allows nothing: a default deny. */
export function deniesAll(policy: Json, type: PolicyType): boolean {
  const spec = own(policy, 'spec');
  const selector = own(spec, 'podSelector');
  const selectsAll = isObject(selector) && Object.keys(selector).every(k => k === 'matchLabels' || k === 'matchExpressions')
    && (absent(selector.matchLabels) || (isObject(selector.matchLabels) && Object.keys(selector.matchLabels).length === 0))
    && emptyList(selector.matchExpressions);
  return selectsAll && (policyTypesOf(policy) ?? []).includes(type) && emptyList(own(spec, type.toLowerCase()));
}

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * How much a namespaceSelector (or a podSelector beside one) selects: `all` when it selects every
 * namespace, or all but those it names (empty; `Exists` on the name label; `NotIn` and
 * `DoesNotExist` on labels a namespace may simply lack), `some` when it requires a label value,
 * `unknown` when it cannot be read.
 */
export function selectorScope(selector: unknown): 'all' | 'some' | 'unknown' {
  if (!isObject(selector) || !Object.keys(selector).every(k => k === 'matchLabels' || k === 'matchExpressions')) return 'unknown';
  const { matchLabels, matchExpressions } = selector;
  if (!absent(matchLabels) && !isObject(matchLabels)) return 'unknown';
  if (!absent(matchExpressions) && !Array.isArray(matchExpressions)) return 'unknown';
  let scope: 'all' | 'some' = isObject(matchLabels) && Object.keys(matchLabels).length > 0 ? 'some' : 'all';
  for (const e of (matchExpressions ?? []) as unknown[]) {
    const [key, operator, values] = [own(e, 'key'), own(e, 'operator'), own(e, 'values')];
    if (typeof key !== 'string') return 'unknown';
    if (operator === 'In' && Array.isArray(values) && values.length > 0) scope = 'some';
    else if (operator === 'Exists' && key !== NAMESPACE_NAME_LABEL) scope = 'some';
    else if (operator === 'DoesNotExist' && key === NAMESPACE_NAME_LABEL) scope = 'some';
    else if (!(operator === 'Exists' || operator === 'NotIn' || operator === 'DoesNotExist')) return 'unknown';
  }
  return scope;
}

/** A peer of a rule, where it sits. */
interface PeerRef {
  readonly policy: Json;
  readonly direction: Direction;
  readonly peer: unknown;
  /** E.g. `spec.egress[0].to[1]`. */
  readonly path: string;
}

/** Every rule of every NetworkPolicy, with its peers or why they cannot be read; once per model. */
function rulesOf(ctx: ManifestContext): { policy: Json; direction: Direction; path: string; peers?: PeerRef[]; problem?: string }[] {
  return ctx.once('network:rules', () => ctx.ofKind('NetworkPolicy').flatMap(policy => (['ingress', 'egress'] as const).flatMap(direction => {
    const rules = own(own(policy, 'spec'), direction);
    if (absent(rules)) return [];
    if (!Array.isArray(rules)) return [{ policy, direction, path: `spec.${direction}`, problem: `spec.${direction} must be a list (got ${show(rules)})` }];
    return rules.map((rule, i) => {
      const key = PEERS[direction];
      const path = `spec.${direction}[${i}].${key}`;
      if (!isObject(rule)) return { policy, direction, path: `spec.${direction}[${i}]`, problem: `a rule must be an object (got ${show(rule)})` };
      const peers = own(rule, key);
      if (!absent(peers) && !Array.isArray(peers)) return { policy, direction, path, problem: `${key} must be a list (got ${show(peers)})` };
      return { policy, direction, path, peers: ((peers ?? []) as unknown[]).map((peer, j) => ({ policy, direction, peer, path: `${path}[${j}]` })) };
    });
  })));
}

/** Why a peer lets in (or out to) everything or cannot be judged, or `undefined` when it names its peers. */
function everythingPeer(peer: unknown): string | undefined {
  if (!isObject(peer)) return `a peer must be an object (got ${show(peer)})`;
  const keys = Object.keys(peer).filter(k => !absent(peer[k]));
  if (keys.length === 0 || keys.some(k => !['podSelector', 'namespaceSelector', 'ipBlock'].includes(k))) {
    return `cannot judge a peer with fields ${show(Object.keys(peer))}: it must set podSelector and/or namespaceSelector, or ipBlock alone`;
  }
  if (keys.includes('ipBlock')) {
    if (keys.length > 1) return 'a peer with ipBlock cannot also select pods or namespaces';
    const block = ipBlockRanges(peer.ipBlock);
    return block.problem === undefined ? undefined : `cannot judge this ipBlock: ${block.problem}`;
  }
  const ns = absent(peer.namespaceSelector) ? undefined : selectorScope(peer.namespaceSelector);
  const pods = absent(peer.podSelector) ? undefined : selectorScope(peer.podSelector);
  if (ns === 'unknown' || pods === 'unknown') return 'cannot judge a selector with unknown fields or operators';
  if (ns === 'all' && pods !== 'some') return 'this peer matches every pod of every namespace (or all but those it names)';
  return undefined;
}

/** The public address space a peer reaches through its ipBlock. */
interface IpPeer extends PeerRef {
  readonly ranges: AddressRange[];
}

/** Every readable ipBlock peer, by namespace and direction. */
function ipPeersByNamespace(ctx: ManifestContext): Map<string, IpPeer[]> {
  return ctx.once('network:ipPeers', () => {
    const map = new Map<string, IpPeer[]>();
    for (const r of rulesOf(ctx)) {
      for (const p of r.peers ?? []) {
        const ipBlock = own(p.peer, 'ipBlock');
        if (absent(ipBlock)) continue;
        const block = ipBlockRanges(ipBlock);
        if (block.problem !== undefined) continue; // network.allow-all reports it
        const key = `${namespaceOf(p.policy)}\u0000${p.direction}`;
        let list = map.get(key);
        if (!list) map.set(key, list = []);
        list.push({ ...p, ranges: block.ranges });
      }
    }
    return map;
  });
}

/** What to tell a tenant whose egress reaches a metadata endpoint: the excepts that would carve it out, or to narrow. */
function metadataFix(block: ParsedCidr): string {
  const carve = metadataCarveOut(block);
  return carve.length > 0 ? `add except: [${carve.map(c => `"${c}"`).join(', ')}], or narrow the CIDR`
    : 'narrow the CIDR so that it leaves the endpoint out (e.g. EKS Pod Identity is 169.254.170.23/32)';
}

export const NETWORK_RULES: Rule[] = [
  {
    id: 'network.default-deny', family: 'network', severity: 'error', title: 'namespaces with workloads deny all traffic by default',
    fix: 'add a NetworkPolicy with podSelector: {}, policyTypes [Ingress, Egress] and no rules, e.g. with DefaultDenyNetwork',
    check: ctx => ctx.workloadNamespaces().flatMap(ns => {
      const denies = (type: PolicyType) => ctx.inNamespace('NetworkPolicy', ns).some(p => deniesAll(p, type));
      // A namespace-wide finding sits on the Namespace, so that a waiver goes there; else on the first workload.
      const namespace = ctx.namespaceObject(ns);
      const object = namespace ?? ctx.podsIn(ns)[0].object;
      return (['Ingress', 'Egress'] as const).filter(t => !denies(t))
        .map(t => ({ object, field: namespace ? 'metadata.name' : 'metadata.namespace', message: `namespace ${ns} has no default deny for ${t}` }));
    }),
  },
  {
    id: 'network.allow-all', family: 'network', severity: 'error', title: 'no NetworkPolicy rule allows every peer',
    fix: 'name the peers: a namespaceSelector and/or podSelector with matchLabels, or an ipBlock with a well-formed CIDR',
    check: ctx => rulesOf(ctx).flatMap((r): RuleViolation[] => {
      if (r.problem) return [{ object: r.policy, field: r.path, message: r.problem }];
      if (r.peers!.length === 0) {
        return [{ object: r.policy, field: r.path, message: `a ${r.direction} rule without peers allows every ${r.direction === 'ingress' ? 'source' : 'destination'}` }];
      }
      return r.peers!.flatMap(p => {
        const why = everythingPeer(p.peer);
        return why ? [{ object: p.policy, field: p.path, message: why }] : [];
      });
    }),
  },
  {
    id: 'network.internet', family: 'network', severity: 'error',
    title: `no namespace reaches the internet through its ipBlocks (together at least a /8 of public IPv4 or a /32 of public IPv6) without a reason`,
    fix: 'allow only the address ranges the workload needs; if it truly needs the internet, say why with DefaultDenyNetwork\'s reason '
      + '(guardrails.cdk8s.io/exception.internet) or a waiver on each NetworkPolicy named',
    check: ctx => [...ipPeersByNamespace(ctx).values()].flatMap(peers => {
      const total = internetReach(peers.flatMap(p => p.ranges));
      if (!isInternet(total)) return [];
      const contributing = peers.filter(p => reachesPublic(internetReach(p.ranges)));
      const names = [...new Set(contributing.map(p => p.policy.metadata?.name))].join(', ');
      const { direction } = peers[0];
      return contributing.map(p => ({
        object: p.policy, field: p.path,
        message: `the ${direction} ipBlocks of namespace ${namespaceOf(p.policy)} (in ${names}) together reach ${describeReach(total)}: `
          + `the internet (threshold ${INTERNET_THRESHOLD.ipv4} IPv4 or 2^96 IPv6 public addresses)`,
      }));
    }),
  },
  {
    // Egress only: the metadata service answers, it never calls, and some CNIs source node-local
    // traffic (kubelet probes) from link-local addresses, so ingress from 169.254/16 is no leak.
    id: 'network.metadata-endpoint', family: 'network', severity: 'error',
    title: 'no egress ipBlock reaches the cloud metadata endpoint (169.254.169.254, fd00:ec2::254), which hands out the node\'s cloud credentials',
    fix: 'carve it out with except (169.254.0.0/16 from an IPv4 block, fd00:ec2::254/128 and 64:ff9b::a9fe:0/112 from an IPv6 one) or narrow the CIDR; '
      + 'if the pod truly needs the metadata service (GKE Workload Identity\'s metadata server), waive the rule on the NetworkPolicy with a reason',
    check: ctx => [...ipPeersByNamespace(ctx).values()].flat().filter(p => p.direction === 'egress').flatMap((p): RuleViolation[] => {
      const block = parseCidr(own(own(p.peer, 'ipBlock'), 'cidr')) as ParsedCidr; // readable: ipPeersByNamespace kept only those
      const reached = metadataReached(block, p.ranges);
      if (reached.length === 0) return [];
      return [{
        object: p.policy, field: p.path,
        message: `the egress ipBlock ${show(own(own(p.peer, 'ipBlock'), 'cidr'))} reaches the cloud metadata endpoint ${reached.join(' and ')}, `
          + `which hands the node's cloud credentials to any pod that asks: ${metadataFix(block)}`,
      }];
    }),
  },
];
