import { isGlob, sourceRepoProblem } from '../argo';
import { Json } from '../model';
import { Rule } from '../rule';

/** Argo CD: projects trust explicit repos and destinations; Applications stay within their project. */

export const ARGOCD_RULES: Rule[] = [
  {
    id: 'argocd.source-repos', family: 'argocd', severity: 'error', title: 'AppProjects trust explicit repos only',
    fix: 'list repos literally, or glob only after a literal host and owner (https://github.com/acme/*)',
    check: ctx => ctx.ofKind('AppProject').flatMap(p => {
      const repos: unknown[] = p.spec?.sourceRepos ?? [];
      if (repos.length === 0) return [];
      return repos.map((repo, i) => ({ problem: sourceRepoProblem(repo), i })).filter(({ problem }) => problem)
        .map(({ problem, i }) => ({ object: p, field: `spec.sourceRepos[${i}]`, message: problem! }));
    }),
  },
  {
    id: 'argocd.destinations', family: 'argocd', severity: 'error', title: 'AppProject destinations name one cluster and namespace',
    fix: 'list each destination\'s server and namespace literally',
    check: ctx => ctx.ofKind('AppProject').flatMap(p => ((p.spec?.destinations ?? []) as Json[]).flatMap((d, i) =>
      (['server', 'name', 'namespace'] as const).filter(k => typeof d[k] === 'string' && isGlob(d[k]))
        .map(k => ({ object: p, field: `spec.destinations[${i}].${k}`, message: `${k} "${d[k]}" is a pattern` })))),
  },
  {
    id: 'argocd.cluster-resources', family: 'argocd', severity: 'error', title: 'tenant AppProjects allow no cluster-scoped objects',
    fix: 'set clusterResourceWhitelist: [] (a platform project waives this rule with its reason)',
    check: ctx => ctx.ofKind('AppProject').filter(p => (p.spec?.clusterResourceWhitelist ?? []).length > 0)
      .map(p => ({ object: p, field: 'spec.clusterResourceWhitelist', message: 'the project may create cluster-scoped objects' })),
  },
  {
    id: 'argocd.default-project', family: 'argocd', severity: 'error', title: 'Applications are never in the default project',
    fix: 'put the Application in its app\'s AppProject',
    check: ctx => ctx.ofKind('Application').filter(a => (a.spec?.project ?? 'default') === 'default')
      .map(a => ({ object: a, field: 'spec.project', message: 'the default project allows every repo, cluster and kind' })),
  },
  {
    id: 'argocd.application-destination', family: 'argocd', severity: 'error', title: 'Applications deploy only to their project\'s destinations',
    fix: 'point the Application at one of its project\'s destinations, or add the destination to the project',
    check: ctx => ctx.ofKind('Application').flatMap(a => {
      const project = ctx.ofKind('AppProject').find(p => p.metadata?.name === a.spec?.project);
      if (!project || (a.spec?.project ?? 'default') === 'default') return [];
      const dest: Json = a.spec?.destination ?? {};
      const allowed = ((project.spec?.destinations ?? []) as Json[]).some(d =>
        (d.server !== undefined ? d.server === dest.server : d.name === dest.name) && d.namespace === dest.namespace);
      return allowed ? [] : [{ object: a, field: 'spec.destination', message: `project ${project.metadata.name} does not list ${dest.server ?? dest.name}/${dest.namespace}` }];
    }),
  },
];
