import {
  chartVersionProblem, compileGlob, DEFAULT_ARGO_NAMESPACE, destinationCluster, globMatch, IN_CLUSTER, isDestinationPermitted, isGlob, isSourcePermitted, Judgement,
  PLATFORM_NAMESPACES, projectSourceProblem,
} from '../argo';
import { WAIVER_PREFIX } from '../annotations';
import { Json, ManifestContext, namespaceOf } from '../model';
import { Rule, RuleViolation } from '../rule';
import { FENCE_KINDS } from '../tenant-kinds';

/**
 * Argo CD: projects trust explicit repos and destinations and keep tenants out of the platform's
 * namespaces; Applications, and the Applications an ApplicationSet stamps out, stay within their
 * project as Argo CD itself matches it (policy/argo.ts). What the manifests do not say (a
 * project outside the set, a templated field, a URL Go would re-escape) is a finding.
 */

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const own = (o: unknown, k: string): unknown => (isObject(o) && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
const at = (o: unknown, path: string): unknown => path.split('.').reduce(own, o);
const templated = (v: unknown): boolean => typeof v === 'string' && v.includes('{{');
const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v) ?? 'nothing');

/** The namespaces Argo CD runs in: `argocd`, and wherever the set's AppProjects live. */
function argoNamespaces(ctx: ManifestContext): string[] {
  return ctx.once('argocd:namespaces', () =>
    [...new Set([DEFAULT_ARGO_NAMESPACE, ...ctx.ofKind('AppProject').map(namespaceOf)])].sort());
}

/** The namespaces holding at least one AppProject. */
function projectNamespaces(ctx: ManifestContext): string[] {
  return ctx.once('argocd:projectNamespaces', () => [...new Set(ctx.ofKind('AppProject').map(namespaceOf))].sort());
}

/**
 * Where Argo CD looks up the project of an Application living in `namespace`: that namespace
 * when it holds AppProjects (it is an Argo CD namespace); else, Applications in any namespace
 * use the projects of the control plane: the set's one project namespace, or `argocd`.
 */
function projectNamespaceFor(ctx: ManifestContext, namespace: string): string {
  if (ctx.inNamespace('AppProject', namespace).length > 0) return namespace;
  const defined = projectNamespaces(ctx);
  return defined.length === 1 ? defined[0] : DEFAULT_ARGO_NAMESPACE;
}

/** A value read from an Application, with the path a finding names. */
interface Field {
  readonly value: unknown;
  readonly path: string;
}

/**
 * An Application as Argo CD will see it: an Application itself, or what an ApplicationSet's
 * template makes (merged, like mergo, with a generator's own `template`, whose non-empty fields win).
 */
interface AppView {
  readonly object: Json;
  /** The namespace the Application lives in. */
  readonly namespace: string;
  /** From an ApplicationSet: `{{...}}` fields are filled per generated Application. */
  readonly fromTemplate: boolean;
  field(path: string): Field;
}

const isZero = (v: unknown) => v === undefined || v === null || v === '' || v === false || v === 0
  || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);

function applicationView(app: Json): AppView {
  return { object: app, namespace: namespaceOf(app), fromTemplate: false, field: path => ({ value: at(app, path), path }) };
}

function templateView(set: Json, base: unknown, basePath: string, override?: unknown, overridePath?: string): AppView {
  return {
    object: set, namespace: namespaceOf(set), fromTemplate: true,
    field: path => {
      const o = override === undefined ? undefined : at(override, path);
      return !isZero(o) ? { value: o, path: `${overridePath}.${path}` } : { value: at(base, path), path: `${basePath}.${path}` };
    },
  };
}

/** Every generator's own `template` (matrix and merge children included), with its path. */
function generatorTemplates(generators: unknown, path: string): { template: Json; path: string }[] {
  if (!Array.isArray(generators)) return [];
  return generators.flatMap((g, i) => (isObject(g) ? Object.keys(g) : []).flatMap(kind => {
    const gen = own(g, kind);
    const here = `${path}[${i}].${kind}`;
    const template = own(gen, 'template');
    return [
      ...(isObject(template) ? [{ template, path: `${here}.template` }] : []),
      ...generatorTemplates(own(gen, 'generators'), `${here}.generators`),
    ];
  }));
}

/** The Applications an ApplicationSet makes: its template, and its template under each generator's own. */
function setViews(set: Json): AppView[] {
  const base = at(set, 'spec.template');
  if (!isObject(base)) return [];
  return [
    templateView(set, base, 'spec.template'),
    ...generatorTemplates(at(set, 'spec.generators'), 'spec.generators')
      .map(({ template, path }) => templateView(set, base, 'spec.template', template, path)),
  ];
}

/** Every Application the set holds or an ApplicationSet would make, once per model. */
function appViews(ctx: ManifestContext): AppView[] {
  return ctx.once('argocd:views', () => [...ctx.ofKind('Application').map(applicationView), ...ctx.ofKind('ApplicationSet').flatMap(setViews)]);
}

/** The project name an Application names (`''` and missing are Argo CD's `default`), or `undefined` when it cannot be read. */
function projectName(view: AppView): string | undefined {
  const { value } = view.field('spec.project');
  if (value === undefined || value === null || value === '') return 'default';
  return typeof value === 'string' && !(view.fromTemplate && templated(value)) ? value : undefined;
}

/** The AppProject an Application belongs to, when the set holds it. */
function projectOf(ctx: ManifestContext, view: AppView): Json | undefined {
  const name = projectName(view);
  return name === undefined ? undefined : ctx.get('AppProject', projectNamespaceFor(ctx, view.namespace), name);
}

/** Every repo URL Argo CD reads for an Application: source, each of sources, and the source hydrator's dry and sync sources. */
function repoFields(view: AppView): Field[] {
  const out: Field[] = [];
  if (!isZero(view.field('spec.source').value)) out.push(view.field('spec.source.repoURL'));
  const sources = view.field('spec.sources');
  if (Array.isArray(sources.value)) sources.value.forEach((s, i) => out.push({ value: own(s, 'repoURL'), path: `${sources.path}[${i}].repoURL` }));
  else if (!isZero(sources.value)) out.push(sources);
  if (!isZero(view.field('spec.sourceHydrator').value)) {
    out.push(view.field('spec.sourceHydrator.drySource.repoURL'));
    const sync = view.field('spec.sourceHydrator.syncSource.repoURL');
    if (!isZero(sync.value)) out.push(sync);
  }
  return out;
}

/**
 * The sources of an Application that Argo CD renders from a chart registry: a Helm repository
 * source (it names a `chart`) or an OCI source (`oci://`). Their objects are never in the set.
 */
function chartSources(view: AppView): { source: Json; path: string; oci: boolean; fieldPath: (key: string) => string }[] {
  const out: { source: Json; path: string; oci: boolean; fieldPath: (key: string) => string }[] = [];
  const one = view.field('spec.source');
  const sources = view.field('spec.sources');
  // A generator's template merges into the ApplicationSet's field by field (mergo fills what the
  // generator leaves empty), so `source: { targetRevision: '*' }` under a generator keeps the
  // template's chart and repo: the single source is read leaf by leaf. A list (`sources`) is
  // taken whole, as mergo does.
  const single: Json | undefined = isObject(one.value)
    ? Object.fromEntries([...Object.entries(one.value), ...['chart', 'repoURL', 'targetRevision'].map(k => [k, view.field(`spec.source.${k}`).value])]
      .filter(([, v]) => v !== undefined))
    : undefined;
  const all: [unknown, string, (key: string) => string][] = [
    [single, one.path, key => view.field(`spec.source.${key}`).path],
    ...(Array.isArray(sources.value) ? sources.value.map((s, i): [unknown, string, (key: string) => string] => [s, `${sources.path}[${i}]`, key => `${sources.path}[${i}].${key}`]) : []),
  ];
  for (const [source, path, fieldPath] of all) {
    if (!isObject(source)) continue;
    const chart = own(source, 'chart');
    const repo = own(source, 'repoURL');
    const oci = typeof repo === 'string' && /^oci:\/\//i.test(repo.trim());
    if ((chart !== undefined && chart !== null && chart !== '') || oci) out.push({ source, path, oci, fieldPath });
  }
  return out;
}

/** The same finding reached through two views of one ApplicationSet is one finding. */
function unique(violations: RuleViolation[]): RuleViolation[] {
  const seen = new Set<string>();
  return violations.filter(v => {
    const key = `${namespaceOf(v.object)}\u0000${v.object?.metadata?.name}\u0000${v.object?.kind}\u0000${v.field}\u0000${v.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Findings of an Application whose project is not in the set: errors when the set defines projects where Argo CD looks, else warnings. */
function missingProjects(ctx: ManifestContext, whereDefined: boolean): RuleViolation[] {
  return unique(appViews(ctx).flatMap(view => {
    const name = projectName(view);
    if (name === undefined || name === 'default' || projectOf(ctx, view)) return [];
    const ns = projectNamespaceFor(ctx, view.namespace);
    const defines = ctx.inNamespace('AppProject', ns).length > 0;
    if (defines !== whereDefined) return [];
    return [{
      object: view.object, field: view.field('spec.project').path,
      message: defines
        ? `AppProject ${name} is not among the AppProjects the set defines in ${ns}, so Argo CD would find no such project (or one from elsewhere)`
        : `AppProject ${name} is not in the set (which defines no AppProject in ${ns}), so its repos and destinations cannot be judged`,
    }];
  }));
}

/** The entries of a list field, or a finding when it is not a list. */
function listOf(object: Json, path: string, required: boolean): { items: unknown[]; problem?: RuleViolation } {
  const value = at(object, path);
  if (value === undefined || value === null) {
    return { items: [], ...(required ? { problem: { object, field: path, message: `${path} is missing` } } : {}) };
  }
  if (!Array.isArray(value)) return { items: [], problem: { object, field: path, message: `${path} must be a list (got ${show(value)})` } };
  return { items: value };
}

/** Probes for "matches every namespace": DNS labels of every shape. */
const NAMESPACE_PROBES = ['a', 'z', '0', '9x', 'x-1', 'kube-system', 'default', 'argocd', 'tenant-b', `q${'7'.repeat(61)}z`];

/** Whether an entry of `sourceNamespaces` (glob, or `/regex/` in .NET syntax) matches `ns`; `undefined` when it cannot be read. */
function sourceNamespaceMatches(entry: string, ns: string): Judgement {
  let regex: Judgement = false;
  if (entry.startsWith('/') && entry.endsWith('/')) {
    if (entry.length < 2) return undefined;
    try { regex = new RegExp(entry.slice(1, -1)).test(ns); } catch { regex = undefined; }
  }
  if (regex === true) return true;
  const glob = compileGlob(entry)?.test(ns);
  return glob === true ? true : regex === undefined || glob === undefined ? undefined : false;
}

/** Whether a destinationServiceAccounts pattern surely covers a destination field (a literal, or the same pattern). */
function covers(pattern: unknown, value: string): boolean {
  return typeof pattern === 'string' && (pattern === value || /^\*+$/.test(pattern) || (!isGlob(value) && globMatch(pattern, value, false) === true));
}

/**
 * Whether an AppProject is the platform's: it says so by waiving, with its reason, a rule only
 * the platform may break (it applies the fences, cluster-scoped objects, or syncs into the Argo CD
 * namespace; ArgoPlatformBootstrap). Every other project is a tenant's.
 */
function isPlatformProject(project: Json): boolean {
  const annotations = at(project, 'metadata.annotations');
  return ['argocd.fence-kinds', 'argocd.cluster-resources', 'argocd.protected-destinations']
    .some(id => typeof own(annotations, `${WAIVER_PREFIX}${id}`) === 'string');
}

/** A value that names content by address rather than by a path in the source's repo: a URL (any scheme), go-getter or SSH form, or a host first. */
function remoteProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string (got ${show(value)})`;
  const v = value.trim();
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(v)) return `${show(value)} is a URL`;
  if (/^(git::|git@|ssh:|[^/\s]+@[^/\s]+:)/i.test(v)) return `${show(value)} is a remote Git address`;
  // kustomize fetches "github.com/owner/repo//dir?ref=x" without a scheme; a path in the repo starts with no host.
  if (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(:[0-9]+)?\//.test(v)) return `${show(value)} starts with a host, which kustomize fetches`;
  // From an ApplicationSet, a value that begins with a template can become any of those.
  if (v.startsWith('{{')) return `${show(value)} begins with a template, so each generated Application may fetch it from anywhere`;
  return undefined;
}

/**
 * Every source of an Application that can pull content beside its repo: source (read leaf by
 * leaf, as a generator's template merges), each of sources, and the source hydrator's dry source.
 * `fieldPath` names a leaf of it.
 */
function renderedSources(view: AppView): { source: unknown; fieldPath: (key: string) => string; value: (key: string) => unknown }[] {
  const sources = view.field('spec.sources');
  return [
    { source: view.field('spec.source').value, fieldPath: (k: string) => view.field(`spec.source.${k}`).path, value: (k: string) => view.field(`spec.source.${k}`).value },
    { source: view.field('spec.sourceHydrator.drySource').value, fieldPath: (k: string) => view.field(`spec.sourceHydrator.drySource.${k}`).path,
      value: (k: string) => view.field(`spec.sourceHydrator.drySource.${k}`).value },
    ...(Array.isArray(sources.value) ? sources.value.map((s, i) => ({ source: s, fieldPath: (k: string) => `${sources.path}[${i}].${k}`, value: (k: string) => at(s, k) })) : []),
  ].filter(s => isObject(s.source));
}

export const ARGOCD_RULES: Rule[] = [
  {
    id: 'argocd.source-repos', family: 'argocd', severity: 'error', title: 'AppProjects trust explicit repos only',
    fix: 'list sourceRepos literally, or glob only after a literal host and owner (https://github.com/acme/*); a Helm or OCI chart repository (https://charts.jetstack.io, oci://ghcr.io/acme/charts/api) only literally; never "!" patterns',
    check: ctx => ctx.ofKind('AppProject').flatMap(p => {
      const { items, problem } = listOf(p, 'spec.sourceRepos', true);
      if (problem) return [problem];
      if (items.length === 0) return [{ object: p, field: 'spec.sourceRepos', message: 'sourceRepos is empty: say which repos the project trusts' }];
      return items.map((repo, i) => ({ problem: projectSourceProblem(repo), i })).filter(({ problem }) => problem)
        .map(({ problem, i }) => ({ object: p, field: `spec.sourceRepos[${i}]`, message: problem! }));
    }),
  },
  {
    id: 'argocd.destinations', family: 'argocd', severity: 'error', title: 'AppProject destinations name one cluster and namespace',
    fix: 'list each destination\'s server (or name) and namespace literally',
    check: ctx => ctx.ofKind('AppProject').flatMap(p => {
      const { items, problem } = listOf(p, 'spec.destinations', false);
      if (problem) return [problem];
      return items.flatMap((d, i): RuleViolation[] => {
        if (!isObject(d)) return [{ object: p, field: `spec.destinations[${i}]`, message: `a destination must be an object (got ${show(d)})` }];
        return (['server', 'name', 'namespace'] as const).flatMap(k => {
          const v = own(d, k);
          if (v === undefined || v === null) return [];
          if (typeof v !== 'string') return [{ object: p, field: `spec.destinations[${i}].${k}`, message: `${k} must be a string (got ${show(v)})` }];
          return isGlob(v) ? [{ object: p, field: `spec.destinations[${i}].${k}`, message: `${k} "${v}" is a pattern` }] : [];
        });
      });
    }),
  },
  {
    id: 'argocd.protected-destinations', family: 'argocd', severity: 'error',
    title: 'AppProjects never deploy into kube-system, kube-public, kube-node-lease, default or the Argo CD namespace',
    fix: 'list only the tenant\'s own namespaces as destinations (a platform project waives this rule with its reason)',
    check: ctx => {
      const protectedNamespaces = [...PLATFORM_NAMESPACES, ...argoNamespaces(ctx)];
      return ctx.ofKind('AppProject').flatMap(p => {
        const destinations = at(p, 'spec.destinations');
        return (Array.isArray(destinations) ? destinations : []).flatMap((d, i): RuleViolation[] => {
          const ns = own(d, 'namespace');
          const field = `spec.destinations[${i}].namespace`;
          if (ns === undefined || ns === null || ns === '') return [];
          if (typeof ns !== 'string') return [{ object: p, field, message: `cannot tell which namespaces ${show(ns)} names` }];
          const verdicts = protectedNamespaces.map(n => ({ n, m: globMatch(ns, n, true) }));
          const hit = verdicts.filter(v => v.m === true).map(v => v.n);
          const open = verdicts.filter(v => v.m === undefined).map(v => v.n);
          if (hit.length) return [{ object: p, field, message: `"${ns}" lets the project deploy into ${hit.join(', ')}` }];
          return open.length ? [{ object: p, field, message: `cannot tell whether "${ns}" matches ${open.join(', ')} (the pattern does not compile as Argo CD's globs)` }] : [];
        });
      });
    },
  },
  {
    id: 'argocd.source-namespaces', family: 'argocd', severity: 'error',
    title: 'AppProjects take Applications only from named tenant namespaces, never "*", the Argo CD namespace or kube-system, kube-public, kube-node-lease or default',
    fix: 'list in sourceNamespaces only the tenant namespaces whose Applications may use this project',
    check: ctx => {
      const argo = argoNamespaces(ctx);
      return ctx.ofKind('AppProject').flatMap(p => {
        const { items, problem } = listOf(p, 'spec.sourceNamespaces', false);
        if (problem) return [problem];
        return items.flatMap((entry, i): RuleViolation[] => {
          const field = `spec.sourceNamespaces[${i}]`;
          if (typeof entry !== 'string') return [{ object: p, field, message: `an entry must be a string (got ${show(entry)})` }];
          const probes = NAMESPACE_PROBES.map(n => sourceNamespaceMatches(entry, n));
          if (probes.every(m => m === true)) return [{ object: p, field, message: `"${entry}" matches every namespace: any namespace's Applications could use the project` }];
          const hit = argo.filter(n => sourceNamespaceMatches(entry, n) === true);
          if (hit.length) return [{ object: p, field, message: `"${entry}" names the Argo CD namespace ${hit.join(', ')}` }];
          // Whoever may create an Application in the cluster's own namespaces (a controller, an operator, the
          // default namespace's many users) is no tenant of this project: their Applications would use its scope.
          const system = PLATFORM_NAMESPACES.filter(n => sourceNamespaceMatches(entry, n) === true);
          if (system.length) return [{ object: p, field, message: `"${entry}" names the cluster's own namespace ${system.join(', ')}, whose Applications no tenant answers for` }];
          const unreadable = [...probes, ...[...argo, ...PLATFORM_NAMESPACES].map(n => sourceNamespaceMatches(entry, n))].some(m => m === undefined);
          return unreadable ? [{ object: p, field, message: `cannot tell which namespaces "${entry}" matches` }] : [];
        });
      });
    },
  },
  {
    id: 'argocd.namespace-resources', family: 'argocd', severity: 'error', title: 'AppProjects whitelist the namespaced kinds they sync, by name, never by wildcard',
    fix: 'list each group and kind the project may sync literally in namespaceResourceWhitelist (a blacklist alone lets every other kind through, a CRD installed tomorrow too)',
    check: ctx => ctx.ofKind('AppProject').flatMap(p => {
      const { items, problem } = listOf(p, 'spec.namespaceResourceWhitelist', false);
      if (problem) return [problem];
      // Argo CD: a missing (nil) whitelist permits every namespaced kind; an empty list permits none.
      const value = at(p, 'spec.namespaceResourceWhitelist');
      if (value === undefined || value === null) {
        return [{ object: p, field: 'spec.namespaceResourceWhitelist', message: 'no namespaceResourceWhitelist: Argo CD lets the project sync every namespaced kind not blacklisted' }];
      }
      return items.flatMap((entry, i): RuleViolation[] => {
        if (!isObject(entry)) return [{ object: p, field: `spec.namespaceResourceWhitelist[${i}]`, message: `an entry must be an object (got ${show(entry)})` }];
        return (['group', 'kind'] as const).flatMap(k => {
          const v = own(entry, k) ?? '';
          const field = `spec.namespaceResourceWhitelist[${i}].${k}`;
          if (typeof v !== 'string') return [{ object: p, field, message: `${k} must be a string (got ${show(v)})` }];
          // Argo CD matches these with Go's filepath.Match: *, ? and [...] are wildcards, \ escapes.
          return /[*?[\]\\]/.test(v) ? [{ object: p, field, message: `${k} "${v}" is a wildcard: the project may create every ${k === 'kind' ? 'kind' : 'group'} it matches` }] : [];
        });
      });
    }),
  },
  {
    id: 'argocd.fence-kinds', family: 'argocd', severity: 'error',
    title: 'tenant AppProjects whitelist none of the kinds that fence tenants (quotas, limits, network policy, RBAC, Argo CD projects and applications)',
    fix: 'remove the kind from namespaceResourceWhitelist: the platform applies it (a platform project waives this rule with its reason)',
    check: ctx => ctx.ofKind('AppProject').flatMap(p => {
      const list = at(p, 'spec.namespaceResourceWhitelist');
      return (Array.isArray(list) ? list : []).flatMap((entry, i): RuleViolation[] => {
        const [group, kind] = [own(entry, 'group') ?? '', own(entry, 'kind')];
        const fence = FENCE_KINDS.find(f => f.group === group && f.kind === kind);
        return fence ? [{
          object: p, field: `spec.namespaceResourceWhitelist[${i}]`,
          message: `${kind}${group ? `.${group}` : ''} fences the tenant: a project that syncs it lets the tenant lift its own limits`,
        }] : [];
      });
    }),
  },
  {
    id: 'argocd.chart-pinned', family: 'argocd', severity: 'error', title: 'Applications pin each Helm or OCI chart to one exact version',
    fix: 'set targetRevision to the exact chart version (e.g. 1.14.4; an OCI chart may also use a sha256: digest), never a range, "*" or "latest"',
    check: ctx => unique(appViews(ctx).flatMap(view => chartSources(view).flatMap(({ source, oci, fieldPath }): RuleViolation[] => {
      const version = own(source, 'targetRevision');
      if (view.fromTemplate && templated(version)) {
        return [{ object: view.object, field: fieldPath('targetRevision'), message: `${show(version)} is filled in per generated Application, so its chart version cannot be judged` }];
      }
      const problem = chartVersionProblem(version, oci);
      return problem ? [{ object: view.object, field: fieldPath('targetRevision'), message: problem }] : [];
    }))),
  },
  {
    id: 'argocd.chart-unseen', family: 'argocd', severity: 'error',
    title: 'an Application that renders a Helm or OCI chart says why: the gate never sees what the chart renders',
    fix: 'annotate the Application with guardrails.cdk8s.io/exception.helm-chart: <why this chart is needed>; its project\'s whitelist and the impersonated deployer still fence what it syncs',
    check: ctx => unique(appViews(ctx).flatMap(view => chartSources(view).map(({ source, path }): RuleViolation => {
      const what = typeof own(source, 'chart') === 'string' && own(source, 'chart') !== '' ? `chart ${show(own(source, 'chart'))} of ${show(own(source, 'repoURL'))}` : show(own(source, 'repoURL'));
      return { object: view.object, field: path, message: `renders ${what}, whose objects are not in the manifests the gate judged` };
    }))),
  },
  {
    id: 'argocd.cluster-resources', family: 'argocd', severity: 'error', title: 'tenant AppProjects allow no cluster-scoped objects',
    fix: 'set clusterResourceWhitelist: [] (a platform project waives this rule with its reason)',
    check: ctx => ctx.ofKind('AppProject').flatMap(p => {
      const list = at(p, 'spec.clusterResourceWhitelist');
      if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) return [];
      return [{ object: p, field: 'spec.clusterResourceWhitelist', message: Array.isArray(list) ? 'the project may create cluster-scoped objects' : `must be a list (got ${show(list)})` }];
    }),
  },
  {
    id: 'argocd.destination-service-accounts', family: 'argocd', severity: 'warning',
    title: 'AppProjects name the account each destination syncs as, else syncs run as the Argo CD controller',
    fix: 'add destinationServiceAccounts with the same server and namespace as each destination and the tenant deployer as defaultServiceAccount (Argo CD impersonates it when application.sync.impersonation.enabled is on)',
    check: ctx => ctx.ofKind('AppProject').flatMap((p): RuleViolation[] => {
      const { items: accounts, problem } = listOf(p, 'spec.destinationServiceAccounts', false);
      if (problem) return [problem];
      if (accounts.length === 0) {
        return [{ object: p, field: 'spec.destinationServiceAccounts', message: 'no destinationServiceAccounts: every sync runs as the Argo CD application controller, which may change anything in the cluster' }];
      }
      const destinations = at(p, 'spec.destinations');
      return (Array.isArray(destinations) ? destinations : []).flatMap((d, i): RuleViolation[] => {
        const [server, name, ns] = [own(d, 'server'), own(d, 'name'), own(d, 'namespace') ?? ''];
        const resolved = typeof server === 'string' && server !== '' ? server : name === IN_CLUSTER.name ? IN_CLUSTER.server : undefined;
        const covered = resolved !== undefined && typeof ns === 'string'
          && accounts.some(a => covers(own(a, 'server'), resolved) && covers(own(a, 'namespace'), ns));
        return covered ? [] : [{
          object: p, field: `spec.destinations[${i}]`,
          message: resolved === undefined
            ? 'the destination names its cluster only by name, and destinationServiceAccounts match servers: its syncs may run as the controller'
            : `no destinationServiceAccounts entry covers ${resolved} namespace ${show(ns)}: its syncs run as the controller`,
        }];
      });
    }),
  },
  {
    id: 'argocd.sync-service-account', family: 'argocd', severity: 'error',
    title: 'a destination\'s sync account lives in that destination\'s namespace',
    fix: 'write defaultServiceAccount as a plain name (the account in the destination namespace), not "<namespace>:<name>" of another namespace',
    check: ctx => ctx.ofKind('AppProject').flatMap(p => {
      const accounts = at(p, 'spec.destinationServiceAccounts');
      return (Array.isArray(accounts) ? accounts : []).flatMap((a, i): RuleViolation[] => {
        const account = own(a, 'defaultServiceAccount');
        const ns = own(a, 'namespace');
        const field = `spec.destinationServiceAccounts[${i}].defaultServiceAccount`;
        if (typeof account !== 'string') return [{ object: p, field, message: `must be a string (got ${show(account)})` }];
        if (!account.includes(':')) return [];
        // Argo CD impersonates system:serviceaccount:<defaultServiceAccount>, so "ns:name" is an account of namespace ns.
        const [accountNs, ...rest] = account.split(':');
        if (rest.length === 1 && typeof ns === 'string' && !isGlob(ns) && accountNs === ns) return [];
        return [{ object: p, field, message: `syncs to ${show(ns)} would impersonate ${account}, an account of ${rest.length === 1 ? `namespace ${accountNs}` : 'no valid namespace'}` }];
      });
    }),
  },
  {
    id: 'argocd.default-project', family: 'argocd', severity: 'error', title: 'Applications and ApplicationSets are never in the default project',
    fix: 'put the Application (or the ApplicationSet template) in its app\'s AppProject; an empty or missing project is Argo CD\'s default',
    check: ctx => unique(appViews(ctx).flatMap((view): RuleViolation[] => {
      const { value, path } = view.field('spec.project');
      if (view.fromTemplate && templated(value)) return [];
      if (value !== undefined && value !== null && typeof value !== 'string') {
        return [{ object: view.object, field: path, message: `project must be a string (got ${show(value)})` }];
      }
      return projectName(view) === 'default'
        ? [{ object: view.object, field: path, message: `${value ? 'the default project' : 'an empty project is the default project, which'} allows every repo, cluster and kind` }]
        : [];
    })),
  },
  {
    id: 'argocd.project-missing', family: 'argocd', severity: 'error',
    title: 'an Application\'s project is defined where the set defines its AppProjects',
    fix: 'name one of the AppProjects the set defines in the Application\'s Argo CD namespace, or add that AppProject to the set',
    check: ctx => missingProjects(ctx, true),
  },
  {
    id: 'argocd.project-outside-set', family: 'argocd', severity: 'warning',
    title: 'an Application\'s project comes with the set, so its scope can be judged (a warning when the set defines no AppProject in that Argo CD namespace)',
    fix: 'add the AppProject to the manifests the gate judges, or waive this rule on the Application naming where the project is reviewed',
    check: ctx => missingProjects(ctx, false),
  },
  {
    id: 'argocd.application-source', family: 'argocd', severity: 'error', title: 'Applications read only repos their project permits',
    fix: 'point every source (source, sources[], sourceHydrator) at a repo the project\'s sourceRepos admit, or add the repo to the project',
    check: ctx => unique(appViews(ctx).flatMap((view): RuleViolation[] => {
      const project = projectOf(ctx, view);
      if (!project) return [];
      const name = project.metadata?.name;
      const repos = repoFields(view);
      if (repos.length === 0) return [{ object: view.object, field: view.field('spec.source').path, message: 'the Application names no source repo' }];
      const patterns = at(project, 'spec.sourceRepos');
      // A chart repository is trusted by one literal sourceRepos entry (README, ArgoProject charts):
      // a Git glob such as https://git.example.com/acme/* was written for the owner's Git repos,
      // not for whatever Helm index or OCI registry answers under that path.
      const chartRepos = new Set(chartSources(view).map(c => c.fieldPath('repoURL')));
      const literal = (Array.isArray(patterns) ? patterns : []).filter(p => typeof p === 'string' && !isGlob(p.trim()));
      return repos.flatMap(({ value, path }): RuleViolation[] => {
        if (view.fromTemplate && templated(value)) return [];
        if (typeof value !== 'string' || value === '') return [{ object: view.object, field: path, message: `a repoURL must be a non-empty string (got ${show(value)})` }];
        if (patterns !== undefined && patterns !== null && !Array.isArray(patterns)) {
          return [{ object: view.object, field: path, message: `cannot tell whether project ${name} permits ${value}: its sourceRepos is not a list` }];
        }
        const permitted = isSourcePermitted(Array.isArray(patterns) ? patterns : [], value);
        if (permitted === true && chartRepos.has(path) && !literal.some(p => isSourcePermitted([p], value) === true)) {
          return [{ object: view.object, field: path, message: `project ${name} admits the chart repository ${value} only through a pattern; a chart repository needs its own literal sourceRepos entry` }];
        }
        if (permitted === true) return [];
        return [{
          object: view.object, field: path,
          message: permitted === false ? `project ${name} does not permit ${value}`
            : `cannot tell whether project ${name} permits ${value} (a URL or pattern Argo CD would re-escape, or a pattern that does not compile)`,
        }];
      });
    })),
  },
  {
    id: 'argocd.application-destination', family: 'argocd', severity: 'error', title: 'Applications deploy only to their project\'s destinations',
    fix: 'point the Application at one of its project\'s destinations (by server or by name, not both), or add the destination to the project',
    check: ctx => unique(appViews(ctx).flatMap((view): RuleViolation[] => {
      const project = projectOf(ctx, view);
      if (!project) return [];
      const name = project.metadata?.name;
      const field = view.field('spec.destination').path;
      const [server, clusterName, namespace] = ['server', 'name', 'namespace'].map(k => view.field(`spec.destination.${k}`).value);
      if (view.fromTemplate && [server, clusterName, namespace].some(templated)) return [];
      const bad = [server, clusterName, namespace].find(v => v !== undefined && v !== null && typeof v !== 'string');
      if (bad !== undefined) return [{ object: view.object, field, message: `server, name and namespace must be strings (got ${show(bad)})` }];
      if (server && clusterName) return [{ object: view.object, field, message: 'the destination sets both server and name, which Argo CD refuses' }];
      if (!server && !clusterName) return [{ object: view.object, field, message: 'the destination names no cluster (server or name)' }];
      const destinations = at(project, 'spec.destinations') ?? [];
      const ns = (namespace ?? '') as string;
      const permitted = Array.isArray(destinations)
        ? isDestinationPermitted(destinations, destinationCluster((server || undefined) as string | undefined, (clusterName || undefined) as string | undefined), ns)
        : undefined;
      if (permitted === true) return [];
      const where = `${server || clusterName}/${ns}`;
      return [{
        object: view.object, field,
        message: permitted === false ? `project ${name} does not list ${where}`
          : `cannot tell whether project ${name} permits ${where} (it matches clusters by a field the Application does not give, or its destinations cannot be read)`,
      }];
    })),
  },
  {
    id: 'argocd.tenant-destination', family: 'argocd', severity: 'error',
    title: 'an Application of a tenant project deploys into no namespace that another tenant project of the set also lists',
    fix: 'give each tenant namespace to one AppProject: remove it from the destinations of all but its owner\'s (a deliberate shared namespace waives this rule on the Application with its reason)',
    check: ctx => unique(appViews(ctx).flatMap((view): RuleViolation[] => {
      const project = projectOf(ctx, view);
      if (!project || isPlatformProject(project)) return [];
      const [server, clusterName, namespace] = ['server', 'name', 'namespace'].map(k => view.field(`spec.destination.${k}`).value);
      if (typeof namespace !== 'string' || namespace === '' || templated(namespace)) return []; // argocd.application-destination judges it
      const cluster = destinationCluster(typeof server === 'string' && server ? server : undefined, typeof clusterName === 'string' && clusterName ? clusterName : undefined);
      const others = ctx.ofKind('AppProject').filter(q => q !== project && !isPlatformProject(q) && isDestinationPermitted(
        Array.isArray(at(q, 'spec.destinations')) ? at(q, 'spec.destinations') as unknown[] : [], cluster, namespace) === true);
      if (others.length === 0) return [];
      const names = others.map(q => `${namespaceOf(q)}/${q.metadata?.name}`).join(', ');
      return [{
        object: view.object, field: view.field('spec.destination.namespace').path,
        message: `namespace ${namespace} is also a destination of tenant AppProject ${names}: project ${project.metadata?.name}'s Application would deploy into another tenant's namespace (or that tenant into this one's)`,
      }];
    })),
  },
  {
    id: 'argocd.remote-content', family: 'argocd', severity: 'error',
    title: 'Application sources take Helm values files and kustomize components from their repos, never from a URL outside the project\'s sourceRepos',
    fix: 'commit the values file or component to a repo the project trusts and name it by path (or as $<ref>/<path> of another source); or waive on the Application with the reason the remote content is trusted',
    check: ctx => unique(appViews(ctx).flatMap(view => renderedSources(view).flatMap(({ fieldPath, value }): RuleViolation[] => {
      const lists = [['helm.valueFiles', 'a Helm values file'], ['kustomize.components', 'a kustomize component']] as const;
      return lists.flatMap(([key, what]): RuleViolation[] => {
        const list = value(key);
        if (list === undefined || list === null) return [];
        if (!Array.isArray(list)) return [{ object: view.object, field: fieldPath(key), message: `${key} must be a list (got ${show(list)})` }];
        return list.flatMap((entry, i): RuleViolation[] => {
          const problem = remoteProblem(entry);
          return problem ? [{
            object: view.object, field: `${fieldPath(key)}[${i}]`,
            message: `${what}: ${problem}, so Argo CD renders content from outside the repos the project trusts, which no review of them saw`,
          }] : [];
        });
      });
    }))),
  },
  {
    id: 'argocd.applicationset-template', family: 'argocd', severity: 'error',
    title: 'ApplicationSets make Applications whose project, repos and destination can be judged before they exist',
    fix: 'write project, repoURLs and destination literally in the template (generate only names and paths), without goTemplate or templatePatch; or waive on the ApplicationSet with the reason its generators are safe',
    check: ctx => unique(ctx.ofKind('ApplicationSet').flatMap((set): RuleViolation[] => {
      const out: RuleViolation[] = [];
      const goTemplate = at(set, 'spec.goTemplate');
      if (goTemplate !== undefined && goTemplate !== null && goTemplate !== false) {
        out.push({ object: set, field: 'spec.goTemplate', message: 'Go templates can compute any field of the generated Applications' });
      }
      if (!isZero(at(set, 'spec.templatePatch'))) {
        out.push({ object: set, field: 'spec.templatePatch', message: 'a templatePatch can rewrite any field of the generated Applications' });
      }
      if (!isObject(at(set, 'spec.template'))) out.push({ object: set, field: 'spec.template', message: 'the ApplicationSet has no template to judge' });
      for (const view of setViews(set)) {
        const fields = [view.field('spec.project'), ...['server', 'name', 'namespace'].map(k => view.field(`spec.destination.${k}`)), ...repoFields(view)];
        for (const f of fields.filter(f => templated(f.value))) {
          out.push({ object: set, field: f.path, message: `${show(f.value)} is filled in per generated Application, so its project scope cannot be judged` });
        }
      }
      return out;
    })),
  },
];
