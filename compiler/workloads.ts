import { Construct } from 'constructs';
import {
  HardenedCronJob, HardenedDaemonSet, HardenedDeployment, HardenedJob, HardenedStatefulSet, IHardenedWorkload, ITenantNamespace,
} from '../constructs';
import { checkOneOf } from '../constructs/validate';
import type { ApiTokenProps } from '../constructs/pod-api-token';
import { refuse } from '../policy';
import { EnvironmentSpec, ServiceSpec, WorkloadKind } from './app-spec';

export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'Job', 'CronJob', 'DaemonSet'];

/** The kinds each kind-specific field of a ServiceSpec applies to. */
const KIND_FIELDS: Readonly<Record<string, readonly WorkloadKind[]>> = {
  replicas: ['Deployment', 'StatefulSet'],
  autoscaling: ['Deployment', 'StatefulSet'],
  ports: ['Deployment', 'StatefulSet', 'DaemonSet'],
  callers: ['Deployment', 'StatefulSet', 'DaemonSet'],
  ingress: ['Deployment', 'StatefulSet', 'DaemonSet'],
  volumeClaimTemplates: ['StatefulSet'],
  podManagementPolicy: ['StatefulSet'],
  backoffLimit: ['Job', 'CronJob'],
  activeDeadlineSeconds: ['Job', 'CronJob'],
  ttlSecondsAfterFinished: ['Job', 'CronJob'],
  restartPolicy: ['Job', 'CronJob'],
  parallelism: ['Job', 'CronJob'],
  completions: ['Job', 'CronJob'],
  schedule: ['CronJob'],
  timeZone: ['CronJob'],
  concurrencyPolicy: ['CronJob'],
  successfulJobsHistoryLimit: ['CronJob'],
  failedJobsHistoryLimit: ['CronJob'],
  startingDeadlineSeconds: ['CronJob'],
};

/** Why a field makes no sense for a kind, where a reason says more than the list of kinds it applies to. */
const WHY_NOT: Readonly<Record<string, Partial<Record<WorkloadKind, string>>>> = {
  replicas: {
    Job: 'a Job runs its pod to completion, once; there is nothing to replicate',
    CronJob: 'a CronJob runs one pod per scheduled run; there is nothing to replicate',
    DaemonSet: 'a DaemonSet runs one pod on every node, however many nodes there are',
  },
  ports: { Job: 'a Job has no Service and nothing calls it', CronJob: 'a CronJob has no Service and nothing calls it' },
  callers: { Job: 'a Job listens on no port, so nothing can call it', CronJob: 'a CronJob listens on no port, so nothing can call it' },
  ingress: { Job: 'a Job listens on no port, so no Ingress can route to it', CronJob: 'a CronJob listens on no port, so no Ingress can route to it' },
};

/** The service's kind, checked. */
export function kindOf(path: string, svc: ServiceSpec): WorkloadKind {
  return checkOneOf(path, 'kind', svc?.kind ?? 'Deployment', WORKLOAD_KINDS);
}

/**
 * Refuses the fields of `svc` that belong to another kind, and a CronJob without a schedule;
 * returns whether it refused any (the service is then not built, which would only repeat them).
 */
export function checkKindFields(path: string, svc: ServiceSpec, kind: WorkloadKind, attempt: (fn: () => void) => void): boolean {
  let refused = false;
  for (const [field, kinds] of Object.entries(KIND_FIELDS)) {
    const value = (svc as unknown as Record<string, unknown>)[field];
    if (value === undefined || kinds.includes(kind)) continue;
    if ((field === 'ports' || field === 'callers') && Array.isArray(value) && value.length === 0) continue;
    refused = true;
    attempt(() => refuse(path, field, value, WHY_NOT[field]?.[kind] ?? `applies to a ${kinds.join(' or ')} only, and this service is a ${kind}`,
      `remove ${field}${kinds.length ? `, or set kind to "${kinds[0]}"` : ''}`));
  }
  if (kind === 'CronJob' && svc.schedule === undefined) {
    refused = true;
    attempt(() => refuse(path, 'schedule', undefined, 'is required for a CronJob', 'say when it runs, e.g. schedule: "0 3 * * *" or "@daily"'));
  }
  return refused;
}

/** Refuses a DaemonSet in an environment whose namespace enforces `restricted` (see ServiceSpec). */
export function checkKindInEnvironment(path: string, kind: WorkloadKind, env: string, envSpec: EnvironmentSpec): void {
  if (kind === 'DaemonSet' && (envSpec.podSecurity ?? 'restricted') === 'restricted') {
    refuse(path, 'kind', kind, `puts a pod on every node, a platform workload that needs an environment of podSecurity "baseline" or "privileged", and environment ${env} enforces "restricted"`,
      `use kind "Deployment", or give environment ${env} podSecurity "baseline" and a podSecurityReason`);
  }
}

/** The service's workload construct in one environment. */
export function buildWorkload(scope: Construct, name: string, svc: ServiceSpec, kind: WorkloadKind, env: string, namespace: ITenantNamespace,
  labels: Record<string, string>, apiToken?: ApiTokenProps): IHardenedWorkload {
  const { kind: _kind, replicas, callers: _callers, calls: _calls, egress: _egress, ingress: _ingress, kubernetesApi: _api, ...rest } = svc;
  // The token of a service's kubernetesApi (built by the compiler with the platform's audience).
  const common = { ...rest, namespace, labels, ...(apiToken ? { apiToken } : {}) };
  const count = typeof replicas === 'object' ? (Object.hasOwn(replicas, env) ? replicas[env] : 1) : replicas;
  switch (kind) {
    case 'StatefulSet': return new HardenedStatefulSet(scope, name, { ...common, replicas: count });
    case 'Job': return new HardenedJob(scope, name, common as typeof common & { ports?: never[] });
    case 'CronJob': return new HardenedCronJob(scope, name, { ...common, schedule: svc.schedule! } as typeof common & { ports?: never[]; schedule: string });
    case 'DaemonSet': return new HardenedDaemonSet(scope, name, common);
    default: return new HardenedDeployment(scope, name, { ...common, replicas: count });
  }
}
