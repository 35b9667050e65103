import { isIPv4, isIPv6 } from 'net';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { EXCEPTION_PREFIX, MANAGED_BY } from '../policy/annotations';
import { refuse } from '../policy/errors';
import { ITenantNamespace } from './tenant-namespace';
import { checkDnsLabel, checkInteger, checkReason } from './validate';

/** Who is on the other end of an allowed connection. Set `cidr`, or `namespace` and/or `podLabels`. */
export interface NetworkPeer {
  /** The peer's namespace. @default - the policy's own namespace, when `podLabels` is set */
  readonly namespace?: string;
  /** Labels of the peer pods. @default - every pod of `namespace` */
  readonly podLabels?: Record<string, string>;
  /** An IP range outside the cluster, e.g. a managed database `10.20.0.0/24`. @default - none */
  readonly cidr?: string;
  /** Ranges carved out of `cidr`. @default - none */
  readonly except?: string[];
}

/** A port the allowed traffic goes to. */
export interface NetworkPort {
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
  /** Why a peer is the whole internet (`0.0.0.0/0` or `::/0`). @default - such a peer is refused */
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

/**
 * Deny by default in both directions, then allow by name. Every namespace gets a policy that
 * selects all pods for Ingress and Egress with no rules; each allow is its own NetworkPolicy
 * with a matchLabels selector and explicit ports, so a reviewer reads one rule per file section.
 */
export class DefaultDenyNetwork extends Construct {
  public readonly namespace: string;
  private readonly labels = { ...MANAGED_BY };
  private readonly names = new Set<string>();

  constructor(scope: Construct, id: string, props: DefaultDenyNetworkProps) {
    super(scope, id);
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
    if (!Array.isArray(allow.peers) || allow.peers.length === 0) {
      refuse(this, `${field}.peers`, allow.peers, 'must name at least one peer; no peers means any source or destination',
        'list namespaces, pod labels or CIDRs');
    }
    if (!Array.isArray(allow.ports) || allow.ports.length === 0) {
      refuse(this, `${field}.ports`, allow.ports, 'must list ports; no ports means every port', 'list the ports, e.g. [{ port: 5432 }]');
    }
    const peers = allow.peers.map((peer, i) => this.peer(`${field}.peers[${i}]`, peer, allow.reason));
    const ports = allow.ports.map((p, i) => {
      checkInteger(this, `${field}.ports[${i}].port`, p?.port, 1, 65535);
      if (p.protocol !== undefined && p.protocol !== 'TCP' && p.protocol !== 'UDP') {
        refuse(this, `${field}.ports[${i}].protocol`, p.protocol, 'must be TCP or UDP', 'set "TCP" or "UDP"');
      }
      return { port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol ?? 'TCP' };
    });
    const reason = allow.peers.some(p => isWholeInternet(p.cidr)) ? allow.reason!.trim() : undefined;
    new k8s.KubeNetworkPolicy(this, name, {
      metadata: {
        name,
        namespace: this.namespace,
        labels: this.labels,
        annotations: reason ? { [`${EXCEPTION_PREFIX}internet`]: reason } : undefined,
      },
      spec: {
        podSelector: { matchLabels: allow.podSelector },
        policyTypes: [direction === 'ingress' ? 'Ingress' : 'Egress'],
        ...(direction === 'ingress' ? { ingress: [{ from: peers, ports }] } : { egress: [{ to: peers, ports }] }),
      },
    });
  }

  private peer(field: string, peer: NetworkPeer, reason: string | undefined): k8s.NetworkPolicyPeer {
    if (peer?.cidr !== undefined) {
      if (peer.namespace !== undefined || peer.podLabels !== undefined) {
        refuse(this, field, peer, 'a CIDR peer cannot also select namespaces or pods', 'split it into two peers');
      }
      const cidrs = [peer.cidr, ...(peer.except ?? [])];
      cidrs.forEach(c => {
        if (prefixLength(c) === undefined) refuse(this, `${field}.cidr`, c, 'is not a CIDR', 'write it like "10.20.0.0/24"');
      });
      if (isWholeInternet(peer.cidr)) checkReason(this, `${field.replace(/\.peers\[\d+\]$/, '')}.reason`, reason);
      return { ipBlock: { cidr: peer.cidr, except: peer.except } };
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
      if (typeof peer.podLabels !== 'object' || Object.keys(peer.podLabels).length === 0) {
        refuse(this, `${field}.podLabels`, peer.podLabels, 'must hold at least one label', 'leave it out to mean every pod of the namespace');
      }
      Object.assign(out, { podSelector: { matchLabels: peer.podLabels } });
    }
    return out;
  }
}

function isWholeInternet(cidr: string | undefined): boolean {
  return cidr !== undefined && prefixLength(cidr) === 0;
}

/** The prefix length of a well-formed IPv4 or IPv6 CIDR, else `undefined`. */
function prefixLength(cidr: unknown): number | undefined {
  const match = typeof cidr === 'string' ? /^([^/]+)\/(\d{1,3})$/.exec(cidr) : null;
  if (!match) return undefined;
  const bits = isIPv4(match[1]) ? 32 : isIPv6(match[1]) ? 128 : 0;
  const prefix = Number(match[2]);
  return bits && prefix <= bits && String(prefix) === match[2] ? prefix : undefined;
}
