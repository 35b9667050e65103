import { Json } from '../model';
import { Rule, RuleViolation } from '../rule';

/**
 * Exposure: what a tenant's Services and Ingresses open beyond the cluster network. Services
 * stay ClusterIP and reach the outside through the platform's ingress; an Ingress cannot inject
 * configuration into the shared controller; and it serves TLS.
 */

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const own = (o: unknown, k: string): unknown => (isObject(o) && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
const absent = (v: unknown) => v === undefined || v === null;
const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v) ?? 'nothing');

/** The Service type as the API server reads it (ClusterIP when unset), matched without regard to case. */
function serviceType(service: Json): string | undefined {
  const type = own(own(service, 'spec'), 'type');
  if (absent(type) || type === '') return 'clusterip';
  return typeof type === 'string' ? type.toLowerCase() : undefined;
}

/**
 * An annotation that hands raw configuration to the ingress controller: ingress-nginx's
 * `*-snippet` (configuration-, server-, location-, auth-, stream-, modsecurity-), NGINX Inc's
 * `nginx.org/*-snippets`, HAProxy's `*-config-snippet`; matched anywhere in the key, in any case.
 */
export const SNIPPET_ANNOTATION = /snippet/i;

/** Whether TLS `pattern` (a host or `*.domain`) covers `host`. */
function tlsCovers(pattern: unknown, host: string): boolean {
  if (typeof pattern !== 'string') return false;
  const [p, h] = [pattern.toLowerCase(), host.toLowerCase()];
  if (p === h) return true;
  return p.startsWith('*.') && h.endsWith(p.slice(1)) && !h.slice(0, -p.length + 1).includes('.');
}

export const EXPOSURE_RULES: Rule[] = [
  {
    id: 'exposure.external-ips', family: 'exposure', severity: 'error', waivable: false,
    title: 'Services set no externalIPs (CVE-2020-8554: a tenant can intercept traffic to any address)',
    fix: 'remove spec.externalIPs; expose the Service through the platform\'s ingress (the API server\'s DenyServiceExternalIPs admission plugin should refuse them too)',
    check: ctx => ctx.ofKind('Service').flatMap((s): RuleViolation[] => {
      const ips = own(own(s, 'spec'), 'externalIPs');
      if (absent(ips) || (Array.isArray(ips) && ips.length === 0)) return [];
      return [{ object: s, field: 'spec.externalIPs', message: Array.isArray(ips) ? `the Service claims ${ips.map(show).join(', ')}` : `cannot judge externalIPs ${show(ips)}: it must be a list` }];
    }),
  },
  {
    id: 'exposure.external-name', family: 'exposure', severity: 'error', title: 'Services are not of type ExternalName',
    fix: 'call the external host directly (with an egress NetworkPolicy to its addresses); an ExternalName Service lets whoever controls that DNS name steer in-cluster clients and ingress controllers',
    check: ctx => ctx.ofKind('Service').flatMap((s): RuleViolation[] => {
      const name = own(own(s, 'spec'), 'externalName');
      if (serviceType(s) === 'externalname') return [{ object: s, field: 'spec.type', message: `the Service is an alias for ${show(name)}` }];
      return absent(name) || name === '' ? [] : [{ object: s, field: 'spec.externalName', message: `externalName ${show(name)} is set` }];
    }),
  },
  {
    id: 'exposure.service-type', family: 'exposure', severity: 'error',
    title: 'Services are ClusterIP: no LoadBalancer or NodePort (a namespace\'s workloads may come from elsewhere, so every namespace counts)',
    fix: 'use type ClusterIP and expose HTTP through the platform\'s ingress; a platform load balancer waives this rule on its Service with the reason',
    check: ctx => ctx.ofKind('Service').flatMap((s): RuleViolation[] => {
      const type = serviceType(s);
      if (type === 'clusterip' || type === 'externalname') return [];
      if (type === 'loadbalancer' || type === 'nodeport') {
        return [{ object: s, field: 'spec.type', message: `type ${own(own(s, 'spec'), 'type')} opens the Service on ${type === 'nodeport' ? 'every node\'s address' : 'an external load balancer'}` }];
      }
      return [{ object: s, field: 'spec.type', message: `cannot judge type ${show(own(own(s, 'spec'), 'type'))}` }];
    }),
  },
  {
    id: 'exposure.ingress-snippets', family: 'exposure', severity: 'error', title: 'Ingresses carry no configuration snippets for the controller',
    fix: 'remove the *-snippet annotation and use the controller\'s dedicated annotations; snippets run as the shared ingress controller (which can read every Secret it serves, CVE-2021-25742)',
    check: ctx => ctx.ofKind('Ingress').flatMap((ingress): RuleViolation[] => {
      const annotations = own(own(ingress, 'metadata'), 'annotations');
      if (!isObject(annotations)) return [];
      return Object.keys(annotations).filter(k => SNIPPET_ANNOTATION.test(k))
        .map(k => ({ object: ingress, field: `metadata.annotations.${k}`, message: `${k} injects raw configuration into the ingress controller` }));
    }),
  },
  {
    id: 'exposure.ingress-tls', family: 'exposure', severity: 'warning', title: 'Ingresses serve their hosts over TLS',
    fix: 'add spec.tls listing every host of the rules, with its certificate Secret (e.g. from cert-manager)',
    check: ctx => ctx.ofKind('Ingress').flatMap((ingress): RuleViolation[] => {
      const spec = own(ingress, 'spec');
      const tls = own(spec, 'tls');
      if (absent(tls) || (Array.isArray(tls) && tls.length === 0)) return [{ object: ingress, field: 'spec.tls', message: 'the Ingress serves plain HTTP' }];
      if (!Array.isArray(tls)) return [{ object: ingress, field: 'spec.tls', message: `cannot judge tls ${show(tls)}: it must be a list` }];
      const patterns = tls.flatMap(t => (Array.isArray(own(t, 'hosts')) ? own(t, 'hosts') as unknown[] : []));
      const rules = own(spec, 'rules');
      return (Array.isArray(rules) ? rules : []).flatMap((r, i): RuleViolation[] => {
        const host = own(r, 'host');
        if (typeof host !== 'string' || host === '' || patterns.some(p => tlsCovers(p, host))) return [];
        return [{ object: ingress, field: `spec.rules[${i}].host`, message: `${host} is not among the tls hosts, so it is served without its certificate` }];
      });
    }),
  },
];
