import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { refuse } from '../policy/errors';
import { dnsSubdomainProblem, labelKeyProblem, labelValueProblem } from '../policy/grammar';
import { checkInteger, checkLabels, checkOneOf } from './validate';

/**
 * Where a pod may run and how it stops: the scheduling part of {@link HardenedPodProps}, checked
 * here and written into the pod spec by {@link podScheduling}.
 */

/** A taint the pods tolerate, e.g. the one on GPU nodes. */
export interface WorkloadToleration {
  /** The taint's key, a label key; with none, `operator` must be `Exists` (tolerates every taint). @default - every key */
  readonly key?: string;
  /** `Equal` matches the taint's value; `Exists` any value. @default 'Equal' */
  readonly operator?: 'Equal' | 'Exists';
  /** The taint's value, with `Equal`. @default '' */
  readonly value?: string;
  /** The taint effect tolerated. @default - every effect */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** With `NoExecute`: how long the pod stays on a node after the taint appears. @asType integer @default - for ever */
  readonly tolerationSeconds?: number;
}

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) for a Deployment or StatefulSet, scaling on CPU.
 * The workload's `replicas` is then left out of its manifest, so that a sync from Git does not
 * reset the count the autoscaler set (as Kubernetes recommends); `minReplicas` takes its place.
 */
export interface WorkloadAutoscaling {
  /** @asType integer @minimum 1 @maximum 1000 */
  readonly minReplicas: number;
  /** At least `minReplicas`; the namespace's quota must admit this many pods. @asType integer @minimum 1 @maximum 1000 */
  readonly maxReplicas: number;
  /** Average CPU use, in percent of the CPU request, that the autoscaler keeps pods at. @asType integer @minimum 1 @maximum 100 @default 80 */
  readonly cpuUtilization?: number;
}

/** The scheduling props of a pod; see {@link HardenedPodProps}. */
export interface PodSchedulingProps {
  /** Node labels the pods' nodes must have, e.g. `{ "accelerator": "nvidia" }` for GPU nodes. @default - any node */
  readonly nodeSelector?: Record<string, string>;
  /** Taints the pods tolerate, e.g. those of GPU nodes. @default - none */
  readonly tolerations?: WorkloadToleration[];
  /** A PriorityClass of the platform's; `system-*` classes are the cluster's own and refused. @default - the cluster's default priority */
  readonly priorityClassName?: string;
  /** Seconds between SIGTERM and SIGKILL when a pod stops. @asType integer @minimum 0 @maximum 3600 @default - Kubernetes' 30 */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Secrets (of type kubernetes.io/dockerconfigjson) the kubelet pulls the images with, by name.
   * Set on the pod; the platform may instead set them on a ServiceAccount, which every pod using it inherits.
   * @default - none
   */
  readonly imagePullSecrets?: string[];
}

/** Priority classes of the cluster's own components: a tenant pod that took them could evict them. */
export const SYSTEM_PRIORITY_CLASSES = ['system-node-critical', 'system-cluster-critical'];

/** Kubernetes' own resource names, which are not extended resources. */
const NATIVE_RESOURCES = /^(cpu|memory|ephemeral-storage|storage|pods|hugepages-.*|requests\..*|limits\..*)$/;

/**
 * The scheduling fields of the pod spec, checked; with more than one `replicas` (at once, or at
 * most under an autoscaler), pods spread over nodes: one topology spread constraint on
 * `kubernetes.io/hostname` with `maxSkew` 1 and `ScheduleAnyway`, selecting the pod's own labels,
 * so that one node going down takes as few of them as the cluster allows, and a cluster with
 * fewer nodes still runs them all.
 */
export function podScheduling(scope: Construct, props: PodSchedulingProps, selector: Record<string, string>, replicas: number | undefined): Partial<k8s.PodSpec> {
  const spec: { -readonly [K in keyof k8s.PodSpec]?: k8s.PodSpec[K] } = {};
  if (props.nodeSelector !== undefined) spec.nodeSelector = { ...checkLabels(scope, 'nodeSelector', props.nodeSelector) };
  if (props.tolerations !== undefined) spec.tolerations = checkTolerations(scope, props.tolerations);
  if (props.priorityClassName !== undefined) spec.priorityClassName = checkPriorityClass(scope, props.priorityClassName);
  if (props.terminationGracePeriodSeconds !== undefined) {
    spec.terminationGracePeriodSeconds = checkInteger(scope, 'terminationGracePeriodSeconds', props.terminationGracePeriodSeconds, 0, 3600);
  }
  if (props.imagePullSecrets !== undefined) spec.imagePullSecrets = checkPullSecrets(scope, props.imagePullSecrets);
  if (replicas !== undefined && replicas > 1) {
    spec.topologySpreadConstraints = [{
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector },
    }];
  }
  return spec;
}

function checkTolerations(scope: Construct, tolerations: WorkloadToleration[]): k8s.Toleration[] {
  if (!Array.isArray(tolerations)) refuse(scope, 'tolerations', tolerations, 'must be a list', 'give a list of { key, operator, value, effect }');
  return tolerations.map((t, i) => {
    const field = `tolerations[${i}]`;
    if (typeof t !== 'object' || t === null) refuse(scope, field, t, 'must be an object', 'write it like { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }');
    const operator = checkOneOf(scope, `${field}.operator`, t.operator ?? 'Equal', ['Equal', 'Exists'] as const);
    if (t.key !== undefined && (typeof t.key !== 'string' || labelKeyProblem(t.key))) {
      refuse(scope, `${field}.key`, t.key, `is not a label key (${typeof t.key === 'string' ? labelKeyProblem(t.key) : 'not a string'})`, 'name the taint\'s key, e.g. "nvidia.com/gpu"');
    }
    if (t.key === undefined && operator !== 'Exists') {
      refuse(scope, `${field}.operator`, operator, 'must be Exists when no key is given (it then tolerates every taint)', 'give the taint\'s key, or set operator "Exists"');
    }
    if (t.value !== undefined) {
      if (operator === 'Exists') refuse(scope, `${field}.value`, t.value, 'is set with operator Exists, which matches any value', 'remove value, or set operator "Equal"');
      const problem = typeof t.value === 'string' ? labelValueProblem(t.value) : 'is not a string';
      if (problem) refuse(scope, `${field}.value`, t.value, problem, 'give the taint\'s value, e.g. "true"');
    }
    const effect = t.effect === undefined ? undefined : checkOneOf(scope, `${field}.effect`, t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const);
    if (t.tolerationSeconds !== undefined && effect !== 'NoExecute') {
      refuse(scope, `${field}.tolerationSeconds`, t.tolerationSeconds, 'applies to the NoExecute effect only', 'set effect "NoExecute", or remove tolerationSeconds');
    }
    return {
      ...(t.key !== undefined ? { key: t.key } : {}),
      operator,
      ...(t.value !== undefined ? { value: t.value } : {}),
      ...(effect ? { effect } : {}),
      ...(t.tolerationSeconds !== undefined ? { tolerationSeconds: checkInteger(scope, `${field}.tolerationSeconds`, t.tolerationSeconds, 0, 86400) } : {}),
    };
  });
}

function checkPriorityClass(scope: Construct, name: unknown): string {
  if (typeof name !== 'string' || dnsSubdomainProblem(name)) {
    refuse(scope, 'priorityClassName', name, 'must be a DNS-1123 subdomain (the name of a PriorityClass)', 'name a PriorityClass the platform made for tenants, e.g. "tenant-high"');
  }
  if (SYSTEM_PRIORITY_CLASSES.includes(name) || name.startsWith('system-')) {
    refuse(scope, 'priorityClassName', name, 'is a priority class of the cluster\'s own components, which a tenant pod could evict them with',
      'name a PriorityClass the platform made for tenants, or leave priorityClassName out');
  }
  return name;
}

function checkPullSecrets(scope: Construct, names: string[]): k8s.LocalObjectReference[] {
  if (!Array.isArray(names)) refuse(scope, 'imagePullSecrets', names, 'must be a list of Secret names', 'write it like ["registry-credentials"]');
  const seen = new Set<string>();
  return names.map((name, i) => {
    if (typeof name !== 'string' || dnsSubdomainProblem(name)) {
      refuse(scope, `imagePullSecrets[${i}]`, name, 'must be a DNS-1123 subdomain (the name of a Secret)', 'name a kubernetes.io/dockerconfigjson Secret of the namespace');
    }
    if (seen.has(name)) refuse(scope, `imagePullSecrets[${i}]`, name, 'is listed twice', 'list each Secret once');
    seen.add(name);
    return { name };
  });
}

/**
 * Extended resources (e.g. `nvidia.com/gpu: 1`) for a container's limits and requests: Kubernetes
 * requires both and equal, in whole numbers. Names are domain-prefixed, not Kubernetes' own.
 */
export function extendedResources(scope: Construct, field: string, extended: unknown): Record<string, k8s.Quantity> {
  if (extended === undefined) return {};
  if (typeof extended !== 'object' || extended === null || Array.isArray(extended)) {
    refuse(scope, field, extended, 'must be a map of resource name to count', 'write it like { "nvidia.com/gpu": 1 }');
  }
  return Object.fromEntries(Object.entries(extended).map(([name, count]) => {
    const problem = NATIVE_RESOURCES.test(name) || name.endsWith('kubernetes.io') || /(^|\.)kubernetes\.io\//.test(name) ? 'is one of Kubernetes\' own resources'
      : !name.includes('/') ? 'has no domain prefix' : labelKeyProblem(name);
    if (problem) {
      refuse(scope, `${field}.${name}`, name, `is not an extended resource name: it ${problem}`,
        'name a device plugin\'s resource with its domain, e.g. "nvidia.com/gpu"; set cpu and memory with cpuRequest, memoryRequest and memoryLimit');
    }
    return [name, k8s.Quantity.fromNumber(checkInteger(scope, `${field}.${name}`, count, 1, 1000))];
  }));
}

/** Adds extended resources to a container's requests and limits. */
export function withExtended(resources: k8s.ResourceRequirements, extended: Record<string, k8s.Quantity>): k8s.ResourceRequirements {
  if (!Object.keys(extended).length) return resources;
  return { requests: { ...resources.requests, ...extended }, limits: { ...resources.limits, ...extended } };
}

/** The autoscaling settings, checked: replicas are the autoscaler's, from `minReplicas` to `maxReplicas`. */
export function checkAutoscaling(scope: Construct, a: WorkloadAutoscaling, replicas: unknown): Required<WorkloadAutoscaling> {
  if (typeof a !== 'object' || a === null) refuse(scope, 'autoscaling', a, 'must be an object', 'write it like { minReplicas: 2, maxReplicas: 10 }');
  if (replicas !== undefined) {
    refuse(scope, 'replicas', replicas, 'is set with autoscaling, whose autoscaler sets the count', 'remove replicas; autoscaling.minReplicas is the least the workload runs');
  }
  const min = checkInteger(scope, 'autoscaling.minReplicas', a.minReplicas, 1, 1000);
  const max = checkInteger(scope, 'autoscaling.maxReplicas', a.maxReplicas, 1, 1000);
  if (min > max) refuse(scope, 'autoscaling.minReplicas', min, `is above autoscaling.maxReplicas (${max})`, 'lower minReplicas or raise maxReplicas');
  return { minReplicas: min, maxReplicas: max, cpuUtilization: checkInteger(scope, 'autoscaling.cpuUtilization', a.cpuUtilization ?? 80, 1, 100) };
}

/** A HorizontalPodAutoscaler for the workload `kind` named `metadata.name`, in `scope`. */
export function addAutoscaler(scope: Construct, metadata: k8s.ObjectMeta, kind: 'Deployment' | 'StatefulSet', a: Required<WorkloadAutoscaling>) {
  return new k8s.KubeHorizontalPodAutoscalerV2(scope, 'Autoscaler', {
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind, name: metadata.name! },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.cpuUtilization } } }],
    },
  });
}
