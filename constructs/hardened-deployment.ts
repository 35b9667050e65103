import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { PodSecurityLevel } from '../policy/pod-security';
import { checkInteger } from './validate';
import { sameCopies } from './copies';
import { addAutoscaler, checkAutoscaling, WorkloadAutoscaling } from './pod-scheduling';
import { HardenedPod, HardenedPodProps, IHardenedWorkload, WorkloadPort } from './hardened-pod';

export interface HardenedDeploymentProps extends HardenedPodProps {
  /** Left out with `autoscaling`, whose `minReplicas` takes its place. @asType integer @default 1 */
  readonly replicas?: number;
  /**
   * A HorizontalPodAutoscaler from `minReplicas` to `maxReplicas` on CPU; the Deployment's
   * `replicas` is then left out of its manifest (the autoscaler's), and the PodDisruptionBudget
   * is made when `maxReplicas` is above one.
   * @default - no autoscaler: `replicas` pods
   */
  readonly autoscaling?: WorkloadAutoscaling;
}

/**
 * A Deployment whose pods pass the Pod Security Standards *restricted* profile with nothing left
 * to cluster defaults (see {@link HardenedPod}), with its own ServiceAccount (no token), a Service
 * when it has ports and a PodDisruptionBudget when it has more than one replica.
 */
export class HardenedDeployment extends Construct implements IHardenedWorkload {
  public readonly name: string;
  public readonly namespace: string;
  /** Labels that select this workload's pods (for Services and NetworkPolicies). */
  public readonly selector: Record<string, string>;
  public readonly ports: WorkloadPort[];
  /** The Pod Security level the pods need, given their exceptions. */
  public readonly podSecurityNeeded: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: HardenedDeploymentProps) {
    super(sameCopies(scope, 'HardenedDeployment'), id);
    const autoscaling = props.autoscaling === undefined ? undefined : checkAutoscaling(this, props.autoscaling, props.replicas);
    const replicas = checkInteger(this, 'replicas', props.replicas ?? 1, 0, 1000);
    const pod = new HardenedPod(this, id, props, { replicas: autoscaling?.maxReplicas ?? replicas });
    this.name = pod.name;
    this.namespace = pod.namespace;
    this.selector = pod.selector;
    this.ports = pod.ports;
    this.podSecurityNeeded = pod.podSecurityNeeded;

    new k8s.KubeDeployment(this, 'Resource', {
      metadata: pod.metadata(pod.annotations),
      spec: {
        ...(autoscaling ? {} : { replicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: pod.selector },
        template: pod.template,
      },
    });
    if (pod.ports.length) pod.addService();
    if (autoscaling) addAutoscaler(this, pod.metadata(), 'Deployment', autoscaling);
    if ((autoscaling?.maxReplicas ?? replicas) > 1) pod.addDisruptionBudget();
  }
}
