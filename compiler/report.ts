import {
  canI, deliveredSecret, describeObject, deniesAll, secretReferencesOf, parseServiceAccount, policyRule, rbacIndex, serviceAccountUser, KUBERNETES_API_EXCEPTION, EXCEPTION_PREFIX, DepartureEntry, Finding, GateResult, ManifestContext, namespaceOf, parsePinnedImage, WAIVER_PREFIX,
} from '../policy';
import { escapeHidden } from '../policy/printable';

type Json = Record<string, any>;

/** The security posture of a set of manifests, as data: what the report page renders. */
export interface SecurityReport {
  readonly summary: Record<string, number>;
  readonly workloads: WorkloadEntry[];
  readonly serviceAccounts: ServiceAccountEntry[];
  /** Every grant to a user or group that is not a service account (people, through OIDC): one per binding subject. */
  readonly people: PersonEntry[];
  readonly namespaces: NamespaceEntry[];
  readonly appProjects: AppProjectEntry[];
  /** Every Ingress: what it serves, with which certificate, to whom. */
  readonly ingresses: IngressEntry[];
  /** Every workload that reads the Kubernetes API on purpose (exception kubernetes-api), with what it reads where and why. */
  readonly kubernetesApi: KubernetesApiEntry[];
  /** Every Secret an ExternalSecret or SealedSecret delivers: who makes it, with which keys, and which workloads read it. */
  readonly secrets: SecretEntry[];
  /** Unwaived warnings and waived findings; unwaived errors never reach a written report. */
  readonly findings: Finding[];
  /** Every exception and waiver, with the rules it relaxes and how many findings it excuses. */
  readonly departures: DepartureEntry[];
}

export interface SecretEntry {
  readonly namespace: string;
  /** The Secret's name. */
  readonly name: string;
  /** `ExternalSecret from SecretStore/<store>` (every store it reads), or `SealedSecret`. */
  readonly deliveredBy: string;
  /** Its keys; `unknown (...)` when the maker's keys cannot be read (dataFrom, templates, legacy data). */
  readonly keys: string[];
  /** The workloads of its namespace that read it (env, envFrom, volumes), as `Kind name`. */
  readonly readBy: string[];
}

export interface WorkloadEntry {
  readonly workload: string;
  readonly namespace: string;
  readonly enforcedLevel: string;
  readonly runAsUser: string;
  readonly readOnlyRootFilesystem: boolean;
  readonly addedCapabilities: string[];
  readonly images: { container: string; repository: string; digest: string | null }[];
  readonly exceptions: { what: string; reason: string }[];
  readonly waivers: { rule: string; reason: string }[];
}

export interface ServiceAccountEntry {
  readonly serviceAccount: string;
  /** Where (namespace, or `cluster-wide`) it may do what: `resource: verbs`. */
  readonly can: { where: string; grants: string[] }[];
}

export interface PersonEntry {
  /** The binding's namespace, or `cluster-wide`. */
  readonly namespace: string;
  /** `User <name>` or `Group <name>`, as bound (OIDC prefix included). */
  readonly subject: string;
  /** The role bound, e.g. `Role team-viewer` or `ClusterRole view`. */
  readonly role: string;
  /** What the role grants: `resource.group: verbs`, as its rules (built-in and aggregated included) say. */
  readonly can: string[];
  /** The time box of an exec grant, as written on the role. */
  readonly exec?: { expires: string; reason: string };
}

export interface NamespaceEntry {
  readonly namespace: string;
  readonly podSecurity: { enforce: string; audit: string; warn: string };
  readonly defaultDeny: { ingress: boolean; egress: boolean };
  readonly allows: { policy: string; direction: string; pods: string; peers: string[]; ports: string[] }[];
}

export interface IngressEntry {
  /** `namespace/name`. */
  readonly ingress: string;
  /** `spec.ingressClassName`, or `none` (the cluster's default class). */
  readonly className: string;
  readonly hosts: string[];
  /** Per tls entry, its Secret and hosts; and the cert-manager issuer when an annotation names one. */
  readonly tls: string[];
  /** The annotations that redirect HTTP to HTTPS (or keep the route on HTTPS), as written; `controller default` when none. */
  readonly redirect: string;
  /** The client allow-list, or `every client`. */
  readonly sourceRanges: string[];
  /** `host/path -> service:port` for every path, and the default backend. */
  readonly backends: string[];
}

export interface KubernetesApiEntry {
  readonly namespace: string;
  /** The workload whose pods hold the token, e.g. `Deployment agent`. */
  readonly service: string;
  readonly serviceAccount: string;
  /** `namespace` (a Role), `cluster` (a ClusterRole bound cluster-wide), or `none` (a token and no read grant). */
  readonly scope: 'namespace' | 'cluster' | 'none';
  /** The role that grants it, e.g. `ClusterRole kubernetes-api:ops:agent`. */
  readonly role: string;
  /** As a service's kubernetesApi spells them: `pods`, `apps/deployments`, `pods/log`. */
  readonly resources: string[];
  readonly verbs: string[];
  /** The pod's reason (and the role's, when it says something else). */
  readonly reason: string;
}

export interface AppProjectEntry {
  readonly project: string;
  readonly sourceRepos: string[];
  readonly destinations: string[];
  readonly syncAs: string[];
  readonly clusterResources: string[];
  /** The namespaced kinds it may sync (`Kind.group`), or `undefined` when it has no whitelist: every kind. */
  readonly namespacedKinds?: string[];
}

/** Verbs the report asks `canI` about, the dangerous ones included so that they show when granted. */
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate'];
/** Resources always asked about, granted or not, so that a broad grant shows through them. */
const SENSITIVE: [string, string][] = [
  ['', 'secrets'], ['', 'pods/exec'], ['', 'pods/attach'], ['', 'pods/portforward'], ['', 'serviceaccounts/token'], ['', 'namespaces'], ['', 'nodes/proxy'],
  ['rbac.authorization.k8s.io', 'clusterroles'],
];

const labelsText = (labels: Json | undefined) => Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || 'all pods';

export interface ReportOptions {
  /**
   * More objects whose roles name resources to ask `canI` about (the report of one side of a diff
   * asks about the other side's too, so that a wildcard grant reads the same on both sides).
   * @default - none
   */
  readonly alsoAsk?: Json[];
}

/**
 * A namespace's row says nothing the cluster-wide row does not when every grant in it is also
 * granted cluster-wide (a ClusterRoleBinding repeats in every namespace): such rows are dropped,
 * so a cluster reader is one row, and a namespace where it can do more still shows all it can.
 */
function withoutClusterWide(can: ServiceAccountEntry['can']): ServiceAccountEntry['can'] {
  const cluster = new Set(can.find(c => c.where === 'cluster-wide')?.grants ?? []);
  return cluster.size === 0 ? can : can.filter(c => c.where === 'cluster-wide' || c.grants.some(g => !cluster.has(g)));
}

export function buildReport(objects: Json[], gate: GateResult, options: ReportOptions = {}): SecurityReport {
  const ctx = new ManifestContext(objects);
  const departuresOn = new Map<string, DepartureEntry[]>();
  for (const d of gate.departures) departuresOn.set(d.object, [...(departuresOn.get(d.object) ?? []), d]);
  const workloads = ctx.pods.map((pod): WorkloadEntry => {
    const departures = departuresOn.get(describeObject(pod.object)) ?? [];
    const containers: Json[] = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
    const user = pod.spec.securityContext?.runAsUser;
    return {
      workload: `${pod.object.kind} ${pod.object.metadata?.name}`,
      namespace: pod.namespace,
      enforcedLevel: ctx.levelOf(pod.namespace),
      runAsUser: user === undefined ? 'image default' : String(user),
      readOnlyRootFilesystem: containers.every(c => c.securityContext?.readOnlyRootFilesystem === true),
      addedCapabilities: [...new Set(containers.flatMap(c => c.securityContext?.capabilities?.add ?? []))].sort() as string[],
      images: containers.map(c => ({ container: c.name, repository: c.image?.split('@')[0], digest: parsePinnedImage(String(c.image))?.digest ?? null })),
      exceptions: departures.filter(d => d.kind === 'exception').map(d => ({ what: d.annotation.slice(EXCEPTION_PREFIX.length), reason: d.reason })),
      waivers: departures.filter(d => d.kind === 'waiver').map(d => ({ rule: d.annotation.slice(WAIVER_PREFIX.length), reason: d.reason })),
    };
  });

  // Ask about every resource a rule names: the set's roles, and the built-in and aggregated roles its bindings use.
  const rulesOf = (c: ManifestContext) => {
    const rbac = rbacIndex(c.rbac);
    return [
      ...c.ofKind('Role', 'ClusterRole').flatMap(role => (Array.isArray(role.rules) ? role.rules as unknown[] : []).map(policyRule)),
      ...rbac.bindings.flatMap(b => b.role ? rbac.effectiveRules(b.role).map(g => g.rule) : []),
    ];
  };
  const rules = [...rulesOf(ctx), ...(options.alsoAsk ? rulesOf(new ManifestContext(options.alsoAsk)) : [])];
  const granted = new Map<string, [string, string]>();
  for (const rule of rules) {
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources) granted.set(`${group}/${resource}`, [group, resource]);
    }
  }
  for (const [group, resource] of SENSITIVE) granted.set(`${group}/${resource}`, [group, resource]);
  const resources = [...granted.values()].sort((a, b) => `${a[1]}.${a[0]}`.localeCompare(`${b[1]}.${b[0]}`));
  // An account no binding names gets its rights through its groups only (system:serviceaccounts,
  // system:serviceaccounts:<namespace>, system:authenticated), the same as every other such account
  // of its namespace: asked once per namespace. Named by name alone is enough to be asked on its own.
  const named = new Set(ctx.subjects().map(({ subject: s }) => String(s?.name)));
  const byGroups = new Map<string, ServiceAccountEntry['can']>();
  const canOf = (subject: string) => {
    const sa = parseServiceAccount(subject);
    if (!sa || named.has(sa.name) || named.has(subject)) return canDo(subject);
    let can = byGroups.get(sa.namespace);
    if (!can) byGroups.set(sa.namespace, can = canDo(subject));
    return can.map(c => ({ where: c.where, grants: [...c.grants] }));
  };
  const canDo = (subject: string): ServiceAccountEntry['can'] => withoutClusterWide([undefined, ...ctx.namespaces()].map(ns => ({
    where: ns ?? 'cluster-wide',
    grants: resources.map(([group, resource]) => {
      // A verb granted only by rules limited to resourceNames shows as such.
      const verbs = VERBS.filter(verb => canI(ctx.rbac, subject, verb, group, resource, ns))
        .map(verb => canI(ctx.rbac, subject, verb, group, resource, ns, { name: '' }) ? verb : `${verb} (named objects only)`);
      return verbs.length ? `${group ? `${resource}.${group}` : resource}: ${verbs.join(', ')}` : '';
    }).filter(Boolean),
  })).filter(c => c.grants.length > 0));
  const serviceAccounts = ctx.serviceAccounts().map((subject): ServiceAccountEntry => ({
    serviceAccount: subject.replace('system:serviceaccount:', ''),
    can: canOf(subject),
  }));

  const people = peopleOf(ctx);

  const policies = ctx.ofKind('NetworkPolicy');
  const namespaceNames = [...new Set([...ctx.ofKind('Namespace').map(n => n.metadata?.name), ...ctx.workloadNamespaces()])].sort();
  const policiesIn = new Map<string, Json[]>();
  for (const p of policies) {
    const list = policiesIn.get(namespaceOf(p));
    if (list) list.push(p);
    else policiesIn.set(namespaceOf(p), [p]);
  }
  const namespaces = namespaceNames.map((ns): NamespaceEntry => {
    const labels: Json = ctx.ofKind('Namespace').find(n => n.metadata?.name === ns)?.metadata?.labels ?? {};
    const own = policiesIn.get(ns) ?? [];
    return {
      namespace: ns,
      podSecurity: {
        enforce: labels['pod-security.kubernetes.io/enforce'] ?? 'none',
        audit: labels['pod-security.kubernetes.io/audit'] ?? 'none',
        warn: labels['pod-security.kubernetes.io/warn'] ?? 'none',
      },
      defaultDeny: { ingress: own.some(p => deniesAll(p, 'Ingress')), egress: own.some(p => deniesAll(p, 'Egress')) },
      allows: own.flatMap(p => (['ingress', 'egress'] as const).flatMap(direction => ((p.spec?.[direction] ?? []) as Json[]).map(rule => ({
        policy: p.metadata?.name,
        direction,
        pods: labelsText(p.spec?.podSelector?.matchLabels),
        peers: ((rule[direction === 'ingress' ? 'from' : 'to'] ?? []) as Json[]).map(peerText),
        ports: ((rule.ports ?? []) as Json[]).map(port => `${port.port ?? 'all'}/${port.protocol ?? 'TCP'}`),
      })))),
    };
  });

  const appProjects = ctx.ofKind('AppProject').map((p): AppProjectEntry => ({
    project: p.metadata?.name,
    sourceRepos: p.spec?.sourceRepos ?? [],
    destinations: ((p.spec?.destinations ?? []) as Json[]).map(d => `${d.server ?? d.name} ${d.namespace}`),
    syncAs: ((p.spec?.destinationServiceAccounts ?? []) as Json[]).map(d => `${d.namespace}: ${d.defaultServiceAccount}`),
    clusterResources: ((p.spec?.clusterResourceWhitelist ?? []) as Json[]).map(k => `${k.kind}.${k.group}`),
    ...(Array.isArray(p.spec?.namespaceResourceWhitelist) ? { namespacedKinds: (p.spec.namespaceResourceWhitelist as Json[]).map(k => `${k.kind}.${k.group ?? ''}`) } : {}),
  }));

  const ingresses = ctx.ofKind('Ingress').map(ingressEntry);
  const kubernetesApi = kubernetesApiEntries(ctx);
  const secrets = secretEntries(ctx);

  const findings = [...gate.warnings, ...gate.waived];
  return {
    summary: {
      objects: objects.length,
      workloads: workloads.length,
      namespaces: namespaces.length,
      serviceAccounts: serviceAccounts.length,
      people: people.length,
      appProjects: appProjects.length,
      exceptions: workloads.reduce((n, w) => n + w.exceptions.length, 0),
      waivers: gate.waived.length,
      departures: gate.departures.length,
      warnings: gate.warnings.length,
    },
    workloads, serviceAccounts, people, namespaces, appProjects, ingresses, kubernetesApi, secrets, findings, departures: gate.departures,
  };
}

/** Delivered Secrets, sorted by namespace and name, with the pods of their namespace that read each. */
function secretEntries(ctx: ManifestContext): SecretEntry[] {
  const readers = new Map<string, Set<string>>();
  for (const pod of ctx.pods) {
    for (const ref of secretReferencesOf(pod)) {
      const key = `${pod.namespace}/${ref.name}`;
      readers.set(key, (readers.get(key) ?? new Set()).add(`${pod.object.kind} ${pod.object.metadata?.name}`));
    }
  }
  return [...ctx.ofKind('ExternalSecret'), ...ctx.ofKind('SealedSecret')].map(deliveredSecret).filter(d => d !== undefined)
    .map((d): SecretEntry => ({
      namespace: d.namespace,
      name: d.name,
      deliveredBy: d.via === 'ExternalSecret' ? `ExternalSecret from ${d.stores.join(', ') || 'no store'}` : 'SealedSecret',
      keys: d.keys ?? [`unknown (${d.via === 'ExternalSecret' ? 'dataFrom or a template' : 'legacy data'})`],
      readBy: [...readers.get(`${d.namespace}/${d.name}`) ?? []].sort(),
    }))
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

const API_EXCEPTION = `${EXCEPTION_PREFIX}${KUBERNETES_API_EXCEPTION}`;

/**
 * One row per workload that carries the kubernetes-api exception and per read grant its service
 * account has through a role carrying the same exception (a row with scope `none` when it has none).
 */
function kubernetesApiEntries(ctx: ManifestContext): KubernetesApiEntry[] {
  const index = rbacIndex(ctx.rbac);
  return ctx.pods.flatMap(pod => {
    const reason = pod.metadata.annotations?.[API_EXCEPTION] ?? pod.object.metadata?.annotations?.[API_EXCEPTION];
    if (reason === undefined) return [];
    const account = typeof pod.spec.serviceAccountName === 'string' ? pod.spec.serviceAccountName : 'default';
    const principal = `user:${serviceAccountUser(pod.namespace, account)}`;
    const base = { namespace: pod.namespace, service: `${pod.object.kind} ${pod.object.metadata?.name}`, serviceAccount: account, reason: String(reason) };
    const grants = index.bindings.filter(b => b.role && b.subjects.some(s => s.principal === principal)
      && (b.kind === 'ClusterRoleBinding' || b.namespace === pod.namespace)
      && b.role.objects.some(o => o.metadata?.annotations?.[API_EXCEPTION] !== undefined));
    if (grants.length === 0) return [{ ...base, scope: 'none' as const, role: 'none', resources: [], verbs: [] }];
    return grants.map((b): KubernetesApiEntry => {
      const role = b.role!;
      const rules = index.effectiveRules(role).map(g => g.rule);
      const verbs = [...new Set(rules.flatMap(r => r.verbs))];
      const roleReason = role.objects.map(o => o.metadata?.annotations?.[API_EXCEPTION]).find(r => r !== undefined);
      return {
        ...base,
        scope: b.kind === 'ClusterRoleBinding' ? 'cluster' : 'namespace',
        role: `${role.kind} ${role.kind === 'Role' ? `${role.namespace}/` : ''}${role.name}`,
        // A subresource read with fewer verbs than the rest (pods/log: get) says so.
        resources: [...new Set(rules.flatMap(r => r.apiGroups.flatMap(g => r.resources.map(res => `${g ? `${g}/` : ''}${res}`
          + (r.verbs.length < verbs.length ? ` (${r.verbs.join(', ')})` : '')))))],
        verbs,
        reason: roleReason !== undefined && String(roleReason).trim() !== base.reason.trim() ? `${base.reason} (role: ${roleReason})` : base.reason,
      };
    });
  });
}

const NGINX = 'nginx.ingress.kubernetes.io/';
const TRAEFIK = 'traefik.ingress.kubernetes.io/';
const list = (v: unknown): Json[] => (Array.isArray(v) ? v : []);

/** An Ingress as the report lists it; fields as written (the gate judges them), shown as strings. */
function ingressEntry(ingress: Json): IngressEntry {
  const annotations: Json = ingress.metadata?.annotations !== null && typeof ingress.metadata?.annotations === 'object' ? ingress.metadata.annotations : {};
  const spec: Json = ingress.spec ?? {};
  const rules = list(spec.rules);
  const issuer = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'].filter(k => annotations[k] !== undefined)
    .map(k => `issued by ${k === 'cert-manager.io/issuer' ? 'Issuer' : 'ClusterIssuer'} ${String(annotations[k])}`);
  const redirect = [`${NGINX}ssl-redirect`, `${NGINX}force-ssl-redirect`, `${TRAEFIK}router.entrypoints`, `${TRAEFIK}router.tls`]
    .filter(k => annotations[k] !== undefined).map(k => `${k.split('/')[1]}: ${String(annotations[k])}`);
  const ranges = annotations[`${NGINX}allowlist-source-range`] ?? annotations[`${NGINX}whitelist-source-range`];
  const backend = (b: Json | undefined) => (b?.service ? `${b.service.name}:${b.service.port?.name ?? b.service.port?.number}` : b?.resource ? `${b.resource.kind} ${b.resource.name}` : 'nothing');
  return {
    ingress: `${namespaceOf(ingress)}/${ingress.metadata?.name}`,
    className: spec.ingressClassName === undefined ? 'none' : String(spec.ingressClassName),
    hosts: rules.map(r => (r?.host === undefined || r?.host === '' ? '(every host)' : String(r.host))),
    tls: [...list(spec.tls).map(t => `${t?.secretName === undefined ? 'no Secret' : `Secret ${t.secretName}`} for ${list(t?.hosts).join(', ') || 'no host'}`), ...issuer],
    redirect: redirect.join(', ') || 'controller default',
    sourceRanges: ranges === undefined ? ['every client'] : String(ranges).split(','),
    backends: [
      ...rules.flatMap(r => list(r?.http?.paths).map(p => `${r?.host || '*'}${p?.path ?? ''} -> ${backend(p?.backend)}`)),
      ...(spec.defaultBackend ? [`default -> ${backend(spec.defaultBackend)}`] : []),
    ],
  };
}

/**
 * Every User and Group subject that is not a service account identity, with what its binding's
 * role grants (read from the role's rules, built-in and aggregated ones included, rather than
 * asked verb by verb: a person's rights are exactly the role's) and the expiry of an exec grant.
 */
function peopleOf(ctx: ManifestContext): PersonEntry[] {
  const idx = rbacIndex(ctx.rbac);
  const entries = idx.bindings.flatMap(b => b.subjects.flatMap((s): PersonEntry[] => {
    const { kind, name } = s.subject;
    if ((kind !== 'User' && kind !== 'Group') || typeof name !== 'string' || !s.principal) return [];
    if (kind === 'User' ? parseServiceAccount(name) : name === 'system:serviceaccounts' || name.startsWith('system:serviceaccounts:')) return [];
    const ref = b.object.roleRef ?? {};
    const verbs = new Map<string, Set<string>>();
    const add = (what: string, vs: readonly string[]) => {
      let set = verbs.get(what);
      if (!set) verbs.set(what, set = new Set());
      vs.forEach(v => set!.add(v));
    };
    for (const { rule } of b.role ? idx.effectiveRules(b.role) : []) {
      const named = rule.resourceNames.length ? ' (named objects only)' : '';
      for (const url of rule.nonResourceURLs) add(url, rule.verbs);
      for (const group of rule.apiGroups) for (const resource of rule.resources) add(`${group ? `${resource}.${group}` : resource}${named}`, rule.verbs);
    }
    const annotations: Json = Object.assign({}, ...(b.role?.objects ?? []).map(o => o.metadata?.annotations ?? {}));
    const expires = annotations['guardrails.cdk8s.io/expires'];
    const reason = annotations[`${EXCEPTION_PREFIX}pods-exec`];
    return [{
      namespace: b.namespace ?? 'cluster-wide',
      subject: `${kind} ${name}`,
      role: `${String(ref.kind)} ${String(ref.name)}`,
      can: b.role ? [...verbs.entries()].sort(([a], [z]) => a.localeCompare(z)).map(([what, vs]) => `${what}: ${[...vs].sort().join(', ')}`)
        : ['cannot be judged: the role it names is neither in the set nor built in'],
      ...(expires !== undefined || reason !== undefined ? { exec: { expires: String(expires ?? 'none'), reason: String(reason ?? 'none') } } : {}),
    }];
  }));
  const key = (p: PersonEntry) => `${p.namespace}\u0000${p.subject}\u0000${p.role}`;
  return entries.sort((a, b) => key(a).localeCompare(key(b)));
}

function peerText(peer: Json): string {
  if (peer.ipBlock) return `${peer.ipBlock.cidr}${(peer.ipBlock.except ?? []).length ? ` except ${peer.ipBlock.except.join(', ')}` : ''}`;
  const ns = peer.namespaceSelector ? `namespace ${labelsText(peer.namespaceSelector.matchLabels).replace('kubernetes.io/metadata.name=', '')}` : 'this namespace';
  return peer.podSelector ? `${ns}, pods ${labelsText(peer.podSelector.matchLabels)}` : ns;
}

/**
 * Input (a name, a reason, an image, a rule message) as Markdown that shows it as written and
 * changes nothing around it: no cell or row break, link, emphasis, code span, HTML or heading, and
 * line breaks, bidi and invisible characters shown as `\u{...}`.
 */
export const md = (s: unknown) => {
  const text = String(s);
  // Most cells (names, namespaces, counts) hold nothing any of the replacements below would touch.
  if (INERT.test(text)) return text;
  return escapeHidden(text
    .replace(/[\\`*_[\]|~]/g, '\\$&').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/^#/, '\\#'), true);
};
/** Visible ASCII that Markdown and {@link escapeHidden} leave as it is, anywhere in a cell. */
const INERT = /^[A-Za-z0-9 .,:/=()@+%-]*$/;

/** Markdown we wrote, around input already passed through {@link md}. */
export class Markdown {
  constructor(readonly text: string) {}
}
export const ours = (text: string) => new Markdown(text);
/** Items of input, one per line of a cell. */
export const lines = (items: unknown[]) => ours(items.map(md).join('<br>'));
const cell = (c: string | Markdown) => (c instanceof Markdown ? c.text : md(c));
export const table = (head: string[], rows: (string | Markdown)[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map(r => `| ${r.map(cell).join(' | ')} |`)].join('\n');
/** A table, or `None.` when there is nothing to list. */
const tableOrNone = (head: string[], rows: (string | Markdown)[][]) => (rows.length ? table(head, rows) : 'None.');

/** The report as a Markdown page that renders in a pull request. */
export function renderMarkdown(report: SecurityReport): string {
  const s = report.summary;
  const out = [
    '# Security report',
    '',
    'Generated by `npm run synth` from `apps/`; do not edit. Review its diff with the manifests: it shows each security change at a glance.',
    '',
    `${s.objects} objects: ${s.workloads} workloads in ${s.namespaces} namespaces, ${s.serviceAccounts} service accounts, ${s.appProjects} ArgoCD projects. `
      + `${s.departures} departures (${s.exceptions} exceptions on workloads), ${s.waivers} waived findings, ${s.warnings} warnings.`,
    '',
    '## Workloads',
    '',
    table(['workload', 'namespace', 'enforced', 'user', 'read-only root', 'added capabilities', 'images'],
      report.workloads.map(w => [w.workload, w.namespace, w.enforcedLevel, w.runAsUser, w.readOnlyRootFilesystem ? 'yes' : ours('**no**'),
        w.addedCapabilities.join(', ') || 'none', ours(w.images.map(i => `${md(i.repository)} ${i.digest === null ? '**unpinned**' : md(i.digest)}`).join('<br>'))])),
    '',
    '### Exceptions and waivers',
    '',
    tableOrNone(['workload', 'namespace', 'what', 'reason'], report.workloads.flatMap(w => [
        ...w.exceptions.map(e => [w.workload, w.namespace, `exception ${e.what}`, e.reason]),
        ...w.waivers.map(e => [w.workload, w.namespace, `waiver ${e.rule}`, e.reason]),
      ])),
    '',
    '## Service accounts',
    '',
    'What each service account can do where, as `canI` answers it from the RBAC objects above (accounts with no rights are listed with none).',
    '',
    table(['service account', 'where', 'can'], report.serviceAccounts.flatMap(a =>
      a.can.length ? a.can.map(c => [a.serviceAccount, c.where, lines(c.grants)]) : [[a.serviceAccount, '-', 'nothing']])),
    '',
    '## Kubernetes API access',
    '',
    'Workloads that read the Kubernetes API on purpose: a projected token bound to an audience and an hour, and a read-only role (exception kubernetes-api).',
    '',
    tableOrNone(['namespace', 'service', 'service account', 'scope', 'resources', 'verbs', 'reason'], report.kubernetesApi.map(k =>
        [k.namespace, k.service, k.serviceAccount, k.scope === 'cluster' ? ours('**cluster**') : k.scope, lines(k.resources), k.verbs.join(', '), k.reason])),
    '',
    '## People',
    '',
    'Every grant to a user or group (people, as the cluster\'s OIDC login names them): where, through which role, what that role allows, and until when an exec grant runs. The cluster does not expire a grant: the gate fails once its date has passed.',
    '',
    tableOrNone(['namespace', 'subject', 'role', 'can', 'exec'], report.people.map(p =>
        [p.namespace, p.subject, p.role, lines(p.can), p.exec ? `until ${p.exec.expires}: ${p.exec.reason}` : ''])),
    '',
    '## Namespaces',
    '',
    table(['namespace', 'enforce / audit / warn', 'default deny'], report.namespaces.map(n => [n.namespace,
      `${n.podSecurity.enforce} / ${n.podSecurity.audit} / ${n.podSecurity.warn}`,
      n.defaultDeny.ingress && n.defaultDeny.egress ? 'ingress and egress' : ours(`**${[n.defaultDeny.ingress && 'ingress', n.defaultDeny.egress && 'egress'].filter(Boolean).join(' and ') || 'none'}**`)])),
    '',
    '### Allowed traffic',
    '',
    table(['namespace', 'policy', 'direction', 'pods', 'peers', 'ports'], report.namespaces.flatMap(n => n.allows.map(a =>
      [n.namespace, a.policy, a.direction, a.pods, lines(a.peers), a.ports.join(', ')]))),
    '',
    '## Ingress',
    '',
    'Every Ingress: the hosts it serves, the certificate of each, how plain HTTP is kept off, who may connect and where it routes.',
    '',
    tableOrNone(['ingress', 'class', 'hosts', 'TLS', 'redirect', 'source ranges', 'backends'], report.ingresses.map(i =>
        [i.ingress, i.className, lines(i.hosts), i.tls.length ? lines(i.tls) : ours('**none**'), i.redirect, lines(i.sourceRanges), lines(i.backends)])),
    '',
    '## Secrets',
    '',
    'Every Secret delivered from a secret manager (an ExternalSecret reading a store, or a SealedSecret decrypted in the cluster): its keys, never its values, and the workloads that read it.',
    '',
    tableOrNone(['namespace', 'secret', 'delivered by', 'keys', 'read by'], report.secrets.map(s =>
        [s.namespace, s.name, s.deliveredBy, s.keys.join(', '), s.readBy.length ? lines(s.readBy) : 'no workload'])),
    '',
    '## ArgoCD projects',
    '',
    table(['project', 'source repos', 'destinations', 'syncs as', 'cluster-scoped kinds', 'namespaced kinds'], report.appProjects.map(p =>
      [p.project, lines(p.sourceRepos), lines(p.destinations), p.syncAs.length ? lines(p.syncAs) : ours('**ArgoCD controller**'), p.clusterResources.join(', ') || 'none',
        p.namespacedKinds === undefined ? ours('**every kind**') : p.namespacedKinds.join(', ') || 'none'])),
    '',
    '## Departures',
    '',
    'Every exception (written by a construct) and waiver (written by hand), the rules it relaxes, and how many findings it excuses.',
    '',
    tableOrNone(['object', 'kind', 'annotation', 'relaxes', 'reason', 'excuses'], report.departures.map(d =>
        [d.object, d.kind, d.annotation, d.rules.join(', '), d.reason, String(d.excuses)])),
    '',
    '## Warnings and waived findings',
    '',
    tableOrNone(['rule', 'object', 'field', 'finding', 'waiver'], report.findings.map(f => [f.rule, f.object, f.field, f.message, f.waiver ?? ''])),
    '',
  ];
  return out.join('\n');
}
