import { EXCEPTION_PREFIX } from '../annotations';
import { Json } from '../model';
import { Rule } from '../rule';

/** Network: default deny in every namespace with workloads, and no allow-everything peer. */

/** True when `policy` selects every pod of its namespace for `type` and allows nothing: a default deny. */
export function deniesAll(policy: Json, type: 'Ingress' | 'Egress'): boolean {
  const selector: Json = policy.spec?.podSelector ?? {};
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0
    && (policy.spec?.policyTypes ?? []).includes(type) && (policy.spec?.[type.toLowerCase()] ?? []).length === 0;
}

const everythingPeer = (peer: Json) => {
  const selects = (s: Json | undefined) => s !== undefined && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
  return (peer.namespaceSelector !== undefined && selects(peer.namespaceSelector) && (peer.podSelector === undefined || selects(peer.podSelector)))
    || (typeof peer.ipBlock?.cidr === 'string' && /\/0+$/.test(peer.ipBlock.cidr) && (peer.ipBlock.except ?? []).length === 0);
};


export const NETWORK_RULES: Rule[] = [
  {
    id: 'network.default-deny', family: 'network', severity: 'error', title: 'namespaces with workloads deny all traffic by default',
    fix: 'add a NetworkPolicy with podSelector: {}, policyTypes [Ingress, Egress] and no rules, e.g. with DefaultDenyNetwork',
    check: ctx => ctx.workloadNamespaces().flatMap(ns => {
      const denies = (type: 'Ingress' | 'Egress') => ctx.inNamespace('NetworkPolicy', ns).some(p => deniesAll(p, type));
      const object = ctx.pods.find(p => p.namespace === ns)!.object;
      return (['Ingress', 'Egress'] as const).filter(t => !denies(t))
        .map(t => ({ object, field: 'metadata.namespace', message: `namespace ${ns} has no default deny for ${t}` }));
    }),
  },
  {
    id: 'network.allow-all', family: 'network', severity: 'error', title: 'no NetworkPolicy rule allows everything',
    fix: 'name the peers (namespaceSelector/podSelector matchLabels, or a bounded ipBlock), or annotate guardrails.cdk8s.io/exception.internet with a reason',
    check: ctx => ctx.ofKind('NetworkPolicy').filter(p => !(`${EXCEPTION_PREFIX}internet` in (p.metadata?.annotations ?? {}))).flatMap(p =>
      (['ingress', 'egress'] as const).flatMap(dir => ((p.spec?.[dir] ?? []) as Json[]).flatMap((rule, i) => {
        const key = dir === 'ingress' ? 'from' : 'to';
        const peers: Json[] = rule[key] ?? [];
        if (peers.length === 0) return [{ object: p, field: `spec.${dir}[${i}].${key}`, message: `a ${dir} rule without peers allows every ${dir === 'ingress' ? 'source' : 'destination'}` }];
        return peers.map((peer, j) => ({ peer, j })).filter(({ peer }) => everythingPeer(peer))
          .map(({ j }) => ({ object: p, field: `spec.${dir}[${i}].${key}[${j}]`, message: 'this peer matches every namespace or every address' }));
      }))),
  },
];
