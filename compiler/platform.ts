import { ArgoCluster, ARGO_IN_CLUSTER } from '../constructs/argo-project';
import { checkOidcPrefixes, OidcPrefixes } from '../constructs/team-access';
import { checkEntryPoint, IngressControllerKind, INGRESS_CONTROLLER_KINDS } from '../constructs/hardened-ingress';
import { checkDnsLabel, checkInteger, checkLabels, checkOneOf } from '../constructs/validate';
import { DEFAULT_ARGO_NAMESPACE, refuse } from '../policy';
import { dnsSubdomainProblem } from '../policy/grammar';
import { ApiServerSpec, IngressControllerSpec, PlatformSpec } from './app-spec';
import { describeReach, internetReach, isInternet, parseCidr } from '../policy/cidr';

/** An ingress controller of the platform, checked, with its defaults applied. */
export interface IngressController {
  readonly className: string;
  readonly controller: IngressControllerKind;
  readonly namespace: string;
  readonly podLabels?: Record<string, string>;
  /** Traefik's HTTPS entry point; undefined for ingress-nginx. */
  readonly entryPoint?: string;
}

/** {@link ApiServerSpec}, checked, with its defaults applied. */
export interface ApiServer {
  readonly cidrs: readonly string[];
  readonly ports: readonly number[];
  readonly audience: string;
}

/** The issuer, and so the default API audience, of kubeadm, kind and k3s clusters. */
export const DEFAULT_API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
/** The `kubernetes` Service's port and the API server's own (kubeadm): policy may be judged before or after the Service's DNAT. */
export const DEFAULT_API_PORTS: readonly number[] = [443, 6443];

/** The platform settings with their defaults applied: what compile checks every app against. */
export interface Platform {
  readonly argoNamespace: string;
  readonly project: string;
  readonly clusters: readonly ArgoCluster[];
  /** The API server's OIDC prefixes, checked. */
  readonly oidc: OidcPrefixes;
  /** The ingress controllers a service's `ingress.className` may name. */
  readonly ingressControllers: readonly IngressController[];
  /** The API server as a network peer, and its tokens' audience; undefined when the settings name none. */
  readonly apiServer?: ApiServer;
  /** ClusterSecretStores every app environment may read (`PlatformSpec.clusterSecretStores`), checked. */
  readonly clusterSecretStores: readonly string[];
  /** Where the platform folder is synced from, when the settings name a repo: compile then writes the bootstrap file. */
  readonly bootstrap?: { readonly repoURL: string; readonly targetRevision?: string; readonly path?: string };
  /** Why `namespace` is not an app's to claim, or `undefined` when it may be. */
  reservedNamespace(namespace: string): string | undefined;
  /** Why `project` is not an app's AppProject name, or `undefined` when it may be. */
  reservedProject(project: string): string | undefined;
}

/** Namespaces no app may claim whatever the settings say: the cluster's own. */
const ALWAYS_RESERVED = ['kube-*', 'default'];
const WHERE = 'platform';
/** The name of the platform's bootstrap file (`platform/<name>.k8s.yaml`), taken from the app names when it is written. */
export const BOOTSTRAP = 'bootstrap';

/** Checks `spec` and applies its defaults. */
export function resolvePlatform(spec: PlatformSpec = {}): Platform {
  const argoNamespace = checkDnsLabel(WHERE, 'argoNamespace', spec.argoNamespace ?? DEFAULT_ARGO_NAMESPACE);
  const project = checkDnsLabel(WHERE, 'project', spec.project ?? 'platform');
  const clusters = spec.clusters ?? [ARGO_IN_CLUSTER];
  if (!Array.isArray(clusters) || clusters.length === 0) {
    refuse(WHERE, 'clusters', clusters, 'must list at least one cluster', 'list the clusters registered in Argo CD, e.g. [{ name: "in-cluster", server: "https://kubernetes.default.svc" }]');
  }
  clusters.forEach((c, i) => {
    if (clusters.findIndex(o => o.name === c.name || o.server === c.server) !== i) {
      refuse(WHERE, `clusters[${i}]`, c, 'repeats the name or server of another cluster', 'list each registered cluster once');
    }
  });
  const ingressControllers = checkIngressControllers(spec.ingressControllers);
  // The controllers' namespaces are reserved: pods there are trusted callers of every exposed service.
  const controllerNamespaces = ingressControllers.map(c => c.namespace);
  const patterns = [...ALWAYS_RESERVED, argoNamespace, ...controllerNamespaces, ...(spec.reservedNamespaces ?? []).map((ns, i) => {
    const field = `reservedNamespaces[${i}]`;
    checkDnsLabel(WHERE, field, typeof ns === 'string' && ns.endsWith('*') ? `${ns.slice(0, -1)}x` : ns);
    return ns;
  })];
  // With a bootstrap, `platform/bootstrap.k8s.yaml` is the platform's: no app may be named so as to write that file.
  const projects = ['default', project, ...(spec.repoURL !== undefined ? [BOOTSTRAP] : []),
    ...(spec.reservedProjects ?? []).map((p, i) => checkDnsLabel(WHERE, `reservedProjects[${i}]`, p))];
  const oidc = checkOidcPrefixes(WHERE, 'oidc', spec.oidc);
  const apiServer = spec.apiServer === undefined ? undefined : checkApiServer(spec.apiServer);
  const clusterSecretStores = checkClusterSecretStores(spec.clusterSecretStores);
  return {
    clusterSecretStores,
    ...(spec.repoURL !== undefined ? { bootstrap: { repoURL: spec.repoURL, targetRevision: spec.targetRevision, path: spec.path } } : {}),
    argoNamespace,
    project,
    clusters,
    oidc,
    ingressControllers,
    apiServer,
    reservedNamespace: namespace => {
      const hit = patterns.find(p => (p.endsWith('*') ? namespace.startsWith(p.slice(0, -1)) : namespace === p));
      if (hit === undefined) return undefined;
      if (hit === argoNamespace) return 'is the namespace Argo CD runs in';
      if (controllerNamespaces.includes(hit)) return `is the namespace of the ingress controller ${ingressControllers.find(c => c.namespace === hit)!.className}`;
      return ALWAYS_RESERVED.includes(hit) ? `is a namespace of the cluster itself (${hit})` : `is reserved by the platform settings (${hit})`;
    },
    reservedProject: name => (projects.includes(name)
      ? (name === project ? 'is the platform team\'s own AppProject' : name === 'default' ? 'is Argo CD\'s default AppProject, which trusts every repo'
        : name === BOOTSTRAP && spec.repoURL !== undefined ? 'names the platform\'s bootstrap file, platform/bootstrap.k8s.yaml' : 'is reserved by the platform settings')
      : undefined),
  };
}

/** Store names: object names (DNS-1123 subdomains, no comma: the Namespace annotation lists them comma-separated), each once. */
function checkClusterSecretStores(stores: string[] | undefined): string[] {
  if (stores === undefined) return [];
  if (!Array.isArray(stores)) refuse(WHERE, 'clusterSecretStores', stores, 'must be a list of store names', 'e.g. clusterSecretStores: ["shared-vault"]');
  return stores.map((name, i) => {
    if (typeof name !== 'string' || dnsSubdomainProblem(name) !== undefined) {
      refuse(WHERE, `clusterSecretStores[${i}]`, name, 'must be the name of a ClusterSecretStore (a DNS-1123 subdomain)', 'write the store\'s metadata.name, e.g. "shared-vault"');
    }
    if (stores.indexOf(name) !== i) refuse(WHERE, `clusterSecretStores[${i}]`, name, 'is listed twice', 'list each store once');
    return name;
  });
}

function checkIngressControllers(controllers: IngressControllerSpec[] | undefined): IngressController[] {
  if (controllers === undefined) return [];
  if (!Array.isArray(controllers)) {
    refuse(WHERE, 'ingressControllers', controllers, 'must be a list', 'list the controllers, e.g. [{ className: "nginx", controller: "ingress-nginx", namespace: "ingress-nginx" }]');
  }
  return controllers.map((c, i) => {
    const field = `ingressControllers[${i}]`;
    if (typeof c?.className !== 'string' || dnsSubdomainProblem(c.className) !== undefined) {
      refuse(WHERE, `${field}.className`, c?.className, 'must be an IngressClass name (a DNS-1123 subdomain)', 'give the IngressClass name, e.g. "nginx"');
    }
    if (controllers.findIndex(o => o?.className === c.className) !== i) {
      refuse(WHERE, `${field}.className`, c.className, 'repeats the class of another controller', 'list each IngressClass once');
    }
    const controller = checkOneOf(WHERE, `${field}.controller`, c.controller, INGRESS_CONTROLLER_KINDS);
    const namespace = checkDnsLabel(WHERE, `${field}.namespace`, c.namespace);
    if (c.podLabels !== undefined && Object.keys(checkLabels(WHERE, `${field}.podLabels`, c.podLabels)).length === 0) {
      refuse(WHERE, `${field}.podLabels`, c.podLabels, 'must hold at least one label', 'leave it out to mean every pod of the namespace');
    }
    if (c.entryPoint !== undefined && controller !== 'traefik') {
      refuse(WHERE, `${field}.entryPoint`, c.entryPoint, `is Traefik's; ${controller} has no entry points`, 'leave entryPoint out');
    }
    const entryPoint = controller === 'traefik' ? checkEntryPoint(WHERE, `${field}.entryPoint`, c.entryPoint ?? 'websecure') : undefined;
    return { className: c.className, controller, namespace, podLabels: c.podLabels, entryPoint };
  });
}

function checkApiServer(spec: ApiServerSpec): ApiServer {
  const field = 'apiServer';
  if (spec === null || typeof spec !== 'object') refuse(WHERE, field, spec, 'must be { cidrs, ports?, audience? }', 'e.g. apiServer: { cidrs: ["10.96.0.1/32", "192.168.1.10/32"] }');
  const cidrs = spec.cidrs;
  if (!Array.isArray(cidrs) || cidrs.length === 0) {
    refuse(WHERE, `${field}.cidrs`, cidrs, 'must list the API server\'s addresses', 'list the kubernetes Service\'s ClusterIP and its endpoints, e.g. ["10.96.0.1/32", "192.168.1.10/32"]');
  }
  const ranges = cidrs.map((cidr, i) => {
    const parsed = parseCidr(cidr);
    if (typeof parsed === 'string') refuse(WHERE, `${field}.cidrs[${i}]`, cidr, `is not a CIDR: ${parsed}`, 'write it like "10.96.0.1/32"');
    if (cidrs.indexOf(cidr) !== i) refuse(WHERE, `${field}.cidrs[${i}]`, cidr, 'is listed twice', 'list each CIDR once');
    return parsed.range;
  });
  // Judged together, as the gate judges a policy's CIDRs: two halves are the whole internet too.
  const reach = internetReach(ranges);
  if (isInternet(reach)) {
    refuse(WHERE, `${field}.cidrs`, cidrs, `together reach ${describeReach(reach)}: the internet, which every service that reads the API would then reach on the API ports`,
      'list the API server\'s own addresses, e.g. "10.96.0.1/32" and each control-plane node\'s /32');
  }
  const ports = spec.ports ?? DEFAULT_API_PORTS;
  if (!Array.isArray(ports) || ports.length === 0) refuse(WHERE, `${field}.ports`, ports, 'must list at least one port', 'leave it out for [443, 6443]');
  ports.forEach((p, i) => {
    checkInteger(WHERE, `${field}.ports[${i}]`, p, 1, 65535);
    if (ports.indexOf(p) !== i) refuse(WHERE, `${field}.ports[${i}]`, p, 'is listed twice', 'list each port once');
  });
  const audience = spec.audience ?? DEFAULT_API_AUDIENCE;
  if (typeof audience !== 'string' || audience === '' || /[\s\p{C}]/u.test(audience)) {
    refuse(WHERE, `${field}.audience`, audience, 'must be a non-empty audience without spaces or control characters',
      'give the aud claim of a token from `kubectl create token default`, or leave it out for "https://kubernetes.default.svc.cluster.local"');
  }
  return { cidrs: [...cidrs], ports: [...ports], audience };
}
