import { POD_SECURITY_LEVELS, PodSecurityLevel } from './pod-security';
import { parseServiceAccount } from './rbac';

/**
 * One model of a set of manifests, built once per gate run and read by every rule: objects by
 * kind and by namespace/name, namespaces with their Pod Security labels, the pod template of every
 * workload kind with its containers, and every RBAC subject. Every index is built in one pass, so
 * the gate stays linear in the number of objects.
 */

export type Json = Record<string, any>;

/** Cluster-scoped kinds: every other kind lives in a namespace, `default` when it names none. */
export const CLUSTER_SCOPED_KINDS: readonly string[] = [
  'Namespace', 'Node', 'PersistentVolume', 'ComponentStatus',
  'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'APIService',
  'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'PriorityClass', 'IngressClass', 'RuntimeClass',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration', 'StorageVersionMigration', 'SelfSubjectReview',
  'TokenReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview', 'ClusterTrustBundle', 'IPAddress', 'ServiceCIDR',
];

export function isClusterScoped(object: Json): boolean {
  return CLUSTER_SCOPED_KINDS.includes(object?.kind);
}

/** The namespace an object lives in as the API server reads it (`default` when it names none), or `''` when cluster-scoped. */
export function namespaceOf(object: Json): string {
  if (isClusterScoped(object)) return '';
  const ns = object?.metadata?.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : 'default';
}

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects: how findings name objects. */
export function describeObject(o: Json): string {
  const name = o?.metadata?.name ?? '<unnamed>';
  return isClusterScoped(o) ? `${o?.kind} ${name}` : `${o?.kind} ${namespaceOf(o)}/${name}`;
}

const join = (...parts: string[]) => parts.filter(Boolean).join('.');

/** A container of a pod, with where it sits in its object. */
export interface ContainerRef {
  readonly container: Json;
  /** Full field path in the object, e.g. `spec.template.spec.initContainers[0]`. */
  readonly path: string;
  readonly list: 'initContainers' | 'containers' | 'ephemeralContainers';
}

/** A pod spec inside an object that makes pods. */
export interface PodTemplate {
  readonly object: Json;
  readonly namespace: string;
  readonly spec: Json;
  readonly metadata: Json;
  /** Path of the pod spec in the object, e.g. `spec.template.spec`. */
  readonly specPath: string;
  /** Path of the pod metadata in the object, e.g. `spec.template.metadata`. */
  readonly metadataPath: string;
  /** Init, regular and ephemeral containers, in that order. */
  readonly containers: ContainerRef[];
}

/** Where the pod template sits in each kind that makes pods (`''` for a Pod itself). */
export const POD_TEMPLATE_PATHS: Readonly<Record<string, string>> = {
  Pod: '',
  Deployment: 'spec.template',
  ReplicaSet: 'spec.template',
  StatefulSet: 'spec.template',
  DaemonSet: 'spec.template',
  Job: 'spec.template',
  ReplicationController: 'spec.template',
  CronJob: 'spec.jobTemplate.spec.template',
  PodTemplate: 'template',
};

/**
 * Custom resources whose controllers make pods from a template, by `<group>/<kind>`: their pods
 * are judged like a Deployment's, rather than escaping every pod rule as "a CRD we have no schema for".
 */
export const CRD_POD_TEMPLATE_PATHS: Readonly<Record<string, string>> = {
  'argoproj.io/Rollout': 'spec.template',
  'apps.kruise.io/CloneSet': 'spec.template',
  'apps.kruise.io/DaemonSet': 'spec.template',
  'serving.knative.dev/Service': 'spec.template',
  'serving.knative.dev/Configuration': 'spec.template',
  'serving.knative.dev/Revision': '',
};

/** Where the pod template of `object` sits (`''`: the object is the pod), or `undefined` when it makes no pods. */
export function podTemplatePath(object: Json): string | undefined {
  const kind = object?.kind;
  const group = typeof object?.apiVersion === 'string' && object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  const crd = `${group}/${kind}`;
  if (Object.prototype.hasOwnProperty.call(CRD_POD_TEMPLATE_PATHS, crd)) {
    // A Rollout that references a Deployment has no template of its own: that Deployment is judged.
    return crd === 'argoproj.io/Rollout' && object.spec?.workloadRef !== undefined ? undefined : CRD_POD_TEMPLATE_PATHS[crd];
  }
  // By kind whatever the group: a look-alike kind of another group is judged, not let through.
  return Object.prototype.hasOwnProperty.call(POD_TEMPLATE_PATHS, kind) ? POD_TEMPLATE_PATHS[kind] : undefined;
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** The pod template of an object that makes pods, or `undefined`. */
export function podTemplateOf(object: Json): PodTemplate | undefined {
  const base = podTemplatePath(object);
  if (base === undefined) return undefined;
  const template = base === '' ? object : base.split('.').reduce((o: any, k) => o?.[k], object);
  const spec = template?.spec;
  if (spec === null || typeof spec !== 'object') return undefined;
  const specPath = join(base, 'spec');
  const metadata = template.metadata !== null && typeof template.metadata === 'object' ? template.metadata : {};
  return {
    object,
    namespace: namespaceOf(object),
    spec,
    metadata,
    specPath,
    metadataPath: join(base, 'metadata'),
    containers: CONTAINER_LISTS.flatMap(list => (Array.isArray(spec[list]) ? spec[list] as Json[] : [])
      .map((container, i) => ({ container: container ?? {}, path: `${specPath}.${list}[${i}]`, list }))),
  };
}

/** The annotations of a workload, merged with its pod template's. */
export function annotationsOf(pod: PodTemplate): Record<string, string> {
  return { ...(pod.metadata.annotations ?? {}), ...(pod.object.metadata?.annotations ?? {}) };
}

/** A subject of a binding, with the binding that names it. */
export interface BindingSubject {
  readonly binding: Json;
  readonly subject: Json;
  /** Index in `subjects`. */
  readonly index: number;
}

/** The labels of a namespace that Pod Security Admission reads. */
export interface NamespacePodSecurity {
  /** The `enforce` level, `restricted` when the label is missing or invalid (we judge strictly). */
  readonly level: PodSecurityLevel;
  /** The `enforce-version` label as written (`latest` when missing). */
  readonly version: string;
}

/** The objects under judgement, indexed once. */
export class ManifestContext {
  public readonly pods: PodTemplate[];
  /** The RBAC objects alone: all that `canI` reads, and far fewer than all objects. */
  public readonly rbac: Json[];
  private readonly byKind = new Map<string, Json[]>();
  private readonly byKey = new Map<string, Json>();
  private memo = new Map<string, unknown>();
  /** The instant rules judge time-boxed grants against (e.g. `rbac.exec-expiry`): the gate's `now` option, else the real clock. */
  public readonly now: Date;

  constructor(public readonly objects: Json[], options: { readonly now?: Date } = {}) {
    this.now = options.now ?? new Date();
    for (const o of objects) {
      const kind = typeof o?.kind === 'string' ? o.kind : '';
      let list = this.byKind.get(kind);
      if (!list) this.byKind.set(kind, list = []);
      list.push(o);
      const key = ManifestContext.key(kind, isClusterScoped(o) ? undefined : namespaceOf(o), o?.metadata?.name);
      if (!this.byKey.has(key)) this.byKey.set(key, o);
    }
    this.pods = objects.map(podTemplateOf).filter((p): p is PodTemplate => p !== undefined);
    this.rbac = this.ofKind('Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding');
  }

  private static key(kind: string, namespace: string | undefined, name: unknown): string {
    return `${kind}\u0000${namespace ?? ''}\u0000${String(name)}`;
  }

  /** Computes `make()` once per model. */
  public once<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }

  /** The object of `kind` named `name` (in `namespace` for namespaced kinds), if the set holds it. */
  public get(kind: string, namespace: string | undefined, name: string): Json | undefined {
    return this.byKey.get(ManifestContext.key(kind, namespace, name));
  }

  public ofKind(...kinds: string[]): Json[] {
    return kinds.length === 1 ? this.byKind.get(kinds[0]) ?? [] : kinds.flatMap(k => this.byKind.get(k) ?? []);
  }

  /** The Namespace object named `name`, if the set defines it. */
  public namespaceObject(name: string): Json | undefined {
    return this.get('Namespace', undefined, name);
  }

  /** The Pod Security level and version a namespace enforces; a namespace outside the set counts as `restricted`/`latest`. */
  public podSecurity(namespace: string): NamespacePodSecurity {
    const labels: Json = this.namespaceObject(namespace)?.metadata?.labels ?? {};
    const level = labels['pod-security.kubernetes.io/enforce'];
    const version = labels['pod-security.kubernetes.io/enforce-version'];
    return {
      level: POD_SECURITY_LEVELS.includes(level) ? level : 'restricted',
      version: typeof version === 'string' ? version : 'latest',
    };
  }

  /** The level a namespace enforces: its label, or `restricted` when it is unknown. */
  public levelOf(namespace: string): PodSecurityLevel {
    return this.podSecurity(namespace).level;
  }

  /** Namespaces that run pods, each with the first object that runs pods there. */
  public workloadNamespaces(): string[] {
    return this.once('workloadNamespaces', () => [...new Set(this.pods.map(p => p.namespace))].sort());
  }

  /** The pods of each namespace. */
  public podsIn(namespace: string): PodTemplate[] {
    return this.once('podsByNamespace', () => {
      const map = new Map<string, PodTemplate[]>();
      for (const p of this.pods) {
        const list = map.get(p.namespace);
        if (list) list.push(p); else map.set(p.namespace, [p]);
      }
      return map;
    }).get(namespace) ?? [];
  }

  /** Objects of `kind` in `namespace`. */
  public inNamespace(kind: string, namespace: string): Json[] {
    return this.once(`byNamespace:${kind}`, () => {
      const map = new Map<string, Json[]>();
      for (const o of this.ofKind(kind)) {
        const ns = namespaceOf(o);
        let list = map.get(ns);
        if (!list) map.set(ns, list = []);
        list.push(o);
      }
      return map;
    }).get(namespace) ?? [];
  }

  /** Every subject of every RoleBinding and ClusterRoleBinding. */
  public subjects(): BindingSubject[] {
    return this.once('subjects', () => this.ofKind('RoleBinding', 'ClusterRoleBinding').flatMap(binding =>
      (Array.isArray(binding.subjects) ? binding.subjects as Json[] : []).map((subject, index) => ({ binding, subject: subject ?? {}, index }))));
  }

  /** Every service account named by a binding or defined as an object, as `system:serviceaccount:ns:name`. */
  public serviceAccounts(): string[] {
    return this.once('serviceAccounts', () => {
      // A ServiceAccount subject without namespace names one only in a RoleBinding (rbac.subject reports the others).
      const subjects = this.subjects().flatMap(({ binding, subject: s }) => s.kind === 'ServiceAccount'
        ? [`system:serviceaccount:${s.namespace || namespaceOf(binding)}:${s.name}`].filter(u => parseServiceAccount(u))
        : s.kind === 'User' && parseServiceAccount(String(s.name)) ? [String(s.name)] : []);
      const defined = this.ofKind('ServiceAccount').map(sa => `system:serviceaccount:${namespaceOf(sa)}:${sa.metadata?.name}`);
      return [...new Set([...subjects, ...defined])].sort();
    });
  }

  /** Namespaces the objects mention, plus `default` and `kube-system`. */
  public namespaces(): string[] {
    return this.once('namespaces', () => {
      const named = this.objects.map(o => o?.kind === 'Namespace' ? o.metadata?.name : isClusterScoped(o) ? undefined : namespaceOf(o))
        .filter((n): n is string => typeof n === 'string' && n !== '');
      return [...new Set(['default', 'kube-system', ...named])].sort();
    });
  }
}
