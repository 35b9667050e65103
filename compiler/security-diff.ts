import { checkManifests, describeObject, Finding, Json, ManifestContext, parsePinnedImage } from '../policy';
import { buildReport, lines, md, ours, SecurityReport, table } from './report';

/**
 * The security diff of two sets of manifests (a pull request's base and head): what a reviewer
 * must look at, as data, and as Markdown for the pull request. Pure: the objects come from the
 * caller (folders, Git revisions), so every category can be tested on small object sets.
 */

/** The sections of the diff, in the order they are rendered. */
export const CATEGORIES = {
  departures: 'Exceptions and waivers',
  workloads: 'Workload hardening',
  podSecurity: 'Pod Security levels',
  permissions: 'Service account permissions',
  network: 'Network',
  images: 'Images',
  argocd: 'ArgoCD projects',
  findings: 'Gate findings',
  objects: 'Objects added or removed',
} as const;
export type Category = keyof typeof CATEGORIES;

export interface SecurityChange {
  readonly category: Category;
  /** What changed: an object (`Deployment shop-production/api`), a service account, a namespace, a project. */
  readonly subject: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** The attribute, e.g. `container api: runAsUser`, `exception pod-security.run-as-root`, `can`. */
  readonly what: string;
  readonly before?: string;
  readonly after?: string;
  /** The stated reason, for departures. */
  readonly reason?: string;
}

export interface SecurityDiff {
  readonly changes: SecurityChange[];
  /** Unwaived errors of the head, which the gate refuses. */
  readonly headFailures: number;
}

type Side = { objects: Json[]; report: SecurityReport; findings: Finding[] };

function side(objects: Json[], other: Json[]): Side {
  const gate = checkManifests(objects);
  return { objects, report: buildReport(objects, gate, { alsoAsk: other }), findings: gate.findings };
}

/** The security-relevant differences from `base` to `head`, in category order and then by subject. */
export function securityDiff(baseObjects: Json[], headObjects: Json[]): SecurityDiff {
  const base = side(baseObjects, headObjects);
  const head = side(headObjects, baseObjects);
  const changes: SecurityChange[] = [
    ...departureChanges(base, head),
    ...workloadChanges(base, head),
    ...namespaceChanges(base, head),
    ...permissionChanges(base, head),
    ...projectChanges(base, head),
    ...findingChanges(base, head),
    ...objectChanges(base, head),
  ];
  const order = Object.keys(CATEGORIES);
  const sorted = changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => order.indexOf(a.c.category) - order.indexOf(b.c.category) || compare(a.c.subject, b.c.subject) || a.i - b.i)
    .map(({ c }) => c);
  return { changes: sorted, headFailures: head.findings.filter(f => !f.waiver && f.severity === 'error').length };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Entries of two keyed maps: only in base, only in head, in both. */
function pair<T>(base: Map<string, T>, head: Map<string, T>): { removed: [string, T][]; added: [string, T][]; both: [string, T, T][] } {
  const removed = [...base].filter(([k]) => !head.has(k));
  const added = [...head].filter(([k]) => !base.has(k));
  const both = [...base].filter(([k]) => head.has(k)).map(([k, v]): [string, T, T] => [k, v, head.get(k)!]);
  return { removed, added, both };
}

function setChanges(category: Category, subject: string, what: string, before: string[], after: string[]): SecurityChange[] {
  const b = new Set(before);
  const a = new Set(after);
  return [
    ...[...b].filter(x => !a.has(x)).map((x): SecurityChange => ({ category, subject, change: 'removed', what, before: x })),
    ...[...a].filter(x => !b.has(x)).map((x): SecurityChange => ({ category, subject, change: 'added', what, after: x })),
  ];
}

function valueChange(category: Category, subject: string, what: string, before: string, after: string): SecurityChange[] {
  return before === after ? [] : [{ category, subject, change: 'changed', what, before, after }];
}

function departureChanges(base: Side, head: Side): SecurityChange[] {
  const byKey = (s: Side) => new Map(s.report.departures.map(d => [`${d.object}\u0000${d.annotation}`, d]));
  const { removed, added, both } = pair(byKey(base), byKey(head));
  const what = (d: { kind: string; annotation: string }) => `${d.kind} ${d.annotation.replace(/^guardrails\.cdk8s\.io\/(exception|waive)\./, '')}`;
  const problem = (d: { problem?: string }) => (d.problem ? ` (malformed: ${d.problem})` : '');
  return [
    ...removed.map(([, d]): SecurityChange => ({ category: 'departures', subject: d.object, change: 'removed', what: what(d), reason: d.reason })),
    ...added.map(([, d]): SecurityChange => ({ category: 'departures', subject: d.object, change: 'added', what: `${what(d)}${problem(d)}`, reason: d.reason })),
    ...both.filter(([, b, h]) => b.reason !== h.reason).map(([, b, h]): SecurityChange => ({
      category: 'departures', subject: h.object, change: 'changed', what: `${what(h)} reason`, before: b.reason, after: h.reason, reason: h.reason,
    })),
  ];
}

/** The hardening of one pod template, attribute by attribute, as strings to compare. */
function postureOf(pod: ManifestContext['pods'][number]): { attributes: Map<string, string>; capabilities: Map<string, string[]>; images: Map<string, string> } {
  const spec = pod.spec;
  const podContext: Json = spec.securityContext ?? {};
  const text = (v: unknown, unset: string) => (v === undefined || v === null ? unset : String(v));
  const attributes = new Map<string, string>([
    ['hostNetwork', text(spec.hostNetwork, 'false')],
    ['hostPID', text(spec.hostPID, 'false')],
    ['hostIPC', text(spec.hostIPC, 'false')],
    ['serviceAccountName', text(spec.serviceAccountName ?? spec.serviceAccount, 'default')],
    ['automountServiceAccountToken', text(spec.automountServiceAccountToken, 'true (unset)')],
    // A token asked for by projection (a service's kubernetesApi) shows as much as the legacy one.
    ['projected API token', projectedTokens(spec)],
  ]);
  const capabilities = new Map<string, string[]>();
  const images = new Map<string, string>();
  for (const { container, list } of pod.containers) {
    const c: Json = container.securityContext ?? {};
    const name = `${list === 'containers' ? 'container' : list.replace(/s$/, '')} ${container.name}`;
    attributes.set(`${name}: runAsUser`, text(c.runAsUser ?? podContext.runAsUser, 'image default'));
    attributes.set(`${name}: runAsNonRoot`, text(c.runAsNonRoot ?? podContext.runAsNonRoot, 'unset'));
    attributes.set(`${name}: privileged`, text(c.privileged, 'false'));
    attributes.set(`${name}: allowPrivilegeEscalation`, text(c.allowPrivilegeEscalation, 'unset'));
    attributes.set(`${name}: readOnlyRootFilesystem`, text(c.readOnlyRootFilesystem, 'false'));
    attributes.set(`${name}: seccompProfile`, text((c.seccompProfile ?? podContext.seccompProfile)?.type, 'unset'));
    attributes.set(`${name}: capabilities dropped`, (Array.isArray(c.capabilities?.drop) ? c.capabilities.drop.map(String) : []).sort().join(', ') || 'none');
    capabilities.set(name, Array.isArray(c.capabilities?.add) ? c.capabilities.add.map(String) : []);
    images.set(name, String(container.image));
  }
  return { attributes, capabilities, images };
}

/** The pod's projected service account tokens, as `audience <aud>, <n> s` each, or `none`. */
function projectedTokens(spec: Json): string {
  const tokens = (Array.isArray(spec.volumes) ? spec.volumes as Json[] : []).flatMap(v => (Array.isArray(v?.projected?.sources) ? v.projected.sources as Json[] : []))
    .filter(src => src?.serviceAccountToken !== undefined && src?.serviceAccountToken !== null)
    .map(src => `audience ${src.serviceAccountToken.audience ?? '(none)'}, ${src.serviceAccountToken.expirationSeconds ?? '(no expiry)'} s`);
  return tokens.join('; ') || 'none';
}

function postureSummary(pod: ManifestContext['pods'][number]): string {
  const p = postureOf(pod);
  return [...p.images].map(([name, image]) => {
    const caps = p.capabilities.get(name) ?? [];
    return `${name}: user ${p.attributes.get(`${name}: runAsUser`)}, read-only root ${p.attributes.get(`${name}: readOnlyRootFilesystem`)}, `
      + `added capabilities ${caps.join(', ') || 'none'}, image ${image}`;
  }).join('; ');
}

function imageText(image: string): string {
  const pinned = parsePinnedImage(image);
  return pinned ? image : `${image} (unpinned)`;
}

function workloadChanges(base: Side, head: Side): SecurityChange[] {
  const pods = (s: Side) => new Map(new ManifestContext(s.objects).pods.map(p => [describeObject(p.object), p]));
  const { added, both } = pair(pods(base), pods(head));
  const changes: SecurityChange[] = added.map(([subject, pod]) => ({
    category: 'workloads', subject, change: 'added', what: 'workload', after: postureSummary(pod),
  }));
  for (const [subject, b, h] of both) {
    const before = postureOf(b);
    const after = postureOf(h);
    for (const [what, value] of after.attributes) {
      if (before.attributes.has(what)) changes.push(...valueChange('workloads', subject, what, before.attributes.get(what)!, value));
    }
    for (const [name, caps] of after.capabilities) {
      changes.push(...setChanges('workloads', subject, `${name}: added capability`, before.capabilities.get(name) ?? [], caps));
    }
    for (const [name, image] of after.images) {
      const was = before.images.get(name);
      if (was === undefined) changes.push({ category: 'workloads', subject, change: 'added', what: name, after: postureSummary(h).split('; ').find(s => s.startsWith(`${name}:`)) });
      else if (was !== image) changes.push({ category: 'images', subject, change: 'changed', what: name, before: imageText(was), after: imageText(image) });
    }
    for (const name of before.images.keys()) {
      if (!after.images.has(name)) changes.push({ category: 'workloads', subject, change: 'removed', what: name, before: before.images.get(name) });
    }
  }
  // Removed workloads are listed with the removed objects.
  return changes;
}

function namespaceChanges(base: Side, head: Side): SecurityChange[] {
  const byName = (s: Side) => new Map(s.report.namespaces.map(n => [n.namespace, n]));
  const { removed, added, both } = pair(byName(base), byName(head));
  const level = (n: SecurityReport['namespaces'][number]) => `enforce ${n.podSecurity.enforce}, audit ${n.podSecurity.audit}, warn ${n.podSecurity.warn}`;
  const deny = (n: SecurityReport['namespaces'][number]) => [n.defaultDeny.ingress && 'ingress', n.defaultDeny.egress && 'egress'].filter(Boolean).join(' and ') || 'none';
  const allow = (a: SecurityReport['namespaces'][number]['allows'][number]) =>
    `${a.direction} ${a.policy}: pods ${a.pods} ${a.direction === 'ingress' ? 'from' : 'to'} ${a.peers.join('; ') || 'anywhere'} on ${a.ports.join(', ') || 'all ports'}`;
  const changes: SecurityChange[] = [];
  for (const [ns, n] of added) {
    changes.push({ category: 'podSecurity', subject: `Namespace ${ns}`, change: 'added', what: 'Pod Security', after: level(n) });
    changes.push({ category: 'network', subject: `Namespace ${ns}`, change: 'added', what: 'default deny', after: deny(n) });
    changes.push(...setChanges('network', `Namespace ${ns}`, 'allow', [], n.allows.map(allow)));
  }
  for (const [ns, n] of removed) {
    changes.push({ category: 'podSecurity', subject: `Namespace ${ns}`, change: 'removed', what: 'Pod Security', before: level(n) });
    changes.push(...setChanges('network', `Namespace ${ns}`, 'allow', n.allows.map(allow), []));
  }
  for (const [ns, b, h] of both) {
    for (const mode of ['enforce', 'audit', 'warn'] as const) {
      changes.push(...valueChange('podSecurity', `Namespace ${ns}`, mode, b.podSecurity[mode], h.podSecurity[mode]));
    }
    changes.push(...valueChange('network', `Namespace ${ns}`, 'default deny', deny(b), deny(h)));
    changes.push(...setChanges('network', `Namespace ${ns}`, 'allow', b.allows.map(allow), h.allows.map(allow)));
  }
  return changes;
}

/** `where: resource` to the verbs a service account is granted there. */
function grantsOf(entry: SecurityReport['serviceAccounts'][number] | undefined): Map<string, string[]> {
  const grants = new Map<string, string[]>();
  for (const { where, grants: list } of entry?.can ?? []) {
    for (const grant of list) {
      const at = grant.lastIndexOf(': ');
      grants.set(`${where}: ${grant.slice(0, at)}`, grant.slice(at + 2).split(', '));
    }
  }
  return grants;
}

/** Per service account, per place and resource, the verbs it can now and can no longer use. */
function permissionChanges(base: Side, head: Side): SecurityChange[] {
  const byName = (s: Side) => new Map(s.report.serviceAccounts.map(a => [a.serviceAccount, a]));
  const b = byName(base);
  const h = byName(head);
  return [...new Set([...b.keys(), ...h.keys()])].sort().flatMap(name => {
    const before = grantsOf(b.get(name));
    const after = grantsOf(h.get(name));
    return [...new Set([...before.keys(), ...after.keys()])].flatMap(key => {
      const was = before.get(key) ?? [];
      const is = after.get(key) ?? [];
      const gained = is.filter(v => !was.includes(v));
      const lost = was.filter(v => !is.includes(v));
      const subject = `ServiceAccount ${name}`;
      return [
        ...(gained.length ? [{ category: 'permissions', subject, change: 'added', what: 'can now', after: `${key} ${gained.join(', ')}` } as const] : []),
        ...(lost.length ? [{ category: 'permissions', subject, change: 'removed', what: 'can no longer', before: `${key} ${lost.join(', ')}` } as const] : []),
      ];
    });
  });
}

function projectChanges(base: Side, head: Side): SecurityChange[] {
  // A project without a whitelist syncs every namespaced kind: shown as the one entry "*".
  const byName = (s: Side) => new Map(s.report.appProjects.map(p => [p.project, { ...p, namespacedKinds: p.namespacedKinds ?? ['*'] }]));
  const { removed, added, both } = pair(byName(base), byName(head));
  const fields = [['sourceRepos', 'source repo'], ['destinations', 'destination'], ['syncAs', 'syncs as'], ['clusterResources', 'cluster-scoped kind'],
    ['namespacedKinds', 'namespaced kind']] as const;
  const empty = { sourceRepos: [], destinations: [], syncAs: [], clusterResources: [], namespacedKinds: [] };
  return [
    ...added.map(([name, p]) => [name, empty, p] as const),
    ...removed.map(([name, p]) => [name, p, empty] as const),
    ...both,
  ].flatMap(([name, b, h]) => fields.flatMap(([field, what]) => setChanges('argocd', `AppProject ${name}`, what, b[field], h[field])));
}

function findingChanges(base: Side, head: Side): SecurityChange[] {
  const key = (f: Finding) => `${f.rule}\u0000${f.object}\u0000${f.field}\u0000${f.message}`;
  const byKey = (s: Side) => new Map(s.findings.map(f => [key(f), f]));
  const text = (f: Finding) => `${f.waiver ? 'waived' : f.severity} ${f.rule} ${f.field}: ${f.message}`;
  const { removed, added, both } = pair(byKey(base), byKey(head));
  return [
    ...removed.map(([, f]): SecurityChange => ({ category: 'findings', subject: f.object, change: 'removed', what: 'finding', before: text(f) })),
    ...added.map(([, f]): SecurityChange => ({ category: 'findings', subject: f.object, change: 'added', what: 'finding', after: text(f), reason: f.waiver })),
    ...both.filter(([, b, h]) => text(b) !== text(h)).map(([, b, h]): SecurityChange => ({
      category: 'findings', subject: h.object, change: 'changed', what: 'finding', before: text(b), after: text(h), reason: h.waiver,
    })),
  ];
}

function objectChanges(base: Side, head: Side): SecurityChange[] {
  const names = (s: Side) => new Map(s.objects.map(o => [describeObject(o), o]));
  const { removed, added } = pair(names(base), names(head));
  return [
    ...removed.map(([subject]): SecurityChange => ({ category: 'objects', subject, change: 'removed', what: 'object' })),
    ...added.map(([subject]): SecurityChange => ({ category: 'objects', subject, change: 'added', what: 'object' })),
  ];
}

export interface RenderOptions {
  /** How the two sides are named in the heading, e.g. `origin/main` and `HEAD`. */
  readonly base?: string;
  readonly head?: string;
}

/** A workload's summary, one container a line; any other value as written. */
const value = (c: SecurityChange, v: string | undefined) => (v === undefined ? '' : c.category === 'workloads' && c.change !== 'changed' ? lines(v.split('; ')) : v);

export const NO_CHANGE = 'No security-relevant change.';

/** The diff as Markdown for a pull request: one table per category that changed; input is escaped as the report escapes it. */
export function renderSecurityDiff(diff: SecurityDiff, options: RenderOptions = {}): string {
  const out = [`## Security diff${options.base !== undefined ? ` ${md(options.base)} → ${md(options.head ?? 'working tree')}` : ''}`, ''];
  if (diff.headFailures) out.push(`**The head fails the gate with ${diff.headFailures} unwaived error(s).**`, '');
  if (diff.changes.length === 0) {
    out.push(NO_CHANGE, '');
    return out.join('\n');
  }
  const counts = (Object.keys(CATEGORIES) as Category[]).map(c => [c, diff.changes.filter(x => x.category === c).length] as const).filter(([, n]) => n > 0);
  out.push(counts.map(([c, n]) => `${CATEGORIES[c]}: ${n}`).join(', ') + '.', '');
  const mark = { added: '**added**', removed: '**removed**', changed: '**changed**' };
  for (const [category] of counts) {
    const rows = diff.changes.filter(c => c.category === category);
    out.push(`### ${CATEGORIES[category]}`, '');
    out.push(table(['object', 'change', 'what', 'before', 'after', 'reason'], rows.map(c => [
      c.subject, ours(mark[c.change]), c.what, value(c, c.before), value(c, c.after), c.reason ?? '',
    ])), '');
  }
  return out.join('\n');
}
