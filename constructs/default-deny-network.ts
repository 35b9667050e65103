import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { EXCEPTION_PREFIX, MANAGED_BY } from '../policy/annotations';
import { AddressRange, describeReach, internetReach, ipBlockRanges, isInternet, metadataCarveOut, metadataReached, parseCidr, ParsedCidr, reachesPublic } from '../policy/cidr';
import { refuse } from '../policy/errors';
import { ITenantNamespace } from './tenant-namespace';
import { checkDnsLabel, checkInteger, checkLabels, checkReason } from './validate';
import { sameCopies } from './copies';

/** Who is on the other end of an allowed connection. Set `cidr`, or `namespace` and/or `podLabels`. */
export interface NetworkPeer {
  /** The peer's namespace. @default - the policy's own namespace, when `podLabels` is set */
  readonly namespace?: string;
  /** Labels of the peer pods. @default - every pod of `namespace` */
  readonly podLabels?: Record<string, string>;
  /** An IP range outside the cluster, e.g. a managed database `10.20.0.0/24`. @default - none */
  readonly cidr?: string;
  /**
   * Ranges carved out of `cidr`. For egress, the cloud metadata endpoints (169.254.169.254,
   * fd00:ec2::254) are carved out of any block wider than them on top of these (see
   * DefaultDenyNetwork); a block that is no wider is refused. @default - none
   */
  readonly except?: string[];
}

/** A port the allowed traffic goes to. */
export interface NetworkPort {
  /** @asType integer @minimum 1 @maximum 65535 */
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** One named allow rule for some pods of the namespace. */
export interface NetworkAllow {
  /** Short name, part of the policy name `allow-<direction>-<name>`. */
  readonly name: string;
  /** Labels of the pods of this namespace that the rule is for; never empty. */
  readonly podSelector: Record<string, string>;
  /** Where traffic may come from (ingress) or go to (egress). */
  readonly peers: NetworkPeer[];
  /** The destination ports; never empty, so no rule opens every port. */
  readonly ports: NetworkPort[];
  /**
   * Why the workload needs the internet: required when this rule's CIDRs, together with the
   * other rules of the same direction, reach the internet as the policy gate judges it (at least a
   * /8 of public IPv4 or a /32 of public IPv6, e.g. `0.0.0.0/0`, `::/0` or two `/1` halves).
   * Written on the policy as `guardrails.cdk8s.io/exception.internet`. @default - such a rule is refused
   */
  readonly reason?: string;
}

export interface DefaultDenyNetworkProps {
  /** The namespace to lock down. */
  readonly namespace: ITenantNamespace;
  /** Let every pod resolve names with kube-system's kube-dns on port 53. @default true */
  readonly allowDns?: boolean;
  /** Allowed inbound traffic. @default - none */
  readonly ingress?: NetworkAllow[];
  /** Allowed outbound traffic. @default - none (DNS only) */
  readonly egress?: NetworkAllow[];
}

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** An allow rule whose CIDRs reach public addresses, kept to judge the direction's CIDRs together. */
interface PublicAllow {
  readonly field: string;
  readonly policy: ApiObject;
  readonly ranges: AddressRange[];
  readonly reason?: string;
}

/**
 * Deny by default in both directions, then allow by name. Every namespace gets a policy that
 * selects all pods for Ingress and Egress with no rules; each allow is its own NetworkPolicy
 * with a matchLabels selector and explicit ports, so a reviewer reads one rule per file section.
 *
 * Whether the allows reach the internet is judged as the policy gate judges it (policy/cidr.ts):
 * by the public address space all CIDRs of a direction cover together, less their excepts. Once
 * they do, every allow of that direction with public addresses needs a reason, and carries it as
 * the exception the gate's `network.internet` finding on that policy is excused by.
 *
 * No egress reaches a cloud metadata endpoint (the gate's `network.metadata-endpoint`): a block
 * wider than it, like `0.0.0.0/0`, gets the endpoint carved out as `except` entries (169.254.0.0/16
 * from IPv4; fd00:ec2::254/128, 64:ff9b::a9fe:0/112 and 64:ff9b:1::/48 from IPv6) written in the
 * policy for review; a block no wider, like `169.254.0.0/16`, is refused. There is no reason that
 * lets it through: a reason for the internet must not also open the node's credentials.
 */
export class DefaultDenyNetwork extends Construct {
  public readonly namespace: string;
  private readonly labels = { ...MANAGED_BY };
  private readonly names = new Set<string>();
  private readonly publicAllows: Record<'ingress' | 'egress', PublicAllow[]> = { ingress: [], egress: [] };

  constructor(scope: Construct, id: string, props: DefaultDenyNetworkProps) {
    super(sameCopies(scope, 'DefaultDenyNetwork'), id);
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace?.name);
    new k8s.KubeNetworkPolicy(this, 'DenyAll', {
      metadata: { name: 'default-deny-all', namespace: this.namespace, labels: this.labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    if (props.allowDns ?? true) {
      new k8s.KubeNetworkPolicy(this, 'AllowDns', {
        metadata: { name: 'allow-egress-dns', namespace: this.namespace, labels: this.labels },
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [{
            to: [{
              namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            }],
            ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }],
          }],
        },
      });
    }
    for (const allow of props.ingress ?? []) this.allowIngress(allow);
    for (const allow of props.egress ?? []) this.allowEgress(allow);
  }

  /** Lets `peers` reach the selected pods on `ports`. */
  public allowIngress(allow: NetworkAllow): void {
    this.allow('ingress', allow);
  }

  /** Lets the selected pods reach `peers` on `ports`. */
  public allowEgress(allow: NetworkAllow): void {
    this.allow('egress', allow);
  }

  private allow(direction: 'ingress' | 'egress', allow: NetworkAllow): void {
    const field = `${direction}.${allow?.name}`;
    const name = `allow-${direction}-${checkDnsLabel(this, `${direction}.name`, allow?.name, 63 - `allow-${direction}-`.length)}`;
    if (this.names.has(name)) refuse(this, `${field}.name`, allow.name, `another ${direction} rule has this name`, 'give each rule its own name');
    this.names.add(name);
    if (typeof allow.podSelector !== 'object' || !allow.podSelector || Object.keys(allow.podSelector).length === 0) {
      refuse(this, `${field}.podSelector`, allow.podSelector, 'must select pods by label; an empty selector opens the rule to every pod',
        'give the workload\'s labels, e.g. { "app.kubernetes.io/name": "api" }');
    }
    checkLabels(this, `${field}.podSelector`, allow.podSelector);
    if (!Array.isArray(allow.peers) || allow.peers.length === 0) {
      refuse(this, `${field}.peers`, allow.peers, 'must name at least one peer; no peers means any source or destination',
        'list namespaces, pod labels or CIDRs');
    }
    if (!Array.isArray(allow.ports) || allow.ports.length === 0) {
      refuse(this, `${field}.ports`, allow.ports, 'must list ports; no ports means every port', 'list the ports, e.g. [{ port: 5432 }]');
    }
    const peers = allow.peers.map((peer, i) => this.peer(`${field}.peers[${i}]`, peer, direction));
    const ports = allow.ports.map((p, i) => {
      checkInteger(this, `${field}.ports[${i}].port`, p?.port, 1, 65535);
      if (p.protocol !== undefined && p.protocol !== 'TCP' && p.protocol !== 'UDP') {
        refuse(this, `${field}.ports[${i}].protocol`, p.protocol, 'must be TCP or UDP', 'set "TCP" or "UDP"');
      }
      return { port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol ?? 'TCP' };
    });
    const ranges = peers.flatMap(p => (p.ipBlock === undefined ? [] : ipBlockRanges(p.ipBlock).ranges ?? []));
    const publicAllows = this.publicAllows[direction];
    const candidate = reachesPublic(internetReach(ranges)) ? [...publicAllows, { field, ranges, reason: allow.reason }] : publicAllows;
    const reach = internetReach(candidate.flatMap(a => a.ranges));
    if (isInternet(reach)) {
      // Judged before anything is built: this rule first, then the earlier ones it completes the internet with.
      for (const a of [...candidate].reverse()) {
        const together = candidate.length > 1 ? `together with ${candidate.filter(o => o !== a).map(o => o.field).join(', ')}, ` : '';
        if (a.reason === undefined) {
          if (a.field === field) checkReason(this, `${field}.reason`, a.reason);
          refuse(this, `${a.field}.reason`, a.reason, `${together}its CIDRs reach ${describeReach(reach)}: the internet, which needs a reason`,
            `narrow the CIDRs, or say in ${a.field}.reason why this workload needs the internet`);
        }
        checkReason(this, `${a.field}.reason`, a.reason);
      }
    }
    const policy = new k8s.KubeNetworkPolicy(this, name, {
      metadata: { name, namespace: this.namespace, labels: this.labels },
      spec: {
        podSelector: { matchLabels: allow.podSelector },
        policyTypes: [direction === 'ingress' ? 'Ingress' : 'Egress'],
        ...(direction === 'ingress' ? { ingress: [{ from: peers, ports }] } : { egress: [{ to: peers, ports }] }),
      },
    });
    if (candidate !== publicAllows) publicAllows.push({ field, policy, ranges, reason: allow.reason });
    if (isInternet(reach)) {
      for (const a of publicAllows) a.policy.metadata.addAnnotation(`${EXCEPTION_PREFIX}internet`, a.reason!.trim());
    }
  }

  /**
   * The excepts of an egress CIDR peer, with the metadata endpoints carved out when the block is
   * wider than them; refused when the block still reaches one (it is no wider, or sits inside the
   * local-use NAT64 block or IPv4-mapped space where no except can carve it).
   */
  private carveMetadata(field: string, peer: NetworkPeer): string[] | undefined {
    const block = parseCidr(peer.cidr) as ParsedCidr;
    const reached = (except: string[] | undefined) => metadataReached(block, ipBlockRanges({ cidr: peer.cidr, except }).ranges ?? []);
    if (reached(peer.except).length === 0) return peer.except;
    const except = [...(peer.except ?? []), ...metadataCarveOut(block).filter(c => !(peer.except ?? []).includes(c))];
    const still = reached(except);
    if (still.length > 0) {
      refuse(this, `${field}.cidr`, peer.cidr, `reaches the cloud metadata endpoint ${still.join(' and ')}, which hands the node's cloud credentials to any pod that asks`,
        'narrow the CIDR so that it leaves the endpoint out (e.g. EKS Pod Identity\'s agent is 169.254.170.23/32)');
    }
    return except;
  }

  private peer(field: string, peer: NetworkPeer, direction: 'ingress' | 'egress'): k8s.NetworkPolicyPeer {
    if (peer?.cidr !== undefined) {
      if (peer.namespace !== undefined || peer.podLabels !== undefined) {
        refuse(this, field, peer, 'a CIDR peer cannot also select namespaces or pods', 'split it into two peers');
      }
      if (peer.except !== undefined && !Array.isArray(peer.except)) {
        refuse(this, `${field}.except`, peer.except, 'must be a list of CIDRs', 'write it like ["10.20.1.0/24"]');
      }
      const cidrs = [peer.cidr, ...(peer.except ?? [])];
      cidrs.forEach(c => {
        // The gate's strict parser: what it cannot read, it reports.
        if (typeof parseCidr(c) === 'string') refuse(this, `${field}.cidr`, c, 'is not a CIDR', 'write it like "10.20.0.0/24"');
      });
      return { ipBlock: { cidr: peer.cidr, except: direction === 'egress' ? this.carveMetadata(field, peer) : peer.except } };
    }
    if (peer?.namespace === undefined && peer?.podLabels === undefined) {
      refuse(this, field, peer, 'must set cidr, namespace or podLabels', 'e.g. { namespace: "ingress-nginx" }');
    }
    const out: k8s.NetworkPolicyPeer = {};
    if (peer.namespace !== undefined) {
      checkDnsLabel(this, `${field}.namespace`, peer.namespace);
      Object.assign(out, { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } } });
    }
    if (peer.podLabels !== undefined) {
      if (Object.keys(checkLabels(this, `${field}.podLabels`, peer.podLabels)).length === 0) {
        refuse(this, `${field}.podLabels`, peer.podLabels, 'must hold at least one label', 'leave it out to mean every pod of the namespace');
      }
      Object.assign(out, { podSelector: { matchLabels: peer.podLabels } });
    }
    return out;
  }
}
