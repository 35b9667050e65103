import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Application } from '../imports/argocd-application-argoproj.io';
import { AppProject } from '../imports/argocd-appproject-argoproj.io';
import { MANAGED_BY, WAIVER_PREFIX } from '../policy/annotations';
import { checkRepoUrl, GLOB_CHARS, PLATFORM_NAMESPACES } from '../policy/argo';
import { refuse } from '../policy/errors';
import { CLUSTER_SCOPED_KINDS } from '../policy/model';
import { FENCE_KINDS, GroupKind } from '../policy/tenant-kinds';
import { ARGO_IN_CLUSTER, ArgoCluster, checkCluster, checkRevision } from './argo-project';
import { sameCopies } from './copies';
import { checkDnsLabel, checkString } from './validate';

export interface ArgoPlatformBootstrapProps {
  /** The platform team's AppProject name. @default 'platform' */
  readonly project?: string;
  /** The Git repo holding the platform folder; the project trusts this repo only. */
  readonly repoURL: string;
  /** Branch, tag or commit the platform Application follows. @default 'main' */
  readonly targetRevision?: string;
  /** Folder of the repo with the platform's manifests, this bootstrap's own file included, e.g. `dist/platform`. */
  readonly path: string;
  /** Namespace Argo CD runs in, where the AppProject and Application live. @default 'argocd' */
  readonly argoNamespace?: string;
  /** The cluster the platform folder is synced to (where Argo CD runs). @default { name: 'in-cluster', server: 'https://kubernetes.default.svc' } */
  readonly cluster?: ArgoCluster;
  /**
   * The constructs whose objects the folder holds (the platform charts). The project's
   * destinations and kind whitelists are derived from their objects, read when the bootstrap is
   * constructed: create it after them (validation refuses objects added later). The bootstrap's
   * own objects are left out.
   */
  readonly platform: IConstruct[];
  /**
   * The account the platform's syncs run as, by impersonation: Argo CD 3.5 enforces that every
   * project names one once `application.sync.impersonation.enabled` is on, and the platform
   * creates Namespaces, RBAC and quotas, which only a cluster-wide account can. The Argo CD
   * application controller already is one.
   * @default 'argocd-application-controller' (in the Argo CD namespace)
   */
  readonly serviceAccount?: string;
}

/** What the platform's objects need: kinds (namespaced and cluster-scoped) and namespaces. */
interface PlatformScope {
  readonly namespaced: GroupKind[];
  readonly clusterScoped: GroupKind[];
  readonly namespaces: string[];
}

/**
 * The platform team's side of Argo CD, generated rather than copied by hand: an AppProject
 * trusting exactly the platform repo, reaching exactly the namespaces and kinds the platform
 * objects use on one cluster, and the Application that syncs the platform folder.
 *
 * The folder holds this bootstrap's own file, so the Application manages itself (Argo CD's
 * app-of-apps pattern): applied once by hand, every later change to the project or the
 * Application goes through Git and review like any other. Neither is ever pruned by a sync
 * (`Prune=false`), so a folder emptied by mistake cannot delete the platform's own Application.
 *
 * The project is wider than a tenant's, and the gate judges it like any other: four rules are
 * waived on it, each with its reason (it deploys into the Argo CD namespace, creates cluster-scoped
 * objects, syncs the kinds that fence tenants, and syncs as the controller's account); every other
 * Argo CD rule still holds (literal repo, destinations, no wildcard kinds).
 */
export class ArgoPlatformBootstrap extends Construct {
  /** The AppProject's name. */
  public readonly project: string;
  private readonly sources: IConstruct[];

  constructor(scope: Construct, id: string, props: ArgoPlatformBootstrapProps) {
    super(sameCopies(scope, 'ArgoPlatformBootstrap'), id);
    this.project = checkDnsLabel(this, 'project', props.project ?? 'platform');
    const argoNamespace = checkDnsLabel(this, 'argoNamespace', props.argoNamespace ?? 'argocd');
    const repoURL = checkRepoUrl(this, 'repoURL', props.repoURL, false);
    const targetRevision = checkRevision(this, props.targetRevision ?? 'main');
    const path = checkString(this, 'path', props.path);
    if (path.startsWith('/') || path.split('/').some(s => s === '..' || s === '') || /\s/.test(path) || GLOB_CHARS.test(path)) {
      refuse(this, 'path', path, 'must be a plain folder path relative to the repo root', 'write it like "dist/platform", without a leading "/", ".." or glob characters');
    }
    const cluster = checkCluster(this, props.cluster ?? ARGO_IN_CLUSTER);
    const account = checkDnsLabel(this, 'serviceAccount', props.serviceAccount ?? 'argocd-application-controller');
    if (!Array.isArray(props.platform)) refuse(this, 'platform', props.platform, 'must be a list of constructs', 'pass the platform charts');
    this.sources = props.platform;
    const { namespaced, clusterScoped, namespaces } = this.scopeOfPlatform();
    const destinations = [...new Set([argoNamespace, ...namespaces])].sort();
    // Platform objects in the cluster's own namespaces would be waived along with the Argo CD namespace: refused instead.
    const protectedHit = destinations.filter(ns => ns === argoNamespace || PLATFORM_NAMESPACES.includes(ns));
    if (protectedHit.length > 1) {
      refuse(this, 'platform', protectedHit.filter(ns => ns !== argoNamespace).join(', '), 'the platform objects reach namespaces of the cluster itself, which this bootstrap does not sync',
        'give every platform object a namespace of its own (not kube-system, kube-public, kube-node-lease or default), or apply those objects by other means');
    }

    const labels = { 'app.kubernetes.io/part-of': this.project, ...MANAGED_BY };
    // Never pruned: deleting the platform's own project or Application from Git must not delete them in the cluster.
    const noPrune = { 'argocd.argoproj.io/sync-options': 'Prune=false' };
    new AppProject(this, 'Project', {
      metadata: {
        name: this.project, namespace: argoNamespace, labels,
        // Each waiver only where its rule would fire, naming what it excuses: the gate still judges the rest.
        annotations: {
          ...noPrune,
          [`${WAIVER_PREFIX}argocd.protected-destinations`]:
            `the platform project syncs every app's AppProject and Applications into ${protectedHit.join(', ')}, where Argo CD runs`,
          ...(clusterScoped.length ? {
            [`${WAIVER_PREFIX}argocd.cluster-resources`]: `the platform folder holds the cluster-scoped ${clusterScoped.map(k => k.kind).join(', ')} (the tenant Namespaces first)`,
          } : {}),
          [`${WAIVER_PREFIX}argocd.fence-kinds`]: `the platform project applies what fences the tenants: ${namespaced.filter(k => FENCE_KINDS.some(f => f.group === k.group && f.kind === k.kind)).map(k => k.kind).join(', ')}`,
          ...(destinations.some(ns => ns !== argoNamespace) ? {
            [`${WAIVER_PREFIX}argocd.sync-service-account`]: `the platform creates Namespaces and RBAC in every tenant namespace, so it syncs as the Argo CD application controller ${argoNamespace}:${account}, which already may`,
          } : {}),
        },
      },
      spec: {
        description: `${this.project}: the platform folder ${path} of ${repoURL}, on cluster ${cluster.name}`,
        sourceRepos: [repoURL],
        destinations: destinations.map(namespace => ({ server: cluster.server, namespace })),
        // Impersonation, once enabled, is enforced for every project: the platform names its account too.
        destinationServiceAccounts: destinations.map(namespace => ({ server: cluster.server, namespace, defaultServiceAccount: `${argoNamespace}:${account}` })),
        clusterResourceWhitelist: clusterScoped.map(k => ({ group: k.group, kind: k.kind })),
        namespaceResourceWhitelist: namespaced.map(k => ({ group: k.group, kind: k.kind })),
        orphanedResources: { warn: true },
      },
    });
    new Application(this, 'Application', {
      metadata: { name: this.project, namespace: argoNamespace, labels, annotations: noPrune },
      spec: {
        project: this.project,
        // Manifests only, this folder only: each app's folder is synced by the app's own project.
        source: { repoUrl: repoURL, targetRevision, path, directory: { include: '*.yaml', recurse: false } },
        destination: { server: cluster.server, namespace: argoNamespace },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    });
    // The scope was read above: objects added to the platform afterwards would be synced but not permitted.
    this.node.addValidation({
      validate: () => {
        const now = this.scopeOfPlatform();
        return JSON.stringify(now) === JSON.stringify({ namespaced, clusterScoped, namespaces }) ? []
          : [`the platform objects changed after ${this.node.path} read them; create the bootstrap after every platform object`];
      },
    });
  }

  /** The kinds and namespaces of the platform's objects (not the bootstrap's own), sorted. */
  private scopeOfPlatform(): PlatformScope {
    const namespaced = new Map<string, GroupKind>();
    const clusterScoped = new Map<string, GroupKind>();
    const namespaces = new Set<string>();
    for (const source of this.sources) {
      for (const obj of source.node.findAll()) {
        if (!(obj instanceof ApiObject) || obj.node.scopes.includes(this)) continue;
        const group = obj.apiVersion.includes('/') ? obj.apiVersion.slice(0, obj.apiVersion.indexOf('/')) : '';
        const entry = { group, kind: obj.kind };
        if (CLUSTER_SCOPED_KINDS.includes(obj.kind)) {
          clusterScoped.set(`${group}/${obj.kind}`, entry);
        } else {
          namespaced.set(`${group}/${obj.kind}`, entry);
          namespaces.add(obj.metadata.namespace ?? 'default');
        }
      }
    }
    // The bootstrap's own kinds: the platform project keeps itself and its Application in sync.
    namespaced.set('argoproj.io/AppProject', { group: 'argoproj.io', kind: 'AppProject' });
    namespaced.set('argoproj.io/Application', { group: 'argoproj.io', kind: 'Application' });
    const sorted = (m: Map<string, GroupKind>) => [...m.values()].sort((a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind));
    return { namespaced: sorted(namespaced), clusterScoped: sorted(clusterScoped), namespaces: [...namespaces].sort() };
  }
}
