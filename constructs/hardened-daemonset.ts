import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { PodSecurityLevel } from '../policy/pod-security';
import { sameCopies } from './copies';
import { HardenedPod, HardenedPodProps, IHardenedWorkload, WorkloadPort } from './hardened-pod';

/**
 * A DaemonSet's props: the pod's, and nothing else. There is no `replicas` (one pod per node) and
 * no PodDisruptionBudget (a node drain leaves DaemonSet pods alone).
 */
export interface HardenedDaemonSetProps extends HardenedPodProps {}

/**
 * A DaemonSet that runs the one {@link HardenedPod} (restricted unless its exceptions ask for more,
 * which the namespace's level must admit) on every node, rolling updates one node at a time, with
 * its own ServiceAccount (no token) and a ClusterIP Service when it has ports.
 *
 * A DaemonSet is a platform workload: it puts a pod on every node, those of other tenants too. The
 * construct does not judge where it is used; a tenant's {@link ScopedDeployer} applies DaemonSets
 * only in a namespace whose Pod Security level is `baseline` or `privileged` (a level that carries
 * its reason on the Namespace), and the app spec compiler asks the same of an environment.
 */
export class HardenedDaemonSet extends Construct implements IHardenedWorkload {
  public readonly name: string;
  public readonly namespace: string;
  /** Labels that select this workload's pods (for Services and NetworkPolicies). */
  public readonly selector: Record<string, string>;
  public readonly ports: WorkloadPort[];
  /** The Pod Security level the pods need, given their exceptions. */
  public readonly podSecurityNeeded: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: HardenedDaemonSetProps) {
    super(sameCopies(scope, 'HardenedDaemonSet'), id);
    const pod = new HardenedPod(this, id, props);
    this.name = pod.name;
    this.namespace = pod.namespace;
    this.selector = pod.selector;
    this.ports = pod.ports;
    this.podSecurityNeeded = pod.podSecurityNeeded;

    new k8s.KubeDaemonSet(this, 'Resource', {
      metadata: pod.metadata(pod.annotations),
      spec: {
        revisionHistoryLimit: 5,
        selector: { matchLabels: pod.selector },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: pod.template,
      },
    });
    if (pod.ports.length) pod.addService();
  }
}
