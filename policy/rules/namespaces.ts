import { Json, namespaceOf } from '../model';
import { quantityValue, showQuantity } from '../quantity';
import { namespaceDemand, QUOTA_KEYS } from '../quota';
import { parsePodSecurityVersion, POD_SECURITY_LEVELS, POD_SECURITY_VERSION } from '../pod-security';
import { Rule } from '../rule';

/** Namespaces that run workloads enforce Pod Security, with labels the admission plugin can read. */

const PREFIX = 'pod-security.kubernetes.io/';
const MODES = ['enforce', 'audit', 'warn'] as const;
/** What Pod Security Admission accepts as a version: `latest` or `v1.<minor>`. */
const VERSION = /^(latest|v1\.(0|[1-9][0-9]*))$/;

/** Why a `pod-security.kubernetes.io/*` label is one the admission plugin cannot use, or `undefined`. */
function labelProblem(key: string, value: unknown): string | undefined {
  const mode = key.slice(PREFIX.length);
  if ((MODES as readonly string[]).includes(mode)) {
    return POD_SECURITY_LEVELS.includes(value as any) ? undefined
      : `${JSON.stringify(value)} is not a level (${POD_SECURITY_LEVELS.join(', ')}); the admission plugin refuses it, and we judge the namespace as restricted`;
  }
  if (MODES.some(m => mode === `${m}-version`)) {
    return typeof value === 'string' && VERSION.test(value) ? undefined
      : `${JSON.stringify(value)} is not a Pod Security version ("latest" or "v1.<minor>", e.g. "v1.28"); we judge the namespace at latest`;
  }
  return `${key} is no Pod Security Admission label (a typo leaves the intended one unset); use ${MODES.flatMap(m => [m, `${m}-version`]).map(m => PREFIX + m).join(', ')}`;
}

export const NAMESPACES_RULES: Rule[] = [
  {
    id: 'namespace.pod-security-labels', family: 'namespaces', severity: 'error', title: 'namespaces with workloads enforce Pod Security',
    fix: 'define the Namespace with pod-security.kubernetes.io/enforce (and -version) labels, e.g. with TenantNamespace',
    check: ctx => ctx.workloadNamespaces().flatMap(ns => {
      const namespace = ctx.namespaceObject(ns);
      const labels: Json = namespace?.metadata?.labels ?? {};
      if (namespace && POD_SECURITY_LEVELS.includes(labels[`${PREFIX}enforce`]) && VERSION.test(String(labels[`${PREFIX}enforce-version`]))) return [];
      const object = namespace ?? ctx.podsIn(ns)[0].object;
      return [{ object, field: namespace ? 'metadata.labels' : 'metadata.namespace',
        message: namespace ? `namespace ${ns} has no valid pinned pod-security.kubernetes.io/enforce and enforce-version labels`
          : `namespace ${ns} runs pods but is not defined with Pod Security labels` }];
    }),
  },
  {
    id: 'namespace.pod-security-label-values', family: 'namespaces', severity: 'error', waivable: false,
    title: 'Pod Security labels have values the admission plugin accepts',
    fix: 'set enforce/audit/warn to privileged, baseline or restricted and each -version to "latest" or "v1.<minor>"',
    check: ctx => ctx.ofKind('Namespace').flatMap(ns => Object.entries((ns.metadata?.labels ?? {}) as Json)
      .filter(([key]) => key.startsWith(PREFIX))
      .flatMap(([key, value]) => {
        const problem = labelProblem(key, value);
        return problem ? [{ object: ns, field: `metadata.labels.${key}`, message: problem }] : [];
      })),
  },
  {
    id: 'namespace.relaxed-pod-security', family: 'namespaces', severity: 'error',
    title: 'a namespace that enforces less than restricted, or an older policy version, says why',
    fix: 'annotate the Namespace guardrails.cdk8s.io/exception.pod-security-level: <why> (TenantNamespace: podSecurityReason), or enforce restricted at v1.28 or later',
    check: ctx => ctx.ofKind('Namespace').flatMap(ns => {
      const labels: Json = ns.metadata?.labels ?? {};
      const level = labels[`${PREFIX}enforce`];
      const version = parsePodSecurityVersion(labels[`${PREFIX}enforce-version`]);
      const pinned = parsePodSecurityVersion(POD_SECURITY_VERSION) as { minor: number };
      // Invalid values are namespace.pod-security-label-values' to report (and judged strictly).
      if (level === 'baseline' || level === 'privileged') {
        return [{ object: ns, field: `metadata.labels.${PREFIX}enforce`, message: `namespace ${ns.metadata?.name} enforces ${level}, which admits more than restricted` }];
      }
      if (level === 'restricted' && version !== undefined && version !== 'latest' && version.minor < pinned.minor) {
        return [{ object: ns, field: `metadata.labels.${PREFIX}enforce-version`, message: `namespace ${ns.metadata?.name} enforces restricted as of v1.${version.minor}, older than ${POD_SECURITY_VERSION}, which admits more` }];
      }
      return [];
    }),
  },
  {
    id: 'namespace.quota-fits', family: 'namespaces', severity: 'error',
    title: 'the ResourceQuota of a namespace admits what the set puts in it',
    fix: 'raise the quota (the environment\'s quota in the app spec) or lower replicas, requests, limits and claimed storage; state requests and limits on every container',
    check: ctx => ctx.ofKind('ResourceQuota').flatMap(quota => {
      const hard: Json = quota.spec?.hard !== null && typeof quota.spec?.hard === 'object' ? quota.spec.hard : {};
      const ns = namespaceOf(quota);
      const demand = namespaceDemand(ctx, ns);
      return Object.keys(hard).filter(key => Object.prototype.hasOwnProperty.call(QUOTA_KEYS, key)).flatMap(key => {
        const what = QUOTA_KEYS[key];
        const limit = quantityValue(hard[key]);
        const unit = what.endsWith('cpu') ? 'cpu' : what.endsWith('memory') || what === 'requests.storage' ? 'memory' : 'count';
        const field = `spec.hard.${key}`;
        if (demand.unstated.has(what)) {
          return [{ object: quota, field, message: what === 'requests.storage'
            ? `a PersistentVolumeClaim (or StatefulSet claim template) in namespace ${ns} states no storage request we can read, so the gate cannot tell whether this quota admits it`
            : `a container in namespace ${ns} states no ${what.replace('.', ' ')} and no LimitRange default gives it one, so this quota makes admission reject its pods` }];
        }
        // Sums of binary fractions drift: 3 pods of 100m add up to 0.30000000000000004, above a 300m quota
        // that admits them exactly. Kubernetes counts in whole milli-units; a relative 1e-9 is far below one.
        if (limit === undefined || demand[what] <= limit * (1 + 1e-9)) return [];
        const why = what === 'pods' ? ' (replicas plus the extra pods of a rolling update)'
          : what === 'requests.storage' ? ' (its claims, and each StatefulSet claim template once per replica)'
            : what.includes('.') ? ' (per pod, at replicas plus rolling-update surge)' : '';
        return [{ object: quota, field,
          message: `namespace ${ns} needs ${showQuantity(demand[what], unit)} ${what}${why}, but its quota admits ${showQuantity(limit, unit)}` }];
      });
    }),
  },
];
