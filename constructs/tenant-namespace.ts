import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { EXCEPTION_PREFIX, MANAGED_BY } from '../policy/annotations';
import { POD_SECURITY_LEVELS, POD_SECURITY_VERSION, PodSecurityLevel } from '../policy/pod-security';
import { checkDnsLabel, checkInteger, checkOneOf, checkQuantity, checkReason } from './validate';
import { sameCopies } from './copies';
import { refuse } from '../policy/errors';

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
    const annotations: Record<string, string> = {};
    if (this.podSecurity !== 'restricted') {
      annotations[`${EXCEPTION_PREFIX}pod-security-level`] = checkReason(this, 'podSecurityReason', props.podSecurityReason);
    } else if (props.podSecurityReason !== undefined) {
      refuse(this, 'podSecurityReason', props.podSecurityReason, 'gives a reason for a level the namespace does not use (it is restricted)',
        'remove podSecurityReason, or set podSecurity to the level it explains');
    }

    const q = props.quota ?? {};
    const quota = {
      'requests.cpu': checkQuantity(this, 'quota.requestsCpu', q.requestsCpu ?? '4'),
      'requests.memory': checkQuantity(this, 'quota.requestsMemory', q.requestsMemory ?? '8Gi'),
      'limits.memory': checkQuantity(this, 'quota.limitsMemory', q.limitsMemory ?? '16Gi'),
      'pods': String(checkInteger(this, 'quota.pods', q.pods ?? 50, 1, 10000)),
      'services': String(checkInteger(this, 'quota.services', q.services ?? 20, 0, 10000)),
      'persistentvolumeclaims': String(checkInteger(this, 'quota.persistentVolumeClaims', q.persistentVolumeClaims ?? 10, 0, 10000)),
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
