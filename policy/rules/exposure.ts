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

/**
 * Annotations that make the shared controller answer host names the Ingress's rules do not list,
 * outside the TLS host check and first come, first served against other tenants' names:
 * ingress-nginx's `server-alias` (extra `server_name`s; HAProxy Ingress has `server-alias` and
 * `server-alias-regex` too), matched anywhere in the key in any case; and ingress-nginx's
 * `from-to-www-redirect`, which claims the `www.` (or bare) twin of every host, when its value
 * reads as true (any other string ingress-nginx reads as off; a value that is no string cannot be judged).
 */
const HOST_ALIAS_ANNOTATION = /server-alias/i;
const WWW_REDIRECT = 'nginx.ingress.kubernetes.io/from-to-www-redirect';

/** Whether TLS `pattern` (a host or `*.domain`) covers `host`. */
function tlsCovers(pattern: unknown, host: string): boolean {
  if (typeof pattern !== 'string') return false;
  const [p, h] = [pattern.toLowerCase(), host.toLowerCase()];
  if (p === h) return true;
  return p.startsWith('*.') && h.endsWith(p.slice(1)) && !h.slice(0, -p.length + 1).includes('.');
}

/** The values Go's strconv.ParseBool reads as true, as ingress-nginx and Traefik read their boolean annotations. */
const GO_TRUE = ['1', 't', 'T', 'true', 'TRUE', 'True'];
const GO_FALSE = ['0', 'f', 'F', 'false', 'FALSE', 'False'];

/**
 * Annotations that switch HTTPS off for an Ingress: ingress-nginx's `ssl-redirect` and Traefik's
 * `router.tls`. Only a value Go reads as true passes: a false spelling switches it off, and any
 * other (`no`, `off`, a YAML 1.1 boolean that is no string) is ignored by the controller, which
 * then falls back to its own configuration, which the gate cannot see.
 */
const HTTPS_SWITCHES = ['nginx.ingress.kubernetes.io/ssl-redirect', 'traefik.ingress.kubernetes.io/router.tls'];

const TRAEFIK_PREFIX = 'traefik.ingress.kubernetes.io/';
const TRAEFIK_TLS = `${TRAEFIK_PREFIX}router.tls`;

/**
 * Whether Traefik reads the Ingress: it names the class `traefik` (spec.ingressClassName or the
 * legacy kubernetes.io/ingress.class), or carries a Traefik annotation (matched in any case: a
 * key Traefik ignores still says the Ingress is written for it). The gate does not know which
 * IngressClass names Traefik otherwise.
 */
function readByTraefik(ingress: Json, annotations: unknown): boolean {
  const isTraefik = (v: unknown) => typeof v === 'string' && v.toLowerCase() === 'traefik';
  return isTraefik(own(own(ingress, 'spec'), 'ingressClassName')) || isTraefik(own(annotations, 'kubernetes.io/ingress.class'))
    || (isObject(annotations) && Object.keys(annotations).some(k => k.toLowerCase().startsWith(TRAEFIK_PREFIX)));
}

function redirectOff(ingress: Json): RuleViolation[] {
  const annotations = own(own(ingress, 'metadata'), 'annotations');
  // Traefik serves a router over plain HTTP unless router.tls reads as true: spec.tls only loads
  // the certificates, so its absence is HTTP, not a default the controller may override.
  const unset: RuleViolation[] = own(annotations, TRAEFIK_TLS) === undefined && readByTraefik(ingress, annotations)
    ? [{ object: ingress, field: `metadata.annotations.${TRAEFIK_TLS}`,
      message: 'is not set, so Traefik serves the Ingress over plain HTTP on its entry points (spec.tls only loads certificates); set it to "true"' }]
    : [];
  return [...unset, ...HTTPS_SWITCHES.filter(key => own(annotations, key) !== undefined).flatMap((key): RuleViolation[] => {
    const value = own(annotations, key);
    if (typeof value === 'string' && GO_TRUE.includes(value)) return [];
    const what = typeof value === 'string' && GO_FALSE.includes(value) ? 'switches HTTPS off'
      : 'is not a value the controller reads as true or false, so it falls back to its own configuration';
    return [{ object: ingress, field: `metadata.annotations.${key}`, message: `${key}: ${show(value)} ${what}` }];
  })];
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
    id: 'exposure.ingress-host-alias', family: 'exposure', severity: 'error', title: 'Ingresses claim no host names beyond their rules (server-alias, from-to-www-redirect)',
    fix: 'remove the annotation and list every host name as a rule host (and in spec.tls), where the TLS check and the other tenants\' names can be judged; '
      + 'a platform Ingress waives this rule with its reason',
    check: ctx => ctx.ofKind('Ingress').flatMap((ingress): RuleViolation[] => {
      const annotations = own(own(ingress, 'metadata'), 'annotations');
      if (!isObject(annotations)) return [];
      const aliases = Object.keys(annotations).filter(k => HOST_ALIAS_ANNOTATION.test(k))
        .map(k => ({ object: ingress, field: `metadata.annotations.${k}`, message: `${k}: ${show(annotations[k])} claims host names the rules do not list, on the controller every tenant shares` }));
      const www = own(annotations, WWW_REDIRECT);
      const redirect = www !== undefined && (typeof www !== 'string' || GO_TRUE.includes(www))
        ? [{ object: ingress, field: `metadata.annotations.${WWW_REDIRECT}`, message: `${WWW_REDIRECT}: ${show(www)} claims the www. (or bare) twin of every rule host, names the rules do not list` }]
        : [];
      return [...aliases, ...redirect];
    }),
  },
  {
    id: 'exposure.ingress-tls', family: 'exposure', severity: 'error',
    title: 'Ingresses serve every host over TLS with its own certificate, and do not switch the HTTPS redirect off',
    fix: 'list every rule host in spec.tls with the secretName of its certificate (cert-manager writes it from its annotation, into that Secret), '
      + 'give every rule a host, drop spec.defaultBackend, leave ssl-redirect on and, for Traefik (class traefik or a traefik.ingress.kubernetes.io/ annotation), '
      + 'set traefik.ingress.kubernetes.io/router.tls: "true" (HardenedIngress does all of this); '
      + 'a platform Ingress whose TLS ends in front of the controller waives this rule with its reason',
    check: ctx => ctx.ofKind('Ingress').flatMap((ingress): RuleViolation[] => {
      const spec = own(ingress, 'spec');
      const found: RuleViolation[] = redirectOff(ingress);
      const at = (field: string, message: string) => found.push({ object: ingress, field, message });
      if (!absent(own(spec, 'defaultBackend'))) {
        at('spec.defaultBackend', 'a default backend answers every host name no rule names, with no certificate of its own');
      }
      const tls = own(spec, 'tls');
      const rules = own(spec, 'rules');
      if (!absent(rules) && !Array.isArray(rules)) at('spec.rules', `cannot judge rules ${show(rules)}: it must be a list`);
      const ruleList = Array.isArray(rules) ? rules : [];
      ruleList.forEach((r, i) => {
        const host = own(r, 'host');
        if (absent(host) || host === '') at(`spec.rules[${i}]`, 'a rule without a host answers every host name, with no certificate of its own');
      });
      if (absent(tls) || (Array.isArray(tls) && tls.length === 0)) {
        at('spec.tls', 'the Ingress serves plain HTTP');
        return found;
      }
      if (!Array.isArray(tls)) {
        at('spec.tls', `cannot judge tls ${show(tls)}: it must be a list`);
        return found;
      }
      tls.forEach((t, j) => {
        const hosts = own(t, 'hosts');
        const secret = own(t, 'secretName');
        if (!Array.isArray(hosts) || hosts.length === 0) at(`spec.tls[${j}].hosts`, 'a tls entry without hosts covers no host');
        // cert-manager skips such an entry too ("must specify a secretName"): without one, the
        // controller serves its default certificate, which is not this host's.
        if (typeof secret !== 'string' || secret === '') at(`spec.tls[${j}].secretName`, `the tls entry names no certificate Secret (got ${show(secret)}), so the controller serves its default certificate`);
      });
      const patterns = tls.flatMap(t => (Array.isArray(own(t, 'hosts')) ? own(t, 'hosts') as unknown[] : []));
      ruleList.forEach((r, i) => {
        const host = own(r, 'host');
        if (absent(host) || host === '') return;
        if (typeof host !== 'string') at(`spec.rules[${i}].host`, `cannot judge host ${show(host)}: it must be a string`);
        else if (!patterns.some(p => tlsCovers(p, host))) at(`spec.rules[${i}].host`, `${host} is not among the tls hosts, so it is served without its certificate`);
      });
      return found;
    }),
  },
];
