import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { EXCEPTION_PREFIX, MANAGED_BY } from '../policy/annotations';
import { POD_SECURITY_LEVELS, POD_SECURITY_VERSION, PodSecurityLevel } from '../policy/pod-security';
import { checkDnsLabel, checkInteger, checkLabels, checkOneOf, checkQuantity, checkReason } from './validate';
import { sameCopies } from './copies';
import { refuse } from '../policy/errors';
import { annotationKeyProblem, annotationsSizeProblem, dnsSubdomainProblem } from '../policy/grammar';
import { CLUSTER_SECRET_STORES_ANNOTATION } from '../policy/secret-sources';

/** What a workload needs to know about the namespace it lands in. */
export interface ITenantNamespace {
  /** The namespace name. */
  readonly name: string;
  /** The Pod Security level that admission enforces there. */
  readonly podSecurity: PodSecurityLevel;
}

/** Totals for the namespace's ResourceQuota. */
export interface TenantQuota {
  /** Sum of CPU requests. @default '4' */
  readonly requestsCpu?: string;
  /** Sum of memory requests. @default '8Gi' */
  readonly requestsMemory?: string;
  /** Sum of memory limits. @default '16Gi' */
  readonly limitsMemory?: string;
  /** Number of pods. @asType integer @default 50 */
  readonly pods?: number;
  /** Number of Services. @asType integer @default 20 */
  readonly services?: number;
  /** Number of PersistentVolumeClaims. @asType integer @default 10 */
  readonly persistentVolumeClaims?: number;
  /**
   * Sum of the storage the namespace's PersistentVolumeClaims request (a StatefulSet's claim
   * templates once per replica), e.g. `500Gi`. Left unlimited by default: what storage costs and
   * how much a cluster has depend on its storage classes, which a default here cannot know; the
   * number of claims is still bounded by `persistentVolumeClaims`.
   * @default - not limited
   */
  readonly requestsStorage?: string;
}

export interface TenantNamespaceProps {
  /** The app's name: the first half of the namespace name. */
  readonly app: string;
  /** The environment, e.g. `staging`: the second half of the namespace name. */
  readonly environment: string;
  /** The namespace's exact name, e.g. `honeydue`. @default '{app}-{environment}' */
  readonly name?: string;
  /**
   * The Pod Security level admission enforces. `audit` and `warn` stay at `restricted` whatever
   * this says, so that every exception still shows up in audit logs and `kubectl` warnings.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Why a level above `restricted` is needed: required with `baseline` and `privileged`, and
   * written on the Namespace as `guardrails.cdk8s.io/exception.pod-security-level`.
   * @default - none
   */
  readonly podSecurityReason?: string;
  /** ResourceQuota totals; each field has its own default. @default - see {@link TenantQuota} */
  readonly quota?: TenantQuota;
  /**
   * Extra labels for the Namespace (e.g. `team: payments`, for other tools' namespace selectors).
   * They may not set what the guardrails set ({@link RESERVED_NAMESPACE_KEYS}).
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Extra annotations for the Namespace (e.g. `scheduler.alpha.kubernetes.io/node-selector`).
   * They may not set what the guardrails set ({@link RESERVED_NAMESPACE_KEYS}).
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * ClusterSecretStores (External Secrets Operator) the platform allows ExternalSecrets of this
   * namespace to read, written on the Namespace as `guardrails.cdk8s.io/cluster-secret-stores`,
   * where the gate reads it (secret.external-store). A platform decision: the Namespace is applied
   * by the platform, never by the tenant's deployer.
   * @default - none
   */
  readonly clusterSecretStores?: readonly string[];
}

/**
 * Label and annotation keys of a Namespace that the guardrails set and no user may set or
 * override (a trailing `/` is a whole prefix): Pod Security Admission's levels and versions (set
 * from `podSecurity`), the name the API server labels every namespace with (which
 * NetworkPolicies select by), the guardrails' own annotations and labels (departures, the
 * environment) and the `managed-by` and `part-of` labels set from the app.
 */
export const RESERVED_NAMESPACE_KEYS = [
  'pod-security.kubernetes.io/', 'kubernetes.io/metadata.name', 'guardrails.cdk8s.io/',
  'app.kubernetes.io/managed-by', 'app.kubernetes.io/part-of',
] as const;

/** Why `key` is reserved and what to do instead, or undefined when a user may set it. */
function reservedKeyProblem(key: string): { problem: string; fix: string } | undefined {
  // Annotation prefixes compare case-insensitively (and label prefixes are lower case).
  const slash = key.indexOf('/');
  const k = slash < 0 ? key : key.slice(0, slash).toLowerCase() + key.slice(slash);
  const reserved = RESERVED_NAMESPACE_KEYS.find(r => (r.endsWith('/') ? k.startsWith(r) : k === r));
  if (reserved === undefined) return undefined;
  const fix = reserved === 'pod-security.kubernetes.io/' ? 'set the level with podSecurity (and podSecurityReason); the audit, warn and version labels are pinned'
    : reserved === 'kubernetes.io/metadata.name' ? 'remove it: the API server sets it to the namespace name (set the name exactly with name)'
      : reserved === 'guardrails.cdk8s.io/' ? 'remove it: departures are stated on the workloads\' exceptions, and the environment label is set for you'
        : 'remove it: it is set for you from the app name and the guardrails';
  return { problem: `sets ${reserved.endsWith('/') ? `a key under ${reserved}` : reserved}, which the guardrails set and no environment may override`, fix };
}

/** Extra labels or annotations of a Namespace: the Kubernetes grammar, and no reserved key. */
function checkNamespaceMetadata(scope: Construct, field: 'labels' | 'annotations', value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  let checked: Record<string, string>;
  if (field === 'labels') {
    checked = checkLabels(scope, field, value);
  } else {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      refuse(scope, field, value, 'must be a map of annotation key to value', 'write it like { "example.com/owner": "payments" }');
    }
    for (const [key, v] of Object.entries(value)) {
      const keyProblem = annotationKeyProblem(key);
      if (keyProblem) refuse(scope, field, key, `has a key that ${keyProblem}`, 'use a key like "example.com/owner"');
      if (typeof v !== 'string') refuse(scope, `${field}.${key}`, v, 'is not a string', 'quote the value, e.g. "true" or "3"');
    }
    checked = value as Record<string, string>;
    const tooLarge = annotationsSizeProblem(checked);
    if (tooLarge) refuse(scope, field, '<annotations>', tooLarge, 'keep large data out of annotations, e.g. in a ConfigMap');
  }
  for (const key of Object.keys(checked)) {
    const reserved = reservedKeyProblem(key);
    if (reserved) refuse(scope, `${field}.${key}`, checked[key], reserved.problem, reserved.fix);
  }
  return Object.keys(checked).length ? { ...checked } : undefined;
}

/**
 * A namespace (`{app}-{environment}` unless named exactly) for one app environment: Pod Security Admission labels pinned
 * to a version, a ResourceQuota that also forbids LoadBalancer and NodePort Services, and a
 * LimitRange that gives every container requests and a memory limit even if a raw manifest forgot.
 */
export class TenantNamespace extends Construct implements ITenantNamespace {
  public readonly name: string;
  public readonly app: string;
  public readonly environment: string;
  public readonly podSecurity: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: TenantNamespaceProps) {
    super(sameCopies(scope, 'TenantNamespace'), id);
    this.app = checkDnsLabel(this, 'app', props.app);
    this.environment = checkDnsLabel(this, 'environment', props.environment);
    if (props.name !== undefined) {
      this.name = checkDnsLabel(this, 'name', props.name);
    } else {
      this.name = `${this.app}-${this.environment}`;
      if (this.name.length > 63) {
        refuse(this, 'app/environment', this.name, 'the namespace name "{app}-{environment}" is longer than 63 characters',
          'shorten the app or environment name, or set the namespace name exactly');
      }
    }
    this.podSecurity = checkOneOf(this, 'podSecurity', props.podSecurity ?? 'restricted', POD_SECURITY_LEVELS);
    const extraLabels = checkNamespaceMetadata(this, 'labels', props.labels);
    const annotations: Record<string, string> = { ...checkNamespaceMetadata(this, 'annotations', props.annotations) };
    if (this.podSecurity !== 'restricted') {
      annotations[`${EXCEPTION_PREFIX}pod-security-level`] = checkReason(this, 'podSecurityReason', props.podSecurityReason);
    } else if (props.podSecurityReason !== undefined) {
      refuse(this, 'podSecurityReason', props.podSecurityReason, 'gives a reason for a level the namespace does not use (it is restricted)',
        'remove podSecurityReason, or set podSecurity to the level it explains');
    }
    const stores = props.clusterSecretStores ?? [];
    if (!Array.isArray(stores) || stores.some(n => typeof n !== 'string' || dnsSubdomainProblem(n) !== undefined)) {
      refuse(this, 'clusterSecretStores', stores, 'must be a list of ClusterSecretStore names (DNS-1123 subdomains)', 'e.g. ["shared-vault"]');
    }
    if (stores.length > 0) annotations[CLUSTER_SECRET_STORES_ANNOTATION] = [...new Set(stores)].sort().join(',');

    const q = props.quota ?? {};
    const quota = {
      'requests.cpu': checkQuantity(this, 'quota.requestsCpu', q.requestsCpu ?? '4'),
      'requests.memory': checkQuantity(this, 'quota.requestsMemory', q.requestsMemory ?? '8Gi'),
      'limits.memory': checkQuantity(this, 'quota.limitsMemory', q.limitsMemory ?? '16Gi'),
      'pods': String(checkInteger(this, 'quota.pods', q.pods ?? 50, 1, 10000)),
      'services': String(checkInteger(this, 'quota.services', q.services ?? 20, 0, 10000)),
      'persistentvolumeclaims': String(checkInteger(this, 'quota.persistentVolumeClaims', q.persistentVolumeClaims ?? 10, 0, 10000)),
      ...(q.requestsStorage !== undefined ? { 'requests.storage': checkQuantity(this, 'quota.requestsStorage', q.requestsStorage) } : {}),
      // Exposure outside the cluster goes through the shared ingress controller, not per tenant.
      'services.loadbalancers': '0',
      'services.nodeports': '0',
    };

    const labels = { 'app.kubernetes.io/part-of': this.app, ...MANAGED_BY };
    new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: this.name,
        annotations: Object.keys(annotations).length ? annotations : undefined,
        labels: {
          ...extraLabels,
          ...labels,
          'guardrails.cdk8s.io/environment': this.environment,
          'pod-security.kubernetes.io/enforce': this.podSecurity,
          'pod-security.kubernetes.io/enforce-version': POD_SECURITY_VERSION,
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': POD_SECURITY_VERSION,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': POD_SECURITY_VERSION,
        },
      },
    });
    new k8s.KubeResourceQuota(this, 'Quota', {
      metadata: { name: 'tenant-quota', namespace: this.name, labels },
      spec: { hard: mapValues(quota) },
    });
    new k8s.KubeLimitRange(this, 'Limits', {
      metadata: { name: 'tenant-limits', namespace: this.name, labels },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: mapValues({ cpu: '100m', memory: '128Mi' }),
          default: mapValues({ memory: '256Mi' }),
          max: mapValues({ memory: '4Gi' }),
        }],
      },
    });
  }
}

function mapValues(values: Record<string, string>): Record<string, k8s.Quantity> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, k8s.Quantity.fromString(v)]));
}
