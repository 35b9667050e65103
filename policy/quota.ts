import { Json, ManifestContext, PodTemplate } from './model';
import { quantityValue } from './quantity';

/**
 * What the objects of a namespace ask of its ResourceQuota at their most: every workload at its
 * replicas (the maxReplicas of a HorizontalPodAutoscaler that targets it) plus the extra pods of a
 * rolling update, with requests and limits per pod as the scheduler and the quota count them (the
 * native sidecars' sum plus the larger of the app containers' sum and the largest other init
 * container; a missing value takes the namespace's LimitRange default, as admission fills it in).
 */
export interface NamespaceDemand {
  readonly pods: number;
  readonly services: number;
  readonly persistentvolumeclaims: number;
  readonly 'requests.cpu': number;
  readonly 'requests.memory': number;
  readonly 'limits.memory': number;
  readonly 'limits.cpu': number;
  /** Storage requested by PersistentVolumeClaims: the claims', and each StatefulSet claim template's once per replica. */
  readonly 'requests.storage': number;
  /** Quota keys for which some container states no value and no default fills one in: admission rejects its pods. */
  readonly unstated: ReadonlySet<DemandKey>;
}

export type DemandKey = Exclude<keyof NamespaceDemand, 'unstated'>;

/** Quota keys and the keys that mean the same (`cpu` is `requests.cpu`). */
export const QUOTA_KEYS: Readonly<Record<string, DemandKey>> = {
  'pods': 'pods', 'count/pods': 'pods',
  'services': 'services', 'count/services': 'services',
  'persistentvolumeclaims': 'persistentvolumeclaims', 'count/persistentvolumeclaims': 'persistentvolumeclaims',
  'requests.cpu': 'requests.cpu', 'cpu': 'requests.cpu',
  'requests.memory': 'requests.memory', 'memory': 'requests.memory',
  'limits.memory': 'limits.memory', 'limits.cpu': 'limits.cpu',
  'requests.storage': 'requests.storage',
};

const count = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback);

/**
 * The most replicas a HorizontalPodAutoscaler of `namespace` may give `object` (a Deployment or
 * StatefulSet it targets by kind and name); undefined when none targets it.
 */
function autoscaledTo(ctx: ManifestContext, namespace: string, object: Json): number | undefined {
  const maxima = ctx.inNamespace('HorizontalPodAutoscaler', namespace)
    .filter(hpa => hpa.spec?.scaleTargetRef?.kind === object.kind && hpa.spec?.scaleTargetRef?.name === object.metadata?.name)
    .map(hpa => count(hpa.spec?.maxReplicas, 1));
  return maxima.length ? Math.max(...maxima) : undefined;
}

/** How many pods an object runs at its most: replicas (an autoscaler's maximum when one targets it), plus a rolling update's surge. */
function podsOf(object: Json, autoscaled?: number): number {
  const spec = object.spec ?? {};
  switch (object.kind) {
    case 'Deployment': {
      const replicas = autoscaled ?? count(spec.replicas, 1);
      if (spec.strategy?.type === 'Recreate') return replicas;
      const surge = spec.strategy?.rollingUpdate?.maxSurge ?? '25%';
      const extra = typeof surge === 'string' && /^[0-9]+%$/.test(surge) ? Math.ceil((replicas * parseInt(surge, 10)) / 100) : count(surge, 1);
      return replicas + extra;
    }
    case 'StatefulSet': return autoscaled ?? count(spec.replicas, 1);
    case 'ReplicaSet': case 'ReplicationController': return count(spec.replicas, 1);
    case 'Job': return jobPods(spec);
    case 'CronJob': return jobPods(spec.jobTemplate?.spec ?? {});
    // One per node, and nodes are not in the set: at least one.
    default: return 1;
  }
}

/**
 * The pods a Job runs at once: `parallelism` (default 1), never more than its `completions` (the
 * controller starts no more than it still needs). One CronJob run: overlapping runs
 * (concurrencyPolicy Allow) are not counted.
 */
function jobPods(spec: Json): number {
  const parallelism = count(spec.parallelism, 1);
  return spec.completions === undefined || spec.completions === null ? parallelism : Math.min(parallelism, count(spec.completions, parallelism));
}

/** The LimitRange defaults for containers of `namespace`. */
function containerDefaults(ctx: ManifestContext, namespace: string): { requests: Json; limits: Json } {
  const limits = ctx.inNamespace('LimitRange', namespace).flatMap(lr => (Array.isArray(lr.spec?.limits) ? lr.spec.limits : []))
    .filter((l: Json) => l?.type === 'Container');
  return {
    requests: Object.assign({}, ...limits.map((l: Json) => ({ ...(l.default ?? {}), ...(l.defaultRequest ?? {}) }))),
    limits: Object.assign({}, ...limits.map((l: Json) => l.default ?? {})),
  };
}

/** What one pod of `pod` asks for `resource` under `kind` (requests or limits); `undefined` when a container states nothing. */
function perPod(pod: PodTemplate, kind: 'requests' | 'limits', resource: 'cpu' | 'memory', defaults: { requests: Json; limits: Json }): number | undefined {
  let unstated = false;
  const of = (c: Json) => {
    const own = c?.resources?.[kind]?.[resource];
    // A request left out defaults to the limit, then to the LimitRange.
    const fallback = kind === 'requests' ? c?.resources?.limits?.[resource] ?? defaults.requests[resource] : defaults.limits[resource];
    const value = quantityValue(own ?? fallback);
    if (value === undefined) unstated = true;
    return value ?? 0;
  };
  // Native sidecars (init containers with restartPolicy Always) run beside the app containers and
  // every init container after them: counted with both (an upper bound of the scheduler's sum).
  const sidecar = (c: PodTemplate['containers'][number]) => c.list === 'initContainers' && c.container?.restartPolicy === 'Always';
  const sidecars = pod.containers.filter(sidecar).reduce((sum, c) => sum + of(c.container), 0);
  const app = pod.containers.filter(c => c.list === 'containers').reduce((sum, c) => sum + of(c.container), 0);
  const init = pod.containers.filter(c => c.list === 'initContainers' && !sidecar(c)).reduce((max, c) => Math.max(max, of(c.container)), 0);
  return unstated ? undefined : sidecars + Math.max(app, init);
}

/** What the set's objects in `namespace` ask of its quota. */
export function namespaceDemand(ctx: ManifestContext, namespace: string): NamespaceDemand {
  const defaults = containerDefaults(ctx, namespace);
  const unstated = new Set<DemandKey>();
  const demand = { pods: 0, services: 0, persistentvolumeclaims: 0, 'requests.cpu': 0, 'requests.memory': 0, 'limits.memory': 0, 'limits.cpu': 0, 'requests.storage': 0, unstated };
  // A claim's storage request; a claim without one we can read is unstated (the API server requires one).
  const storage = (claim: Json) => {
    const value = quantityValue(claim?.spec?.resources?.requests?.storage);
    if (value === undefined) unstated.add('requests.storage');
    return value ?? 0;
  };
  for (const pod of ctx.podsIn(namespace)) {
    const autoscaled = autoscaledTo(ctx, namespace, pod.object);
    const n = podsOf(pod.object, autoscaled);
    demand.pods += n;
    for (const [key, kind, resource] of [['requests.cpu', 'requests', 'cpu'], ['requests.memory', 'requests', 'memory'],
      ['limits.memory', 'limits', 'memory'], ['limits.cpu', 'limits', 'cpu']] as const) {
      const each = perPod(pod, kind, resource, defaults);
      if (each === undefined) unstated.add(key);
      demand[key] += n * (each ?? 0);
    }
    if (pod.object.kind === 'StatefulSet' && Array.isArray(pod.object.spec?.volumeClaimTemplates)) {
      const templates: Json[] = pod.object.spec.volumeClaimTemplates;
      const replicas = autoscaled ?? count(pod.object.spec.replicas, 1);
      demand.persistentvolumeclaims += templates.length * replicas;
      demand['requests.storage'] += replicas * templates.reduce((sum, t) => sum + storage(t), 0);
    }
  }
  demand.services += ctx.inNamespace('Service', namespace).length;
  const claims = ctx.inNamespace('PersistentVolumeClaim', namespace);
  demand.persistentvolumeclaims += claims.length;
  demand['requests.storage'] += claims.reduce((sum, c) => sum + storage(c), 0);
  return demand;
}

