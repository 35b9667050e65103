import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { MANAGED_BY } from '../policy/annotations';
import { describeReach, internetReach, isInternet, parseCidr, ParsedCidr } from '../policy/cidr';
import { refuse } from '../policy/errors';
import { dnsSubdomainProblem } from '../policy/grammar';
import { sameCopies } from './copies';
import { IHardenedWorkload } from './hardened-pod';
import { ITenantNamespace } from './tenant-namespace';
import { checkDnsLabel, checkLabels, checkOneOf } from './validate';

/**
 * The ingress controllers whose annotations we know: how each redirects HTTP to HTTPS, and
 * whether it can enforce a source allow-list from the Ingress alone.
 */
export type IngressControllerKind = 'ingress-nginx' | 'traefik';
export const INGRESS_CONTROLLER_KINDS: readonly IngressControllerKind[] = ['ingress-nginx', 'traefik'];

/** A certificate the platform or the tenant already keeps in a Secret of the namespace. */
export interface IngressTlsSecret {
  /** The `kubernetes.io/tls` Secret of the app's namespace that holds the certificate and key. */
  readonly secretName: string;
}

/** A certificate cert-manager issues (and renews) for the host, from the Ingress's annotation. */
export interface IngressTlsIssuer {
  /** Name of the cert-manager issuer, e.g. `letsencrypt-prod`. */
  readonly issuer: string;
  /** `ClusterIssuer` (the platform's) or `Issuer` (one in the app's namespace). @default 'ClusterIssuer' */
  readonly issuerKind?: 'ClusterIssuer' | 'Issuer';
  /** The Secret cert-manager writes the certificate to. @default '<service>-tls' */
  readonly secretName?: string;
}

/** Where the certificate comes from: a Secret that exists, or a cert-manager issuer. */
export type IngressTls = IngressTlsSecret | IngressTlsIssuer;

/** What a user says about exposing a service over HTTPS: the `ingress` field of a service in an app spec. */
export interface IngressRouteProps {
  /**
   * The host name served, e.g. `api.example.com`: a lower-case DNS name, no wildcard (a tenant's
   * `*.example.com` would claim every name under the domain on the shared controller) and no IP.
   */
  readonly host: string;
  /** Path prefixes routed to the service (pathType `Prefix`), each starting with `/`. @default ['/'] */
  readonly paths?: string[];
  /** The IngressClass of the controller that serves it, e.g. `nginx` (`spec.ingressClassName`). */
  readonly className: string;
  /** The certificate: `{ secretName }`, or `{ issuer }` for cert-manager. TLS is never optional. */
  readonly tls: IngressTls;
  /**
   * Client CIDRs allowed to reach the host (an allow-list enforced by the controller), e.g.
   * `['203.0.113.7/32']`. Not for a controller that cannot enforce it from the Ingress alone
   * (Traefik needs a Middleware); never the internet, which is what leaving it out means.
   * @default - every client
   */
  readonly sourceRanges?: string[];
  /** Name of the service's port to route to. @default - the service's first TCP port */
  readonly port?: string;
}

export interface HardenedIngressProps extends IngressRouteProps {
  /** The namespace of the service. */
  readonly namespace: ITenantNamespace;
  /** The workload whose Service the Ingress routes to (its name and ports). */
  readonly service: Pick<IHardenedWorkload, 'name' | 'ports'>;
  /** Which controller `className` is: decides the redirect and source-range annotations. */
  readonly controller: IngressControllerKind;
  /** Traefik only: the entry point that serves HTTPS, the only one the route is attached to. @default 'websecure' */
  readonly entryPoint?: string;
  /** Name of the Ingress. @default - the service's name */
  readonly name?: string;
  /** Extra labels, e.g. `app.kubernetes.io/part-of`. @default - none */
  readonly labels?: Record<string, string>;
}

/** What a HardenedIngress serves, for the compiler's NetworkPolicy and for tests. */
export interface IngressRoute {
  readonly host: string;
  readonly paths: readonly string[];
  readonly secretName: string;
  /** Whether cert-manager issues the certificate (an issuer annotation), rather than a Secret given. */
  readonly issued: boolean;
  /** The Service port the Ingress routes to: its name, number, and the pods' port behind it. */
  readonly port: { readonly name: string; readonly number: number; readonly containerPort: number };
}

const NGINX = 'nginx.ingress.kubernetes.io/';
const TRAEFIK = 'traefik.ingress.kubernetes.io/';
/** ingress-nginx's own path check for pathType Prefix (`strict-validate-path-type`): no regex, no nginx syntax. */
const PATH = /^\/[A-Za-z0-9._~/-]*$/;
const PATH_MAX = 512;

/**
 * An Ingress for one service that always serves TLS and never plain HTTP: ingress-nginx
 * redirects HTTP to HTTPS (`ssl-redirect` and `force-ssl-redirect`), Traefik attaches the route
 * to its HTTPS entry point only (`router.entrypoints` and `router.tls`), so no plain-HTTP route
 * exists. Every annotation is ours, built from checked values: no snippet, nothing passed through.
 * A `sourceRanges` allow-list is written for ingress-nginx, which enforces it per Ingress, and
 * refused for Traefik, which needs a Middleware object for it.
 */
export class HardenedIngress extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly route: IngressRoute;

  constructor(scope: Construct, id: string, props: HardenedIngressProps) {
    super(sameCopies(scope, 'HardenedIngress'), id);
    if (!props.namespace || typeof props.namespace.name !== 'string') {
      refuse(this, 'namespace', props.namespace, 'must be a TenantNamespace', 'pass the TenantNamespace the service runs in');
    }
    this.namespace = props.namespace.name;
    const service = props.service;
    if (!service || typeof service.name !== 'string' || !Array.isArray(service.ports)) {
      refuse(this, 'service', service, 'must be a hardened workload', 'pass the workload construct whose Service the Ingress routes to');
    }
    this.name = checkDnsLabel(this, 'name', props.name ?? service.name);
    const controller = checkOneOf(this, 'controller', props.controller, INGRESS_CONTROLLER_KINDS);
    const className = checkSubdomain(this, 'className', props.className, 'the IngressClass name, e.g. "nginx"');
    const host = checkHost(this, props.host);
    const paths = checkPaths(this, props.paths ?? ['/']);
    const port = checkPort(this, service, props.port);
    const tls = checkTls(this, props.tls, `${service.name}-tls`);
    const sourceRanges = props.sourceRanges === undefined ? undefined : checkSourceRanges(this, props.sourceRanges, controller);

    const annotations: Record<string, string> = { ...tls.annotations };
    if (controller === 'ingress-nginx') {
      // ssl-redirect is on by default once TLS is set, but a controller-wide ConfigMap can turn it
      // off: said here, per Ingress. force-ssl-redirect also covers a TLS offload in front.
      annotations[`${NGINX}ssl-redirect`] = 'true';
      annotations[`${NGINX}force-ssl-redirect`] = 'true';
      if (sourceRanges) {
        // allowlist-source-range is the name ingress-nginx reads since 1.9, whitelist-source-range
        // its alias and the only name before; the same value under both, so that an older
        // controller does not silently serve every client.
        annotations[`${NGINX}allowlist-source-range`] = sourceRanges;
        annotations[`${NGINX}whitelist-source-range`] = sourceRanges;
      }
    } else {
      // spec.tls only loads the certificate in Traefik; router.tls makes the router HTTPS, and an
      // HTTPS entry point alone means no plain-HTTP router exists (the platform's `web` entry
      // point redirects, or serves nothing for this host).
      const entryPoint = checkEntryPoint(this, 'entryPoint', props.entryPoint ?? 'websecure');
      annotations[`${TRAEFIK}router.entrypoints`] = entryPoint;
      annotations[`${TRAEFIK}router.tls`] = 'true';
    }

    this.route = { host, paths, secretName: tls.secretName, issued: Object.keys(tls.annotations).length > 0, port };
    new k8s.KubeIngress(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { ...checkLabels(this, 'labels', props.labels ?? {}), 'app.kubernetes.io/name': service.name, ...MANAGED_BY },
        annotations,
      },
      spec: {
        ingressClassName: className,
        tls: [{ hosts: [host], secretName: tls.secretName }],
        rules: [{
          host,
          http: {
            paths: paths.map(path => ({
              path, pathType: 'Prefix',
              backend: { service: { name: service.name, port: { name: port.name } } },
            })),
          },
        }],
      },
    });
  }
}

/**
 * A Traefik entry point name: one name, so that no `,` adds the plain-HTTP entry point to the
 * list the annotation holds.
 */
export function checkEntryPoint(scope: Construct | string, field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(value)) {
    refuse(scope, field, value, 'must be one Traefik entry point name (letters, digits, "-" and "_")', 'name the HTTPS entry point, e.g. "websecure"');
  }
  return value;
}

function checkSubdomain(scope: Construct, field: string, value: unknown, example: string): string {
  if (typeof value !== 'string' || dnsSubdomainProblem(value) !== undefined) {
    refuse(scope, field, value, 'must be a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253 characters)', `give ${example}`);
  }
  return value;
}

function checkHost(scope: Construct, host: unknown): string {
  if (typeof host === 'string' && host.startsWith('*.')) {
    refuse(scope, 'host', host, 'is a wildcard: on a shared ingress controller it claims every name under the domain, other apps\' hosts included',
      'name the one host this service answers to, e.g. "api.example.com"');
  }
  if (typeof host === 'string' && typeof parseCidr(`${host}/32`) !== 'string') {
    refuse(scope, 'host', host, 'is an IP address, which an Ingress host cannot be and no certificate authority issues for', 'give the DNS name clients use, e.g. "api.example.com"');
  }
  if (typeof host !== 'string' || dnsSubdomainProblem(host) !== undefined || host.split('.').some(l => l.length > 63)) {
    refuse(scope, 'host', host, 'must be a lower-case DNS name (labels of letters, digits and "-" joined by ".", no trailing dot, at most 253 characters)',
      'give the DNS name clients use, e.g. "api.example.com"');
  }
  return host;
}

function checkPaths(scope: Construct, paths: unknown): string[] {
  if (!Array.isArray(paths) || paths.length === 0) {
    refuse(scope, 'paths', paths, 'must be a non-empty list of path prefixes', 'leave it out to route every path ("/"), or list prefixes like ["/api"]');
  }
  const seen = new Set<string>();
  return paths.map((p, i) => {
    if (typeof p !== 'string' || !PATH.test(p) || p.length > PATH_MAX || /\/\.\.?(\/|$)/.test(p) || p.includes('//')) {
      refuse(scope, `paths[${i}]`, p, `must start with "/" and hold only letters, digits and "/._~-" (no ".." or "." segment, no "//", at most ${PATH_MAX} characters): `
        + 'a Prefix path is matched literally, and ingress-nginx refuses anything else', 'write a plain prefix like "/api"');
    }
    // Prefix matching ignores a trailing slash: "/api" and "/api/" are the same rule.
    const key = p.length > 1 ? p.replace(/\/+$/, '') : p;
    if (seen.has(key)) refuse(scope, `paths[${i}]`, p, 'repeats another path (a trailing "/" makes no difference to a Prefix match)', 'list each prefix once');
    seen.add(key);
    return p;
  });
}

function checkPort(scope: Construct, service: Pick<IHardenedWorkload, 'name' | 'ports'>, name: unknown): IngressRoute['port'] {
  const tcp = service.ports.filter(p => (p.protocol ?? 'TCP') === 'TCP');
  if (tcp.length === 0) {
    refuse(scope, 'service', service.name, 'has no TCP port, so no Ingress can route to it', 'give the service a port, e.g. ports: [{ name: "http", port: 8080 }]');
  }
  const chosen = name === undefined ? tcp[0] : tcp.find(p => p.name === name);
  if (!chosen) {
    refuse(scope, 'port', name, `names no TCP port of ${service.name}`, `use one of ${tcp.map(p => `"${p.name}"`).join(', ')}`);
  }
  return { name: chosen.name, number: chosen.servicePort ?? chosen.port, containerPort: chosen.port };
}

function checkTls(scope: Construct, tls: unknown, defaultSecret: string): { secretName: string; annotations: Record<string, string> } {
  const FIX = 'set tls to { secretName: "<a kubernetes.io/tls Secret>" } or { issuer: "<a cert-manager ClusterIssuer>" }';
  if (tls === null || typeof tls !== 'object' || Array.isArray(tls)) refuse(scope, 'tls', tls, 'is required: an Ingress always serves TLS', FIX);
  // Own fields only: an inherited `issuer` (a prototype key) is not something the user wrote.
  const t = Object.fromEntries(Object.entries(tls as Record<string, unknown>));
  const unknown = Object.keys(t).filter(k => !['secretName', 'issuer', 'issuerKind'].includes(k));
  if (unknown.length) refuse(scope, `tls.${unknown[0]}`, t[unknown[0]], 'is not a field of tls', FIX);
  if (t.issuer === undefined) {
    if (t.issuerKind !== undefined) refuse(scope, 'tls.issuerKind', t.issuerKind, 'is set without tls.issuer', 'name the issuer, or leave issuerKind out');
    if (t.secretName === undefined) refuse(scope, 'tls', tls, 'names neither a Secret nor an issuer', FIX);
    return { secretName: checkSubdomain(scope, 'tls.secretName', t.secretName, 'the name of a Secret, e.g. "api-tls"'), annotations: {} };
  }
  const issuer = checkSubdomain(scope, 'tls.issuer', t.issuer, 'the name of a cert-manager issuer, e.g. "letsencrypt-prod"');
  const kind = checkOneOf(scope, 'tls.issuerKind', t.issuerKind ?? 'ClusterIssuer', ['ClusterIssuer', 'Issuer'] as const);
  const secretName = t.secretName === undefined ? defaultSecret : checkSubdomain(scope, 'tls.secretName', t.secretName, 'the name of a Secret, e.g. "api-tls"');
  return { secretName, annotations: { [kind === 'ClusterIssuer' ? 'cert-manager.io/cluster-issuer' : 'cert-manager.io/issuer']: issuer } };
}

/** The allow-list as the annotation value: each CIDR checked by the gate's strict parser, never the internet. */
function checkSourceRanges(scope: Construct, ranges: unknown, controller: IngressControllerKind): string {
  if (controller === 'traefik') {
    refuse(scope, 'sourceRanges', ranges, 'cannot be enforced by Traefik from an Ingress: it needs an ipAllowList Middleware, an object the guardrails do not build',
      'leave sourceRanges out, or serve the service through an ingress-nginx class of the platform');
  }
  if (!Array.isArray(ranges) || ranges.length === 0) {
    refuse(scope, 'sourceRanges', ranges, 'must be a non-empty list of CIDRs (an empty allow-list is ignored by the controller: every client gets in)',
      'list the client ranges, e.g. ["203.0.113.7/32"], or leave sourceRanges out to serve every client');
  }
  const parsed = ranges.map((r, i) => {
    const p = parseCidr(r);
    if (typeof p === 'string') refuse(scope, `sourceRanges[${i}]`, r, `is not a CIDR: ${p}`, 'write it like "203.0.113.7/32"');
    return p as ParsedCidr;
  });
  const reach = internetReach(parsed.map(p => p.range));
  if (isInternet(reach)) {
    refuse(scope, 'sourceRanges', ranges, `together reach ${describeReach(reach)}: the internet, so the allow-list keeps no one out`,
      'list only the clients\' ranges, or leave sourceRanges out to serve every client');
  }
  return (ranges as string[]).join(',');
}
