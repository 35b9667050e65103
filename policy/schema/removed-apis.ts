/**
 * API versions that Kubernetes served once and no longer serves in v1.28, from the Kubernetes
 * deprecated API migration guide: for each group/version, the release that removed each kind and
 * the apiVersion that replaces it (`undefined` when nothing does). A manifest that still uses one
 * is refused by the API server with "no matches for kind".
 */
export interface Removal {
  readonly removedIn: string;
  /** The apiVersion to use instead, or undefined when the kind is gone. */
  readonly replacement?: string;
  readonly note?: string;
}

const all = (removedIn: string, replacement: string | undefined, kinds: string[], note?: string): Record<string, Removal> =>
  Object.fromEntries(kinds.map(k => [k, { removedIn, replacement, note }]));

const PSP = 'PodSecurityPolicy is gone: label the Namespace for Pod Security Admission instead';
const RBAC = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];
const REVIEWS = ['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'];
const STORAGE = ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'];
const FLOW = ['FlowSchema', 'PriorityLevelConfiguration'];

export const REMOVED_APIS: ReadonlyMap<string, Readonly<Record<string, Removal>>> = new Map(Object.entries({
  'extensions/v1beta1': {
    ...all('v1.16', 'apps/v1', ['Deployment', 'DaemonSet', 'ReplicaSet']),
    ...all('v1.16', 'networking.k8s.io/v1', ['NetworkPolicy']),
    ...all('v1.16', undefined, ['PodSecurityPolicy'], PSP),
    ...all('v1.22', 'networking.k8s.io/v1', ['Ingress']),
  },
  'apps/v1beta1': all('v1.16', 'apps/v1', ['Deployment', 'StatefulSet', 'ControllerRevision']),
  'apps/v1beta2': all('v1.16', 'apps/v1', ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision']),
  'settings.k8s.io/v1alpha1': all('v1.20', undefined, ['PodPreset']),
  'batch/v2alpha1': all('v1.21', 'batch/v1', ['CronJob']),
  'flowcontrol.apiserver.k8s.io/v1alpha1': all('v1.21', 'flowcontrol.apiserver.k8s.io/v1beta3', FLOW),
  'admissionregistration.k8s.io/v1beta1': all('v1.22', 'admissionregistration.k8s.io/v1', ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']),
  'apiextensions.k8s.io/v1beta1': all('v1.22', 'apiextensions.k8s.io/v1', ['CustomResourceDefinition']),
  'apiregistration.k8s.io/v1beta1': all('v1.22', 'apiregistration.k8s.io/v1', ['APIService']),
  'authentication.k8s.io/v1beta1': all('v1.22', 'authentication.k8s.io/v1', ['TokenReview']),
  'authorization.k8s.io/v1beta1': all('v1.22', 'authorization.k8s.io/v1', REVIEWS),
  'certificates.k8s.io/v1beta1': all('v1.22', 'certificates.k8s.io/v1', ['CertificateSigningRequest']),
  'coordination.k8s.io/v1beta1': all('v1.22', 'coordination.k8s.io/v1', ['Lease']),
  'networking.k8s.io/v1beta1': all('v1.22', 'networking.k8s.io/v1', ['Ingress', 'IngressClass']),
  'rbac.authorization.k8s.io/v1beta1': all('v1.22', 'rbac.authorization.k8s.io/v1', RBAC),
  'rbac.authorization.k8s.io/v1alpha1': all('v1.22', 'rbac.authorization.k8s.io/v1', RBAC),
  'scheduling.k8s.io/v1beta1': all('v1.22', 'scheduling.k8s.io/v1', ['PriorityClass']),
  'scheduling.k8s.io/v1alpha1': all('v1.17', 'scheduling.k8s.io/v1', ['PriorityClass']),
  'storage.k8s.io/v1beta1': { ...all('v1.22', 'storage.k8s.io/v1', STORAGE), ...all('v1.27', 'storage.k8s.io/v1', ['CSIStorageCapacity']) },
  'storage.k8s.io/v1alpha1': { ...all('v1.22', 'storage.k8s.io/v1', ['VolumeAttachment']), ...all('v1.24', 'storage.k8s.io/v1', ['CSIStorageCapacity']) },
  'node.k8s.io/v1alpha1': all('v1.22', 'node.k8s.io/v1', ['RuntimeClass']),
  'batch/v1beta1': all('v1.25', 'batch/v1', ['CronJob']),
  'discovery.k8s.io/v1beta1': all('v1.25', 'discovery.k8s.io/v1', ['EndpointSlice']),
  'events.k8s.io/v1beta1': all('v1.25', 'events.k8s.io/v1', ['Event']),
  'autoscaling/v2beta1': all('v1.25', 'autoscaling/v2', ['HorizontalPodAutoscaler']),
  'policy/v1beta1': {
    ...all('v1.25', 'policy/v1', ['PodDisruptionBudget', 'Eviction']),
    ...all('v1.25', undefined, ['PodSecurityPolicy'], PSP),
  },
  'node.k8s.io/v1beta1': all('v1.25', 'node.k8s.io/v1', ['RuntimeClass']),
  'flowcontrol.apiserver.k8s.io/v1beta1': all('v1.26', 'flowcontrol.apiserver.k8s.io/v1beta3', FLOW),
  'autoscaling/v2beta2': all('v1.26', 'autoscaling/v2', ['HorizontalPodAutoscaler']),
  'resource.k8s.io/v1alpha1': all('v1.27', 'resource.k8s.io/v1alpha2', ['ResourceClaim', 'ResourceClaimTemplate', 'ResourceClass', 'PodScheduling']),
}));

/** Groups that exist only in removed API versions (so they count as built-in, not as CRD groups). */
export const REMOVED_GROUPS: readonly string[] = ['extensions', 'settings.k8s.io'];
