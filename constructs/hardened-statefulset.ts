import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { refuse } from '../policy/errors';
import { PodSecurityLevel } from '../policy/pod-security';
import { quantityValue } from '../policy/quantity';
import { checkDnsLabel, checkInteger, checkOneOf, checkQuantity } from './validate';
import { sameCopies } from './copies';
import { addAutoscaler, checkAutoscaling, WorkloadAutoscaling } from './pod-scheduling';
import { HardenedPod, HardenedPodProps, IHardenedWorkload, WorkloadPort } from './hardened-pod';

/** How pods of a StatefulSet may use a volume. */
export const VOLUME_ACCESS_MODES = ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadOnlyMany', 'ReadWriteMany'] as const;
export type VolumeAccessMode = typeof VOLUME_ACCESS_MODES[number];

/** A PersistentVolumeClaim each pod of a StatefulSet gets for itself, and where it is mounted. */
export interface VolumeClaim {
  /** Name of the claim template and its volume; pod N's claim is `<name>-<statefulset>-<N>`. */
  readonly name: string;
  /** Absolute path the volume is mounted at in the container, e.g. `/data`. */
  readonly mountPath: string;
  /** Storage requested, e.g. `10Gi`. */
  readonly size: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default 'ReadWriteOnce' */
  readonly accessMode?: VolumeAccessMode;
}

export interface HardenedStatefulSetProps extends HardenedPodProps {
  /** Left out with `autoscaling`, whose `minReplicas` takes its place. @asType integer @default 1 */
  readonly replicas?: number;
  /** As for a Deployment: see {@link HardenedDeploymentProps.autoscaling}. @default - no autoscaler: `replicas` pods */
  readonly autoscaling?: WorkloadAutoscaling;
  /** Volumes of each pod's own, kept across restarts and rescheduling. @default - none */
  readonly volumeClaimTemplates?: VolumeClaim[];
  /**
   * `OrderedReady` starts pods one at a time, each after the one before is ready, and stops them in
   * reverse; `Parallel` starts and stops them all at once.
   * @default 'OrderedReady'
   */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
}

/** Most claims a pod may have: each is a volume attached to the node. */
const MAX_CLAIMS = 16;

/**
 * A StatefulSet whose pods are the one {@link HardenedPod} (restricted, own ServiceAccount without
 * token), each with its own PersistentVolumeClaims, behind a headless Service (`clusterIP: None`,
 * the StatefulSet's `serviceName`) that gives every pod a stable DNS name, always created, with the
 * ports when there are any; a PodDisruptionBudget when it has more than one replica.
 */
export class HardenedStatefulSet extends Construct implements IHardenedWorkload {
  public readonly name: string;
  public readonly namespace: string;
  /** Labels that select this workload's pods (for Services and NetworkPolicies). */
  public readonly selector: Record<string, string>;
  public readonly ports: WorkloadPort[];
  /** The Pod Security level the pods need, given their exceptions. */
  public readonly podSecurityNeeded: PodSecurityLevel;
  /** The headless Service that governs the pods' DNS names. */
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: HardenedStatefulSetProps) {
    super(sameCopies(scope, 'HardenedStatefulSet'), id);
    const autoscaling = props.autoscaling === undefined ? undefined : checkAutoscaling(this, props.autoscaling, props.replicas);
    const replicas = checkInteger(this, 'replicas', props.replicas ?? 1, 0, 1000);
    const podManagementPolicy = checkOneOf(this, 'podManagementPolicy', props.podManagementPolicy ?? 'OrderedReady', ['OrderedReady', 'Parallel'] as const);
    const claims = checkClaims(this, props.volumeClaimTemplates ?? []);
    const pod = new HardenedPod(this, id, props, {
      volumeMounts: claims.map((c, i) => ({ name: c.name, mountPath: c.mountPath, field: `volumeClaimTemplates[${i}]` })),
      replicas: autoscaling?.maxReplicas ?? replicas,
    });
    this.name = pod.name;
    this.namespace = pod.namespace;
    this.selector = pod.selector;
    this.ports = pod.ports;
    this.podSecurityNeeded = pod.podSecurityNeeded;
    this.serviceName = pod.name;

    new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: pod.metadata(pod.annotations),
      spec: {
        ...(autoscaling ? {} : { replicas }),
        revisionHistoryLimit: 5,
        serviceName: this.serviceName,
        podManagementPolicy,
        selector: { matchLabels: pod.selector },
        template: pod.template,
        volumeClaimTemplates: claims.length ? claims.map(c => ({
          metadata: { name: c.name, labels: pod.labels },
          spec: {
            accessModes: [c.accessMode],
            ...(c.storageClassName !== undefined ? { storageClassName: c.storageClassName } : {}),
            resources: { requests: { storage: k8s.Quantity.fromString(c.size) } },
          },
        })) : undefined,
      },
    });
    pod.addService({ headless: true });
    if (autoscaling) addAutoscaler(this, pod.metadata(), 'StatefulSet', autoscaling);
    if ((autoscaling?.maxReplicas ?? replicas) > 1) pod.addDisruptionBudget();
  }
}

function checkClaims(scope: Construct, claims: VolumeClaim[]) {
  if (!Array.isArray(claims)) refuse(scope, 'volumeClaimTemplates', claims, 'must be a list', 'give a list of { name, mountPath, size }');
  if (claims.length > MAX_CLAIMS) {
    refuse(scope, 'volumeClaimTemplates', `${claims.length} claims`, `has more than ${MAX_CLAIMS}, each a volume attached to the node`, 'keep the data of a pod on fewer volumes');
  }
  const names = new Set<string>();
  return claims.map((c, i) => {
    const field = `volumeClaimTemplates[${i}]`;
    const name = checkDnsLabel(scope, `${field}.name`, c?.name);
    if (names.has(name)) refuse(scope, `${field}.name`, name, 'is listed twice', 'give each claim its own name');
    names.add(name);
    const size = checkQuantity(scope, `${field}.size`, c.size);
    if (!(quantityValue(size)! > 0)) refuse(scope, `${field}.size`, size, 'must be more than 0', 'request the storage the pod needs, e.g. "10Gi"');
    return {
      name,
      mountPath: c.mountPath,
      size,
      storageClassName: c.storageClassName === undefined ? undefined : checkDnsLabel(scope, `${field}.storageClassName`, c.storageClassName, 253),
      accessMode: checkOneOf(scope, `${field}.accessMode`, c.accessMode ?? 'ReadWriteOnce', VOLUME_ACCESS_MODES),
    };
  });
}
