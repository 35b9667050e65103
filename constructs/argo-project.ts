import { Construct } from 'constructs';
import { Application } from '../imports/argocd-application-argoproj.io';
import { AppProject } from '../imports/argocd-appproject-argoproj.io';
import { MANAGED_BY } from '../policy/annotations';
import { checkRepoUrl, DEFAULT_ARGO_NAMESPACE, GLOB_CHARS, HOST, normalizeRepo, PLATFORM_NAMESPACES, repoMatches } from '../policy/argo';
import { refuse } from '../policy/errors';
import { dnsSubdomainProblem } from '../policy/grammar';
import { checkDnsLabel, checkString } from './validate';
import { sameCopies } from './copies';

/** An Argo CD cluster, as registered in Argo CD (`argocd cluster list`). */
export interface ArgoCluster {
  /** The cluster's name in Argo CD, e.g. `in-cluster`. */
  readonly name: string;
  /** The cluster's API server URL exactly as registered in Argo CD, e.g. `https://kubernetes.default.svc`. */
  readonly server: string;
}

/** One environment of the app: a tenant namespace and the folder of the repo that fills it. */
export interface ArgoEnvironment {
  /** Environment name, e.g. `production` (used in the Application name `<app>-<env>`). */
  readonly name: string;
  /** The tenant namespace of this environment. */
  readonly namespace: string;
  /** The ScopedDeployer service account in that namespace, which ArgoCD impersonates to sync. */
  readonly serviceAccount: string;
  /** Folder in the repo with this environment's manifests, e.g. `dist/apps/shop/production`. */
  readonly path: string;
}

export interface ArgoProjectProps {
  /** The app name; the AppProject's name. */
  readonly app: string;
  /** Git repo (URL) that holds the synthesized manifests; Applications read from it. */
  readonly repoURL: string;
  /** Branch, tag or commit the Applications follow. @default 'main' */
  readonly targetRevision?: string;
  /**
   * Repos the project may source from: `https://`, `ssh://` or `git@host:path` URLs. A glob is
   * allowed only after a literal host and owner, e.g. `https://github.com/acme/*`, so that a
   * project can never pull manifests from a repo its owners do not control.
   * @default [repoURL]
   */
  readonly sourceRepos?: string[];
  /** The one cluster every environment deploys to. @default { name: 'in-cluster', server: 'https://kubernetes.default.svc' } */
  readonly cluster?: ArgoCluster;
  /** The environments, each its own namespace and Application. At least one. */
  readonly environments: ArgoEnvironment[];
  /** Namespace ArgoCD runs in, where AppProjects and Applications live. @default 'argocd' */
  readonly argoNamespace?: string;
}

/** Where Argo CD puts its own in-cluster API server. */
export const ARGO_IN_CLUSTER: ArgoCluster = { name: 'in-cluster', server: 'https://kubernetes.default.svc' };

/**
 * Namespaced kinds a tenant's sync may not create or change: quotas, limits, network policy and
 * RBAC are how the platform team fences the namespace, so the fenced party must not hold the keys.
 */
export const ARGO_PLATFORM_OWNED_KINDS: ReadonlyArray<{ readonly group: string; readonly kind: string }> = [
  { group: '', kind: 'ResourceQuota' },
  { group: '', kind: 'LimitRange' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
];

/**
 * An Argo CD AppProject for one app, and one Application per environment that syncs the
 * environment's folder of the repo into its tenant namespace.
 *
 * The project only lets the app reach its own namespaces on one cluster, creates nothing
 * cluster-scoped, and leaves quotas, limits, network policy and RBAC to the platform team.
 *
 * Every sync runs as the environment's ScopedDeployer service account (`destinationServiceAccounts`)
 * rather than as Argo CD's own, cluster-admin-like controller account. Argo CD only impersonates
 * when `application.sync.impersonation.enabled: "true"` is set in the `argocd-cm` ConfigMap
 * (Argo CD 2.13 or later); without it, syncs silently run as the controller, so that flag is part
 * of the platform's Argo CD install, not of this construct.
 */
export class ArgoProject extends Construct {
  /** The AppProject's name (the app name). */
  public readonly name: string;
  /** The cluster every environment deploys to. */
  public readonly cluster: ArgoCluster;
  /** The namespace the AppProject and Applications live in. */
  public readonly argoNamespace: string;

  constructor(scope: Construct, id: string, props: ArgoProjectProps) {
    super(sameCopies(scope, 'ArgoProject'), id);
    this.name = checkDnsLabel(this, 'app', props.app);
    this.argoNamespace = checkDnsLabel(this, 'argoNamespace', props.argoNamespace ?? 'argocd');
    const targetRevision = checkRevision(this, props.targetRevision ?? 'main');

    const repoURL = checkRepoUrl(this, 'repoURL', props.repoURL, false);
    const sourceRepos = checkSourceRepos(this, props.sourceRepos ?? [repoURL]);
    if (!sourceRepos.some(pattern => repoMatches(pattern, repoURL))) {
      refuse(this, 'repoURL', repoURL, 'the repo is not in sourceRepos, so Argo CD would refuse every sync',
        `add "${repoURL}" to sourceRepos, or point repoURL at a repo that sourceRepos lists`);
    }

    this.cluster = checkCluster(this, props.cluster ?? ARGO_IN_CLUSTER);
    const environments = checkEnvironments(this, props.environments);
    environments.forEach((env, i) => {
      // The gate's argocd.protected-destinations: a tenant project never reaches the platform's namespaces.
      if ([...PLATFORM_NAMESPACES, DEFAULT_ARGO_NAMESPACE, this.argoNamespace].includes(env.namespace)) {
        refuse(this, `environments[${i}].namespace`, env.namespace, 'is a namespace of the cluster or of Argo CD, not of a tenant',
          'deploy into the environment\'s own tenant namespace, e.g. "shop-production"');
      }
    });
    environments.forEach((env, i) => {
      // Argo CD's label-based resource tracking writes the Application name into a label value.
      if (`${this.name}-${env.name}`.length > 63) {
        refuse(this, `environments[${i}].name`, env.name, `the Application name "${this.name}-${env.name}" is longer than 63 characters`,
          'shorten the app or environment name');
      }
    });

    const labels = { 'app.kubernetes.io/part-of': this.name, ...MANAGED_BY };
    const server = this.cluster.server;

    new AppProject(this, 'Resource', {
      metadata: { name: this.name, namespace: this.argoNamespace, labels },
      spec: {
        description: `${this.name}: environments ${environments.map(e => e.name).join(', ')} on cluster ${this.cluster.name}`,
        sourceRepos,
        // Argo CD permits a destination when its server OR its name matches a project entry, so a
        // `name` next to `server` would only add a second way in (by whatever cluster bears that
        // name). Argo CD resolves every Application's cluster to its server before this check, so
        // server + namespace alone pins the project to the one cluster, whichever way an
        // Application names it.
        destinations: environments.map(e => ({ server, namespace: e.namespace })),
        destinationServiceAccounts: environments.map(e => ({
          server, namespace: e.namespace, defaultServiceAccount: e.serviceAccount,
        })),
        // Empty, not absent: Argo CD reads an empty cluster whitelist as "no cluster-scoped kind".
        clusterResourceWhitelist: [],
        namespaceResourceBlacklist: ARGO_PLATFORM_OWNED_KINDS.map(k => ({ group: k.group, kind: k.kind })),
        orphanedResources: { warn: true },
      },
    });

    for (const env of environments) {
      new Application(this, `App-${env.name}`, {
        metadata: {
          name: `${this.name}-${env.name}`,
          namespace: this.argoNamespace,
          labels: { ...labels, 'guardrails.cdk8s.io/environment': env.name },
        },
        spec: {
          // Never `default`: the default project allows every repo, cluster and kind.
          project: this.name,
          // Manifests only: ArgoCD would also apply a stray .json (e.g. cdk8s' construct-metadata.json).
          source: { repoUrl: repoURL, targetRevision, path: env.path, directory: { include: '*.yaml' } },
          // Only `server`: Argo CD refuses an Application destination that sets both name and server.
          destination: { server, namespace: env.namespace },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            // The platform creates (and labels, and fences) tenant namespaces; a sync never does.
            syncOptions: ['CreateNamespace=false'],
          },
        },
      });
    }
  }
}


function checkRevision(scope: Construct, value: unknown): string {
  const revision = checkString(scope, 'targetRevision', value);
  if (/\s/.test(revision) || GLOB_CHARS.test(revision)) {
    refuse(scope, 'targetRevision', revision, 'must be a branch, tag or commit without spaces or glob characters',
      'use e.g. "main", "v1.2.3" or a commit SHA');
  }
  return revision;
}

function checkCluster(scope: Construct, value: ArgoCluster): ArgoCluster {
  const name = checkString(scope, 'cluster.name', value?.name);
  const server = checkString(scope, 'cluster.server', value?.server);
  for (const [field, v] of [['cluster.name', name], ['cluster.server', server]]) {
    if (GLOB_CHARS.test(v)) {
      refuse(scope, field, v, 'a glob here lets the project deploy to every cluster it matches',
        'name the one registered cluster literally, e.g. { name: "in-cluster", server: "https://kubernetes.default.svc" }');
    }
  }
  if (dnsSubdomainProblem(name)) {
    refuse(scope, 'cluster.name', name, 'must be a DNS-style name', 'use lower-case letters, digits, "-" and ".", as in "in-cluster" or "prod.eu-west-1"');
  }
  const url = /^https:\/\/([^/]+)(\/[A-Za-z0-9._~/-]*)?$/.exec(server);
  if (!url || !HOST.test(url[1])) {
    refuse(scope, 'cluster.server', server, 'must be the https:// URL of the cluster\'s API server',
      'copy the server URL from "argocd cluster list", e.g. "https://kubernetes.default.svc"');
  }
  return { name, server };
}

function checkEnvironments(scope: Construct, value: unknown): ArgoEnvironment[] {
  if (!Array.isArray(value) || value.length === 0) {
    refuse(scope, 'environments', value, 'must list at least one environment',
      'add an environment, e.g. { name: "production", namespace: "shop-production", serviceAccount: "deployer", path: "dist/apps/shop/production" }');
  }
  const envs = value.map((env: Partial<ArgoEnvironment> | undefined, i): ArgoEnvironment => {
    const field = `environments[${i}]`;
    const name = checkDnsLabel(scope, `${field}.name`, env?.name);
    const namespace = checkString(scope, `${field}.namespace`, env?.namespace);
    if (GLOB_CHARS.test(namespace)) {
      refuse(scope, `${field}.namespace`, namespace, 'a glob here lets the project deploy into namespaces the app does not own',
        'name the environment\'s tenant namespace literally, e.g. "shop-production"');
    }
    checkDnsLabel(scope, `${field}.namespace`, namespace);
    const serviceAccount = checkString(scope, `${field}.serviceAccount`, env?.serviceAccount);
    if (dnsSubdomainProblem(serviceAccount)) {
      // A ":" would also let Argo CD read it as "<namespace>:<name>", i.e. an account in another namespace.
      refuse(scope, `${field}.serviceAccount`, serviceAccount, 'must be the name of a service account in the environment\'s namespace',
        'use the ScopedDeployer\'s service account name, e.g. "deployer" (lower-case letters, digits, "-" and ".")');
    }
    const path = checkString(scope, `${field}.path`, env?.path);
    if (path.startsWith('/') || path.split('/').includes('..') || /\s/.test(path) || GLOB_CHARS.test(path)) {
      refuse(scope, `${field}.path`, path, 'must be a plain folder path relative to the repo root',
        'write it like "dist/apps/shop/production", without a leading "/", ".." or glob characters');
    }
    return { name, namespace, serviceAccount, path };
  });
  envs.forEach((env, i) => {
    const first = envs.findIndex(e => e.name === env.name || e.namespace === env.namespace);
    if (first !== i) {
      const what = envs[first].name === env.name ? `name "${env.name}"` : `namespace "${env.namespace}"`;
      refuse(scope, `environments[${i}]`, env, `duplicates the ${what} of environments[${first}]`,
        'give each environment its own name and its own tenant namespace');
    }
  });
  return envs;
}

function checkSourceRepos(scope: Construct, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    refuse(scope, 'sourceRepos', value, 'must list at least one repo', 'list the repo that holds the manifests, or leave sourceRepos unset');
  }
  const repos = value.map((repo, i) => checkRepoUrl(scope, `sourceRepos[${i}]`, repo, true));
  repos.forEach((repo, i) => {
    // Argo CD's project validation refuses duplicates, so catch them here rather than at apply time.
    if (repos.findIndex(r => normalizeRepo(r) === normalizeRepo(repo)) !== i) {
      refuse(scope, `sourceRepos[${i}]`, repo, 'is listed twice (Argo CD compares repo URLs case-insensitively and without ".git")',
        'list each repo once');
    }
  });
  return repos;
}
