import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
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
}

/** A day: the longest `activeDeadlineSeconds` and `ttlSecondsAfterFinished` are a week. */
const WEEK = 7 * 24 * 3600;

/** A Job spec's run settings, checked; shared by HardenedJob and HardenedCronJob. */
export function checkJobRun(scope: Construct, props: HardenedJobProps) {
  return {
    restartPolicy: checkOneOf(scope, 'restartPolicy', props.restartPolicy ?? 'Never', ['Never', 'OnFailure'] as const),
    spec: {
      backoffLimit: checkInteger(scope, 'backoffLimit', props.backoffLimit ?? 3, 0, 100),
      activeDeadlineSeconds: checkInteger(scope, 'activeDeadlineSeconds', props.activeDeadlineSeconds ?? 3600, 1, WEEK),
      ttlSecondsAfterFinished: checkInteger(scope, 'ttlSecondsAfterFinished', props.ttlSecondsAfterFinished ?? 86400, 0, WEEK),
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
