import { Construct } from 'constructs';
import { Application } from '../imports/argocd-application-argoproj.io';
import { AppProject } from '../imports/argocd-appproject-argoproj.io';
import { EXCEPTION_PREFIX, MANAGED_BY } from '../policy/annotations';
import {
  chartRepoProblem, chartVersionProblem, checkChartRepoUrl, checkRepoUrl, DEFAULT_ARGO_NAMESPACE, GLOB_CHARS, HOST, normalizeRepo, PLATFORM_NAMESPACES, repoMatches,
} from '../policy/argo';
import { refuse } from '../policy/errors';
import { dnsSubdomainProblem } from '../policy/grammar';
import { FENCE_KINDS, GroupKind, TENANT_KINDS, tenantGroupKind } from '../policy/tenant-kinds';
import { checkDnsLabel, checkReason, checkString } from './validate';
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

/**
 * A Helm chart the app installs in some of its environments, beside its own manifests: one extra
 * Application per environment, `<app>-<env>-<name>`, in the app's project, into the environment's
 * namespace, synced as the same deployer. What the chart renders is not in the repo, so the policy
 * gate never sees it: the `reason` is written on each Application as the
 * `guardrails.cdk8s.io/exception.helm-chart` annotation and reported. What still fences it is the
 * project (its namespaced-kind whitelist, no cluster-scoped kinds, its destinations) and the
 * deployer's Role, which Argo CD impersonates.
 */
export interface ArgoHelmChart {
  /** Short name (a DNS label): the Application is `<app>-<env>-<name>` and the Helm release `<name>`. */
  readonly name: string;
  /**
   * The chart repository, literally: a Helm repository `https://host[/path]` (its root may be the
   * host, e.g. `https://charts.jetstack.io`) or an OCI registry path `oci://host/path` (the chart
   * name is appended, e.g. `oci://ghcr.io/acme/charts` + `api`). It is added to the project's
   * `sourceRepos` as an exact entry (for OCI, the chart's full path), never a glob.
   */
  readonly repoURL: string;
  /** The chart's name in the repository, e.g. `cert-manager`. */
  readonly chart: string;
  /** One exact version, e.g. `1.2.3` or `v1.14.4` (for OCI also a `sha256:` digest): never a range, `*` or `latest`. */
  readonly version: string;
  /**
   * Helm values files in the app's own repo (`repoURL` of the project, at its `targetRevision`),
   * relative to its root, e.g. `charts/cert-manager/values.yaml`; read through a second source
   * with `ref: values` as `$values/<path>`.
   * @default - the chart's own defaults
   */
  readonly valueFiles?: string[];
  /** Names of the environments that install it. @default - every environment */
  readonly environments?: string[];
  /** Why the app needs a chart whose objects the gate cannot judge. Written on each of its Applications. */
  readonly reason: string;
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
  /**
   * The namespaced kinds the project may sync (its `namespaceResourceWhitelist`), each a kind a
   * tenant may own: `TENANT_KINDS` (policy/tenant-kinds.ts), `DaemonSet` or `Secret`. Never a
   * kind that fences the tenant (quota, limits, network policy, RBAC, Argo CD's own).
   * @default - every kind of TENANT_KINDS
   */
  readonly kinds?: string[];
  /** Helm charts installed beside the app's manifests, each its own Application per environment. @default - none */
  readonly charts?: ArgoHelmChart[];
}

/** Where Argo CD puts its own in-cluster API server. */
export const ARGO_IN_CLUSTER: ArgoCluster = { name: 'in-cluster', server: 'https://kubernetes.default.svc' };

/** The guardrail kinds no tenant project may sync (policy/tenant-kinds.ts FENCE_KINDS). */
export const ARGO_PLATFORM_OWNED_KINDS: readonly GroupKind[] = FENCE_KINDS;

/**
 * An Argo CD AppProject for one app, and one Application per environment that syncs the
 * environment's folder of the repo into its tenant namespace.
 *
 * The project only lets the app reach its own namespaces on one cluster, creates nothing
 * cluster-scoped, and syncs only the namespaced kinds of its whitelist (tenant kinds, never
 * quotas, limits, network policy, RBAC or Argo CD's own), leaving those to the platform team.
 * Helm charts (`charts`) get their own Applications, reasoned as departures.
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
    const gitRepos = checkSourceRepos(this, props.sourceRepos ?? [repoURL]);
    if (!gitRepos.some(pattern => repoMatches(pattern, repoURL))) {
      refuse(this, 'repoURL', repoURL, 'the repo is not in sourceRepos, so Argo CD would refuse every sync',
        `add "${repoURL}" to sourceRepos, or point repoURL at a repo that sourceRepos lists`);
    }

    this.cluster = checkCluster(this, props.cluster ?? ARGO_IN_CLUSTER);
    const environments = checkEnvironments(this, props.environments);
    const whitelist = checkKinds(this, props.kinds ?? Object.keys(TENANT_KINDS));
    const charts = checkCharts(this, props.charts ?? [], environments.map(e => e.name));
    // Each chart repo exactly as its Applications name it (Argo CD compares after lower-casing and
    // trimming ".git"): a registry root or an OCI chart path is one repo, never a pattern.
    const sourceRepos = [...gitRepos];
    for (const chart of charts) {
      if (!sourceRepos.some(r => normalizeRepo(r) === normalizeRepo(chart.source))) sourceRepos.push(chart.source);
    }
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
    charts.forEach((chart, i) => chart.environments.forEach(env => {
      if (`${this.name}-${env}-${chart.name}`.length > 63) {
        refuse(this, `charts[${i}].name`, chart.name, `the Application name "${this.name}-${env}-${chart.name}" is longer than 63 characters`,
          'shorten the chart\'s name (or the app or environment name)');
      }
      if (environments.some(e => `${this.name}-${e.name}` === `${this.name}-${env}-${chart.name}`)) {
        refuse(this, `charts[${i}].name`, chart.name, `the Application "${this.name}-${env}-${chart.name}" would have the name of an environment's Application`,
          'give the chart another name');
      }
    }));

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
        // An allow-list, not a blocklist: a kind nobody thought of (a CRD installed tomorrow) is refused.
        namespaceResourceWhitelist: whitelist.map(k => ({ group: k.group, kind: k.kind })),
        // Objects in the app's namespaces that no Application tracks (left by a hand edit or a
        // removed chart) show as a warning on the app.
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

    for (const chart of charts) {
      for (const env of environments.filter(e => chart.environments.includes(e.name))) {
        new Application(this, `Chart-${env.name}-${chart.name}`, {
          metadata: {
            name: `${this.name}-${env.name}-${chart.name}`,
            namespace: this.argoNamespace,
            labels: { ...labels, 'guardrails.cdk8s.io/environment': env.name, 'guardrails.cdk8s.io/chart': chart.name },
            // The gate never sees what the chart renders: a departure, with its reason, reported.
            annotations: { [`${EXCEPTION_PREFIX}helm-chart`]: chart.reason },
          },
          spec: {
            project: this.name,
            sources: [
              {
                repoUrl: chart.source,
                // A Helm repository names the chart; an OCI source is the chart itself, at its root.
                ...(chart.oci ? { path: '.' } : { chart: chart.chart }),
                targetRevision: chart.version,
                helm: {
                  releaseName: chart.name,
                  // CRDs are cluster-scoped: the project refuses them, the platform installs them.
                  skipCrds: true,
                  ...(chart.valueFiles.length ? { valueFiles: chart.valueFiles.map(f => `$values/${f}`) } : {}),
                },
              },
              // The app's own repo, only as the `$values` the chart source reads its values files from.
              ...(chart.valueFiles.length ? [{ repoUrl: repoURL, targetRevision, ref: 'values' }] : []),
            ],
            destination: { server, namespace: env.namespace },
            syncPolicy: {
              automated: { prune: true, selfHeal: true },
              syncOptions: ['CreateNamespace=false'],
            },
          },
        });
      }
    }
  }
}

/** A chart as checked, with the repo URL its Application reads (for OCI, with the chart's name). */
export interface CheckedChart extends Required<Omit<ArgoHelmChart, 'environments'>> {
  readonly environments: string[];
  readonly oci: boolean;
  readonly source: string;
}

/** Helm chart names: lower-case letters, digits and "-" (Helm's own convention), at most 63 characters. */
const CHART_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function checkCharts(scope: Construct, value: unknown, environments: string[]): CheckedChart[] {
  if (!Array.isArray(value)) refuse(scope, 'charts', value, 'must be a list of charts', 'list charts, e.g. [{ name: "cert-manager", repoURL: "https://charts.jetstack.io", ... }]');
  const charts = value.map((c: Partial<ArgoHelmChart> | undefined, i) => checkHelmChart(scope, `charts[${i}]`, c, environments));
  charts.forEach((c, i) => {
    const first = charts.findIndex(o => o.name === c.name);
    if (first !== i) refuse(scope, `charts[${i}].name`, c.name, `duplicates the name of charts[${first}]`, 'give each chart its own name');
  });
  return charts;
}

/**
 * Checks one chart as {@link ArgoProject} does, refusing at `scope` and `field` (the compiler
 * calls it with the app spec's path, so that a refusal names the spec's field).
 */
export function checkHelmChart(scope: Construct | string, field: string, c: Partial<ArgoHelmChart> | undefined, environments: string[]): CheckedChart {
  const name = checkDnsLabel(scope, `${field}.name`, c?.name);
  const repoURL = checkChartRepoUrl(scope, `${field}.repoURL`, c?.repoURL);
  const chart = checkString(scope, `${field}.chart`, c?.chart);
  if (!CHART_NAME.test(chart)) {
    refuse(scope, `${field}.chart`, chart, 'must be a Helm chart name: lower-case letters, digits and "-"', 'copy the chart\'s name from its repository, e.g. "cert-manager"');
  }
  const oci = repoURL.startsWith('oci://');
  const versionProblem = chartVersionProblem(c?.version, oci);
  if (versionProblem) {
    refuse(scope, `${field}.version`, c?.version, `must pin one chart version; ${versionProblem}`,
      `write the exact version to install, e.g. "1.14.4"${oci ? ' or a "sha256:..." digest' : ''}, and change it in review`);
  }
  if (c?.valueFiles !== undefined && !Array.isArray(c.valueFiles)) {
    refuse(scope, `${field}.valueFiles`, c.valueFiles, 'must be a list of paths', 'list values files in the app repo, e.g. ["charts/cert-manager/values.yaml"]');
  }
  const valueFiles = (c?.valueFiles ?? []).map((f, k) => {
    const path = checkString(scope, `${field}.valueFiles[${k}]`, f);
    if (path.startsWith('/') || path.startsWith('$') || path.includes('://') || path.split('/').some(s => s === '..' || s === '.' || s === '')
      || /\s/.test(path) || GLOB_CHARS.test(path)) {
      refuse(scope, `${field}.valueFiles[${k}]`, path, 'must be a plain file path relative to the root of the app repo',
        'write it like "charts/cert-manager/values.yaml", without a leading "/", "$", "..", a URL or glob characters');
    }
    return path;
  });
  if (c?.environments !== undefined && (!Array.isArray(c.environments) || c.environments.length === 0)) {
    refuse(scope, `${field}.environments`, c.environments, 'must list at least one environment', 'name environments of the app, or leave environments unset for all');
  }
  const envs = (c?.environments ?? environments).map((e, k) => {
    if (!environments.includes(e)) {
      refuse(scope, `${field}.environments[${k}]`, e, 'is not an environment of the app', `use ${environments.join(', ')}`);
    }
    return e;
  });
  const reason = checkReason(scope, `${field}.reason`, c?.reason);
  return { name, repoURL, chart, version: c!.version!, valueFiles, environments: [...new Set(envs)], reason, oci, source: oci ? `${repoURL}/${chart}` : repoURL };
}

function checkKinds(scope: Construct, value: unknown): GroupKind[] {
  if (!Array.isArray(value)) refuse(scope, 'kinds', value, 'must be a list of kind names', 'list kinds, e.g. ["Deployment", "Service"], or leave kinds unset');
  const kinds = value.map((kind, i): GroupKind => {
    const groupKind = typeof kind === 'string' ? tenantGroupKind(kind) : undefined;
    if (!groupKind || FENCE_KINDS.some(f => f.kind === kind)) {
      refuse(scope, `kinds[${i}]`, kind, 'is not a namespaced kind a tenant may own; the project would let its syncs create it',
        'list kinds of TENANT_KINDS (policy/tenant-kinds.ts), DaemonSet or Secret; quotas, limits, network policy, RBAC and Argo CD objects are the platform\'s');
    }
    return groupKind;
  });
  const seen = new Set<string>();
  return kinds.filter(k => (seen.has(`${k.group}/${k.kind}`) ? false : (seen.add(`${k.group}/${k.kind}`), true)))
    .sort((a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind));
}


/** A branch, tag or commit: no whitespace, no glob. */
export function checkRevision(scope: Construct | string, value: unknown): string {
  const revision = checkString(scope, 'targetRevision', value);
  if (/\s/.test(revision) || GLOB_CHARS.test(revision)) {
    refuse(scope, 'targetRevision', revision, 'must be a branch, tag or commit without spaces or glob characters',
      'use e.g. "main", "v1.2.3" or a commit SHA');
  }
  return revision;
}

/** A cluster as registered in Argo CD, literally. */
export function checkCluster(scope: Construct | string, value: ArgoCluster): ArgoCluster {
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
  const repos = value.map((repo, i) => {
    if (typeof repo === 'string' && /^(oci:\/\/|https:\/\/[^/]+$)/i.test(repo) && chartRepoProblem(repo) === undefined) {
      refuse(scope, `sourceRepos[${i}]`, repo, 'is a chart repository, which the project trusts only for a chart with a pinned version and a reason',
        'remove it from sourceRepos and add the chart to charts (repoURL, chart, version, reason)');
    }
    return checkRepoUrl(scope, `sourceRepos[${i}]`, repo, true);
  });
  repos.forEach((repo, i) => {
    // Argo CD's project validation refuses duplicates, so catch them here rather than at apply time.
    if (repos.findIndex(r => normalizeRepo(r) === normalizeRepo(repo)) !== i) {
      refuse(scope, `sourceRepos[${i}]`, repo, 'is listed twice (Argo CD compares repo URLs case-insensitively and without ".git")',
        'list each repo once');
    }
  });
  return repos;
}
