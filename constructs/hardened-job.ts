import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { refuse } from '../policy/errors';
import { PodSecurityLevel } from '../policy/pod-security';
import { checkInteger, checkOneOf } from './validate';
import { sameCopies } from './copies';
import { HardenedPod, HardenedPodProps, IHardenedWorkload } from './hardened-pod';

/** How a Job runs its pod, for a HardenedJob and for each run of a HardenedCronJob. */
export interface HardenedJobProps extends Omit<HardenedPodProps, 'ports'> {
  /**
   * Ports are refused: a Job has no Service and nothing calls it. It may still call services
   * (its egress is opened by the network rules of the app spec).
   * @default - none
   */
  readonly ports?: never[];
  /** Retries before the Job is marked failed. @asType integer @default 3 */
  readonly backoffLimit?: number;
  /** Seconds a run may take, retries included, before it is stopped and failed. @asType integer @default 3600 */
  readonly activeDeadlineSeconds?: number;
  /** Seconds a finished Job and its pods are kept (for their status and logs) before they are deleted. @asType integer @default 86400 */
  readonly ttlSecondsAfterFinished?: number;
  /**
   * `Never`: a failed container fails its pod, which stays (with its logs) while the Job starts a
   * new one, each counted against `backoffLimit`. `OnFailure`: the container restarts in the same
   * pod; its failed logs are lost at the next restart. Pod Security is the same for both.
   * @default 'Never'
   */
  readonly restartPolicy?: 'Never' | 'OnFailure';
  /**
   * Pods that run at once (at most 100): the namespace's quota counts the Job at this many pods.
   * At most `completions` when that is set.
   * @asType integer @minimum 1 @maximum 100 @default 1
   */
  readonly parallelism?: number;
  /**
   * Pods that must succeed for the Job to succeed (at most 100), `parallelism` at a time.
   * @asType integer @minimum 1 @maximum 100
   * @default - left out: one success completes the Job; with `parallelism` above 1, a work queue whose pods stop once one succeeds
   */
  readonly completions?: number;
}

/** A day: the longest `activeDeadlineSeconds` and `ttlSecondsAfterFinished` are a week. */
const WEEK = 7 * 24 * 3600;

/** The most pods a Job runs at once, or must see succeed: each is a pod of the namespace's quota. */
export const MAX_JOB_PODS = 100;

/** A Job spec's run settings, checked; shared by HardenedJob and HardenedCronJob. */
export function checkJobRun(scope: Construct, props: HardenedJobProps) {
  const pods = (field: 'parallelism' | 'completions') => {
    const value = props[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_JOB_PODS) {
      refuse(scope, field, value, `must be a whole number from 1 to ${MAX_JOB_PODS}`,
        `set ${field} to an integer in that range; for more pods, split the work over several Jobs (each counts against the namespace's quota)`);
    }
    return value;
  };
  const parallelism = pods('parallelism');
  const completions = pods('completions');
  if (parallelism !== undefined && completions !== undefined && parallelism > completions) {
    refuse(scope, 'parallelism', parallelism, `is above completions (${completions}): the Job never runs more pods at once than it still needs`,
      `set parallelism to at most ${completions}, or raise completions`);
  }
  return {
    restartPolicy: checkOneOf(scope, 'restartPolicy', props.restartPolicy ?? 'Never', ['Never', 'OnFailure'] as const),
    spec: {
      backoffLimit: checkInteger(scope, 'backoffLimit', props.backoffLimit ?? 3, 0, 100),
      activeDeadlineSeconds: checkInteger(scope, 'activeDeadlineSeconds', props.activeDeadlineSeconds ?? 3600, 1, WEEK),
      ttlSecondsAfterFinished: checkInteger(scope, 'ttlSecondsAfterFinished', props.ttlSecondsAfterFinished ?? 86400, 0, WEEK),
      // Left out unless set: Jobs written before these fields keep their manifests.
      ...(parallelism !== undefined ? { parallelism } : {}),
      ...(completions !== undefined ? { completions } : {}),
    },
  };
}

/** Why a Job or CronJob takes no ports. */
export const JOB_NO_PORTS = 'must be empty: a Job has no Service and nothing calls it';

/**
 * A Job that runs the one {@link HardenedPod} (restricted, own ServiceAccount without token) to
 * completion: `restartPolicy` Never by default, at most `backoffLimit` retries within
 * `activeDeadlineSeconds`, cleaned up `ttlSecondsAfterFinished` after it ends. No Service and no
 * ports. Its pods carry the workload's labels, so network rules select them like any other.
 */
export class HardenedJob extends Construct implements IHardenedWorkload {
  public readonly name: string;
  public readonly namespace: string;
  /** Labels that select this workload's pods (for NetworkPolicies). */
  public readonly selector: Record<string, string>;
  /** Always empty: a Job listens on no port. */
  public readonly ports: [] = [];
  /** The Pod Security level the pods need, given their exceptions. */
  public readonly podSecurityNeeded: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: HardenedJobProps) {
    super(sameCopies(scope, 'HardenedJob'), id);
    const run = checkJobRun(this, props);
    const pod = new HardenedPod(this, id, props, { noPorts: JOB_NO_PORTS, restartPolicy: run.restartPolicy });
    this.name = pod.name;
    this.namespace = pod.namespace;
    this.selector = pod.selector;
    this.podSecurityNeeded = pod.podSecurityNeeded;
    new k8s.KubeJob(this, 'Resource', {
      metadata: pod.metadata(pod.annotations),
      spec: { ...run.spec, template: pod.template },
    });
  }
}
