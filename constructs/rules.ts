import { EXCEPTION_PREFIX, WAIVER_PREFIX } from './annotations';
import { isGlob, sourceRepoProblem } from './argo-project';
import { looksLikeCredential } from './credentials';
import { parsePinnedImage } from './image';
import { enforces, POD_SECURITY_CONTROLS, POD_SECURITY_LEVELS, PodSecurityLevel } from './pod-security';
import { canI, parseServiceAccount } from './rbac';

/**
 * The rule catalogue: every check the gate runs over manifests, each with a stable id, a
 * severity, a title and a fix. The constructs refuse the same things at construction time with
 * the same predicates (Pod Security controls, digest pinning, credential names, repo patterns),
 * so that a rule is written once and applies to raw and vendor objects too.
 */

type Json = Record<string, any>;

export type Severity = 'error' | 'warning';

/** Where a rule found an object breaking it. */
export interface RuleViolation {
  readonly object: Json;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].image`. */
  readonly field: string;
  readonly message: string;
}

export interface Rule {
  /** Stable id, e.g. `image.digest-pinned`; waivers and reports name it. */
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly fix: string;
  readonly check: (ctx: ManifestContext) => RuleViolation[];
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
}

/** Where the pod template sits in each kind that makes pods (`''` for a Pod itself). */
const POD_TEMPLATE_PATHS: Record<string, string> = {
  Pod: '',
  Deployment: 'spec.template',
  ReplicaSet: 'spec.template',
  StatefulSet: 'spec.template',
  DaemonSet: 'spec.template',
  Job: 'spec.template',
  CronJob: 'spec.jobTemplate.spec.template',
};

/** Kinds whose pods serve for long, so that missing health checks matter. */
const LONG_RUNNING = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];

const join = (...parts: string[]) => parts.filter(Boolean).join('.');

/** The pod template of an object that makes pods, or `undefined`. */
export function podTemplateOf(object: Json): PodTemplate | undefined {
  const base = POD_TEMPLATE_PATHS[object?.kind];
  if (base === undefined) return undefined;
  const template = base === '' ? object : base.split('.').reduce((o: any, k) => o?.[k], object);
  if (!template?.spec) return undefined;
  return {
    object,
    namespace: namespaceOf(object),
    spec: template.spec,
    metadata: template.metadata ?? {},
    specPath: join(base, 'spec'),
    metadataPath: join(base, 'metadata'),
  };
}

/** Cluster-scoped kinds, so that an error or finding can say so rather than invent a namespace. */
export const CLUSTER_SCOPED_KINDS = [
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition',
  'PriorityClass', 'IngressClass', 'RuntimeClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'APIService', 'Node', 'CSIDriver', 'StorageVersionMigration',
];

export function namespaceOf(object: Json): string {
  return object?.metadata?.namespace ?? 'default';
}

/** The objects under judgement, with what several rules need to know about all of them. */
export class ManifestContext {
  public readonly pods: PodTemplate[];
  /** The RBAC objects alone: all that `canI` reads, and far fewer than all objects. */
  public readonly rbac: Json[];
  private readonly levels = new Map<string, PodSecurityLevel>();

  constructor(public readonly objects: Json[]) {
    this.pods = objects.map(podTemplateOf).filter((p): p is PodTemplate => p !== undefined);
    this.rbac = this.ofKind('Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding');
    for (const o of this.ofKind('Namespace')) {
      const level = o.metadata?.labels?.['pod-security.kubernetes.io/enforce'];
      if (POD_SECURITY_LEVELS.includes(level)) this.levels.set(o.metadata.name, level);
    }
  }

  /** The level a namespace enforces: its label, or `restricted` when it is unknown. */
  public levelOf(namespace: string): PodSecurityLevel {
    return this.levels.get(namespace) ?? 'restricted';
  }

  public ofKind(...kinds: string[]): Json[] {
    return this.objects.filter(o => kinds.includes(o?.kind));
  }

  /** Namespaces that run pods. */
  public workloadNamespaces(): string[] {
    return [...new Set(this.pods.map(p => p.namespace))].sort();
  }

  /** Every service account named by a binding or defined as an object, as `system:serviceaccount:ns:name`. */
  public serviceAccounts(): string[] {
    const subjects = this.ofKind('RoleBinding', 'ClusterRoleBinding').flatMap(b => ((b.subjects ?? []) as Json[])
      .flatMap(s => s.kind === 'ServiceAccount' ? [`system:serviceaccount:${s.namespace ?? b.metadata?.namespace}:${s.name}`]
        : s.kind === 'User' && parseServiceAccount(String(s.name)) ? [String(s.name)] : []));
    const defined = this.ofKind('ServiceAccount').map(sa => `system:serviceaccount:${namespaceOf(sa)}:${sa.metadata?.name}`);
    return [...new Set([...subjects, ...defined])].sort();
  }

  /** Namespaces the objects mention, plus `default` and `kube-system`. */
  public namespaces(): string[] {
    const named = this.objects.map(o => o?.kind === 'Namespace' ? o.metadata?.name : o?.metadata?.namespace).filter(Boolean);
    return [...new Set(['default', 'kube-system', ...named])].sort();
  }
}

/** Containers of a pod with their field paths; `withEphemeral` adds ephemeral containers. */
function containers(pod: PodTemplate, withEphemeral = false): { c: Json; path: string }[] {
  const lists = withEphemeral ? ['initContainers', 'containers', 'ephemeralContainers'] : ['initContainers', 'containers'];
  return lists.flatMap(list => ((pod.spec[list] ?? []) as Json[]).map((c, i) => ({ c, path: `${pod.specPath}.${list}[${i}]` })));
}

/** The annotations of a workload, merged with its pod template's. */
export function annotationsOf(pod: PodTemplate): Record<string, string> {
  return { ...(pod.metadata.annotations ?? {}), ...(pod.object.metadata?.annotations ?? {}) };
}


const podSecurityRules: Rule[] = POD_SECURITY_CONTROLS.map(control => ({
  id: `pss.${control.level}.${control.id}`,
  severity: 'error',
  title: `Pod Security ${control.level}: ${control.title}`,
  fix: control.fix,
  check: ctx => ctx.pods.filter(pod => enforces(ctx.levelOf(pod.namespace), control)).flatMap(pod =>
    control.check(pod.spec, pod.metadata).map(f => ({
      object: pod.object,
      field: f.field.startsWith('metadata.') ? join(pod.metadataPath, f.field.slice('metadata.'.length)) : join(pod.specPath, f.field),
      message: `${f.message} (namespace ${pod.namespace} enforces ${ctx.levelOf(pod.namespace)})`,
    }))),
}));

/** Cluster-scoped resources a tenant service account must never create. */
const CLUSTER_SCOPED: [string, string][] = [
  ['', 'namespaces'], ['', 'nodes'], ['', 'persistentvolumes'],
  ['rbac.authorization.k8s.io', 'clusterroles'], ['rbac.authorization.k8s.io', 'clusterrolebindings'],
  ['apiextensions.k8s.io', 'customresourcedefinitions'], ['storage.k8s.io', 'storageclasses'],
  ['admissionregistration.k8s.io', 'validatingwebhookconfigurations'], ['admissionregistration.k8s.io', 'mutatingwebhookconfigurations'],
  ['scheduling.k8s.io', 'priorityclasses'],
];

/** True when `policy` selects every pod of its namespace for `type` and allows nothing: a default deny. */
export function deniesAll(policy: Json, type: 'Ingress' | 'Egress'): boolean {
  const selector: Json = policy.spec?.podSelector ?? {};
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0
    && (policy.spec?.policyTypes ?? []).includes(type) && (policy.spec?.[type.toLowerCase()] ?? []).length === 0;
}

const roleRules = (ctx: ManifestContext) => ctx.ofKind('Role', 'ClusterRole')
  .flatMap(role => ((role.rules ?? []) as Json[]).map((rule, i) => ({ role, rule, field: `rules[${i}]` })));

const isSystemNamespace = (ns: string | undefined) => ns !== undefined && ns.startsWith('kube-');

/**
 * The service accounts a binding subject stands for, as the namespace they live in (`*` for
 * every namespace), or `undefined` for subjects that are no service account. Kubernetes also
 * authenticates a service account as the user `system:serviceaccount:<ns>:<name>` and as a member
 * of `system:serviceaccounts[:<ns>]` and `system:authenticated`, so those count too.
 */
function serviceAccountNamespace(subject: Json, bindingNamespace: string | undefined): string | undefined {
  if (subject.kind === 'ServiceAccount') return subject.namespace ?? bindingNamespace;
  const name = String(subject.name ?? '');
  if (subject.kind === 'User') return parseServiceAccount(name)?.namespace;
  if (subject.kind === 'Group') {
    if (name === 'system:serviceaccounts' || name === 'system:authenticated') return '*';
    if (name.startsWith('system:serviceaccounts:')) return name.slice('system:serviceaccounts:'.length);
  }
  return undefined;
}

const subjectText = (s: Json) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;

const everythingPeer = (peer: Json) => {
  const selects = (s: Json | undefined) => s !== undefined && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
  return (peer.namespaceSelector !== undefined && selects(peer.namespaceSelector) && (peer.podSelector === undefined || selects(peer.podSelector)))
    || (typeof peer.ipBlock?.cidr === 'string' && /\/0+$/.test(peer.ipBlock.cidr) && (peer.ipBlock.except ?? []).length === 0);
};

export const RULES: Rule[] = [
  ...podSecurityRules,
  {
    id: 'hardening.read-only-root', severity: 'error', title: 'read-only root filesystem',
    fix: 'set readOnlyRootFilesystem: true and mount an emptyDir where the app writes, or annotate guardrails.cdk8s.io/exception.writable-root-filesystem with a reason',
    check: ctx => ctx.pods.filter(pod => !(`${EXCEPTION_PREFIX}writable-root-filesystem` in annotationsOf(pod)))
      .flatMap(pod => containers(pod).filter(({ c }) => c.securityContext?.readOnlyRootFilesystem !== true)
        .map(({ path }) => ({ object: pod.object, field: `${path}.securityContext.readOnlyRootFilesystem`, message: 'the root filesystem is writable' }))),
  },
  {
    id: 'hardening.token-automount', severity: 'error', title: 'no service account token unless needed',
    fix: 'set automountServiceAccountToken: false on the pod (and on its ServiceAccount)',
    check: ctx => ctx.pods.filter(pod => {
      if (pod.spec.automountServiceAccountToken !== undefined) return pod.spec.automountServiceAccountToken !== false;
      const sa = ctx.ofKind('ServiceAccount').find(s => namespaceOf(s) === pod.namespace && s.metadata?.name === (pod.spec.serviceAccountName ?? 'default'));
      return sa?.automountServiceAccountToken !== false;
    }).map(pod => ({ object: pod.object, field: `${pod.specPath}.automountServiceAccountToken`, message: 'pods get an API token they do not need' })),
  },
  {
    id: 'hardening.resources', severity: 'error', title: 'CPU and memory requests and a memory limit',
    fix: 'set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container',
    check: ctx => ctx.pods.flatMap(pod => containers(pod).flatMap(({ c, path }) => [
      ...['cpu', 'memory'].filter(r => c.resources?.requests?.[r] === undefined)
        .map(r => ({ object: pod.object, field: `${path}.resources.requests.${r}`, message: `no ${r} request` })),
      ...(c.resources?.limits?.memory === undefined ? [{ object: pod.object, field: `${path}.resources.limits.memory`, message: 'no memory limit' }] : []),
    ])),
  },
  {
    id: 'hardening.probes', severity: 'warning', title: 'long-running containers have health checks',
    fix: 'add a readinessProbe (and a livenessProbe where a restart helps)',
    check: ctx => ctx.pods.filter(pod => LONG_RUNNING.includes(pod.object.kind)).flatMap(pod =>
      ((pod.spec.containers ?? []) as Json[]).map((c, i) => ({ c, path: `${pod.specPath}.containers[${i}]` }))
        .filter(({ c }) => !c.readinessProbe && !c.livenessProbe && !c.startupProbe)
        .map(({ path }) => ({ object: pod.object, field: `${path}.readinessProbe`, message: 'no readiness, liveness or startup probe' }))),
  },
  {
    id: 'image.digest-pinned', severity: 'error', title: 'images pinned by digest',
    fix: 'pin the image as registry/repo:tag@sha256:<digest> (crane digest registry/repo:tag)',
    check: ctx => ctx.pods.flatMap(pod => containers(pod, true).filter(({ c }) => !parsePinnedImage(String(c.image)))
      .map(({ c, path }) => ({ object: pod.object, field: `${path}.image`, message: `image ${c.image} can change without a commit` }))),
  },
  {
    id: 'namespace.pod-security-labels', severity: 'error', title: 'namespaces with workloads enforce Pod Security',
    fix: 'define the Namespace with pod-security.kubernetes.io/enforce (and -version) labels, e.g. with TenantNamespace',
    check: ctx => ctx.workloadNamespaces().flatMap(ns => {
      const namespace = ctx.ofKind('Namespace').find(n => n.metadata?.name === ns);
      const labels: Json = namespace?.metadata?.labels ?? {};
      if (namespace && POD_SECURITY_LEVELS.includes(labels['pod-security.kubernetes.io/enforce']) && labels['pod-security.kubernetes.io/enforce-version']) return [];
      const object = namespace ?? ctx.pods.find(p => p.namespace === ns)!.object;
      return [{ object, field: namespace ? 'metadata.labels' : 'metadata.namespace',
        message: namespace ? `namespace ${ns} has no pinned pod-security.kubernetes.io/enforce label` : `namespace ${ns} runs pods but is not defined with Pod Security labels` }];
    }),
  },
  {
    id: 'network.default-deny', severity: 'error', title: 'namespaces with workloads deny all traffic by default',
    fix: 'add a NetworkPolicy with podSelector: {}, policyTypes [Ingress, Egress] and no rules, e.g. with DefaultDenyNetwork',
    check: ctx => ctx.workloadNamespaces().flatMap(ns => {
      const denies = (type: 'Ingress' | 'Egress') => ctx.ofKind('NetworkPolicy').some(p => namespaceOf(p) === ns && deniesAll(p, type));
      const object = ctx.pods.find(p => p.namespace === ns)!.object;
      return (['Ingress', 'Egress'] as const).filter(t => !denies(t))
        .map(t => ({ object, field: 'metadata.namespace', message: `namespace ${ns} has no default deny for ${t}` }));
    }),
  },
  {
    id: 'network.allow-all', severity: 'error', title: 'no NetworkPolicy rule allows everything',
    fix: 'name the peers (namespaceSelector/podSelector matchLabels, or a bounded ipBlock), or annotate guardrails.cdk8s.io/exception.internet with a reason',
    check: ctx => ctx.ofKind('NetworkPolicy').filter(p => !(`${EXCEPTION_PREFIX}internet` in (p.metadata?.annotations ?? {}))).flatMap(p =>
      (['ingress', 'egress'] as const).flatMap(dir => ((p.spec?.[dir] ?? []) as Json[]).flatMap((rule, i) => {
        const key = dir === 'ingress' ? 'from' : 'to';
        const peers: Json[] = rule[key] ?? [];
        if (peers.length === 0) return [{ object: p, field: `spec.${dir}[${i}].${key}`, message: `a ${dir} rule without peers allows every ${dir === 'ingress' ? 'source' : 'destination'}` }];
        return peers.map((peer, j) => ({ peer, j })).filter(({ peer }) => everythingPeer(peer))
          .map(({ j }) => ({ object: p, field: `spec.${dir}[${i}].${key}[${j}]`, message: 'this peer matches every namespace or every address' }));
      }))),
  },
  {
    id: 'rbac.wildcard', severity: 'error', title: 'no wildcards in RBAC rules',
    fix: 'list the API groups, resources and verbs the subject needs',
    check: ctx => roleRules(ctx).flatMap(({ role, rule, field }) => (['apiGroups', 'resources', 'verbs'] as const)
      .filter(k => ((rule[k] ?? []) as string[]).some(x => x.includes('*')))
      .map(k => ({ object: role, field: `${field}.${k}`, message: `${k} holds a wildcard` }))),
  },
  {
    id: 'rbac.escalation', severity: 'error', title: 'no escalate, bind or impersonate',
    fix: 'remove the escalate, bind and impersonate verbs; grant the roles themselves instead',
    check: ctx => roleRules(ctx).flatMap(({ role, rule, field }) => ((rule.verbs ?? []) as string[])
      .map((verb, j) => ({ verb, j })).filter(({ verb }) => ['escalate', 'bind', 'impersonate'].includes(verb))
      .map(({ verb, j }) => ({ object: role, field: `${field}.verbs[${j}]`, message: `${verb} lets the subject gain rights it was not given` }))),
  },
  {
    id: 'rbac.cluster-binding', severity: 'error', title: 'no cluster-wide bindings to app service accounts',
    fix: 'bind a namespaced Role with a RoleBinding in the service account\'s namespace',
    check: ctx => ctx.ofKind('ClusterRoleBinding').flatMap(b => ((b.subjects ?? []) as Json[]).map((s, i) => ({ s, i }))
      .map(({ s, i }) => ({ s, i, ns: serviceAccountNamespace(s, undefined) }))
      .filter(({ ns }) => ns !== undefined && !isSystemNamespace(ns))
      .map(({ s, i }) => ({ object: b, field: `subjects[${i}]`, message: `${subjectText(s)} gets rights in every namespace` }))),
  },
  {
    id: 'rbac.cross-namespace', severity: 'error', title: 'no grants to service accounts of other namespaces',
    fix: 'bind only service accounts of the RoleBinding\'s own namespace',
    check: ctx => ctx.ofKind('RoleBinding').flatMap(b => ((b.subjects ?? []) as Json[]).map((s, i) => ({ s, i }))
      .filter(({ s }) => { const ns = serviceAccountNamespace(s, namespaceOf(b)); return ns !== undefined && ns !== namespaceOf(b); })
      .map(({ s, i }) => ({ object: b, field: `subjects[${i}]`, message: `${subjectText(s)} is granted rights in ${namespaceOf(b)}` }))),
  },
  {
    id: 'rbac.secrets-elsewhere', severity: 'error', title: 'no service account reads Secrets outside its namespace',
    fix: 'grant Secrets only through a Role in the service account\'s own namespace',
    check: ctx => ctx.serviceAccounts().flatMap(subject => {
      const own = subject.split(':')[2];
      const where = [undefined, ...ctx.namespaces().filter(ns => ns !== own)];
      return where.filter(ns => ['get', 'list', 'watch'].some(verb => canI(ctx.rbac, subject, verb, '', 'secrets', ns)))
        .map(ns => ({ object: bindingOf(ctx, subject, ns), field: 'subjects', message: `${subject} can read Secrets ${ns ? `in ${ns}` : 'in every namespace'}` }));
    }),
  },
  {
    id: 'rbac.cluster-scoped-create', severity: 'error', title: 'no service account creates cluster-scoped objects',
    fix: 'leave cluster-scoped objects (namespaces, CRDs, cluster RBAC, webhooks) to the platform team',
    check: ctx => ctx.serviceAccounts().flatMap(subject => CLUSTER_SCOPED
      .filter(([group, resource]) => canI(ctx.rbac, subject, 'create', group, resource))
      .map(([group, resource]) => ({ object: bindingOf(ctx, subject, undefined), field: 'subjects', message: `${subject} can create ${group ? `${resource}.${group}` : resource}` }))),
  },
  {
    id: 'argocd.source-repos', severity: 'error', title: 'AppProjects trust explicit repos only',
    fix: 'list repos literally, or glob only after a literal host and owner (https://github.com/acme/*)',
    check: ctx => ctx.ofKind('AppProject').flatMap(p => {
      const repos: unknown[] = p.spec?.sourceRepos ?? [];
      if (repos.length === 0) return [];
      return repos.map((repo, i) => ({ problem: sourceRepoProblem(repo), i })).filter(({ problem }) => problem)
        .map(({ problem, i }) => ({ object: p, field: `spec.sourceRepos[${i}]`, message: problem! }));
    }),
  },
  {
    id: 'argocd.destinations', severity: 'error', title: 'AppProject destinations name one cluster and namespace',
    fix: 'list each destination\'s server and namespace literally',
    check: ctx => ctx.ofKind('AppProject').flatMap(p => ((p.spec?.destinations ?? []) as Json[]).flatMap((d, i) =>
      (['server', 'name', 'namespace'] as const).filter(k => typeof d[k] === 'string' && isGlob(d[k]))
        .map(k => ({ object: p, field: `spec.destinations[${i}].${k}`, message: `${k} "${d[k]}" is a pattern` })))),
  },
  {
    id: 'argocd.cluster-resources', severity: 'error', title: 'tenant AppProjects allow no cluster-scoped objects',
    fix: 'set clusterResourceWhitelist: [] (a platform project waives this rule with its reason)',
    check: ctx => ctx.ofKind('AppProject').filter(p => (p.spec?.clusterResourceWhitelist ?? []).length > 0)
      .map(p => ({ object: p, field: 'spec.clusterResourceWhitelist', message: 'the project may create cluster-scoped objects' })),
  },
  {
    id: 'argocd.default-project', severity: 'error', title: 'Applications are never in the default project',
    fix: 'put the Application in its app\'s AppProject',
    check: ctx => ctx.ofKind('Application').filter(a => (a.spec?.project ?? 'default') === 'default')
      .map(a => ({ object: a, field: 'spec.project', message: 'the default project allows every repo, cluster and kind' })),
  },
  {
    id: 'argocd.application-destination', severity: 'error', title: 'Applications deploy only to their project\'s destinations',
    fix: 'point the Application at one of its project\'s destinations, or add the destination to the project',
    check: ctx => ctx.ofKind('Application').flatMap(a => {
      const project = ctx.ofKind('AppProject').find(p => p.metadata?.name === a.spec?.project);
      if (!project || (a.spec?.project ?? 'default') === 'default') return [];
      const dest: Json = a.spec?.destination ?? {};
      const allowed = ((project.spec?.destinations ?? []) as Json[]).some(d =>
        (d.server !== undefined ? d.server === dest.server : d.name === dest.name) && d.namespace === dest.namespace);
      return allowed ? [] : [{ object: a, field: 'spec.destination', message: `project ${project.metadata.name} does not list ${dest.server ?? dest.name}/${dest.namespace}` }];
    }),
  },
  {
    id: 'secret.data-in-git', severity: 'error', title: 'no Secret with data in Git',
    fix: 'create the Secret outside Git (External Secrets, Sealed Secrets, or by hand) and reference it',
    check: ctx => ctx.ofKind('Secret').flatMap(s => (['data', 'stringData'] as const)
      .filter(k => Object.keys(s[k] ?? {}).length > 0).map(k => ({ object: s, field: k, message: 'secret values would be readable by everyone with the repo' }))),
  },
  {
    id: 'env.literal-credential', severity: 'error', title: 'no literal credential in env',
    fix: 'take the value from a Secret: valueFrom.secretKeyRef',
    check: ctx => ctx.pods.flatMap(pod => containers(pod, true).flatMap(({ c, path }) => ((c.env ?? []) as Json[])
      .map((e, i) => ({ e, i })).filter(({ e }) => typeof e.value === 'string' && e.value !== '' && looksLikeCredential(String(e.name)))
      .map(({ e, i }) => ({ object: pod.object, field: `${path}.env[${i}].value`, message: `${e.name} is a literal credential` })))),
  },
];

RULES.push({
  id: 'waiver.valid', severity: 'error', title: 'waivers name a rule and give a reason',
  fix: `annotate ${WAIVER_PREFIX}<rule id>: <why this object may break the rule, 10 characters or more>`,
  check: ctx => ctx.objects.flatMap(o => Object.entries((o?.metadata?.annotations ?? {}) as Record<string, string>)
    .filter(([key]) => key.startsWith(WAIVER_PREFIX))
    .flatMap(([key, reason]) => {
      const id = key.slice(WAIVER_PREFIX.length);
      const field = `metadata.annotations.${key}`;
      if (!RULES.some(r => r.id === id && r.id !== 'waiver.valid')) return [{ object: o, field, message: `no rule has the id ${id}` }];
      return String(reason).trim().length < 10 ? [{ object: o, field, message: 'a waiver needs a reason of 10 characters or more' }] : [];
    })),
});

/** The binding that gives `subject` its rights (where `namespace` is `undefined`, a ClusterRoleBinding), for findings to point at. */
function bindingOf(ctx: ManifestContext, subject: string, namespace: string | undefined): Json {
  const sa = parseServiceAccount(subject)!;
  const covers = (s: Json, b: Json) => s.kind === 'User' ? s.name === subject
    : s.kind === 'ServiceAccount' ? s.name === sa.name && serviceAccountNamespace(s, namespaceOf(b)) === sa.namespace
      : ['*', sa.namespace].includes(serviceAccountNamespace(s, undefined) ?? '');
  const bindings = ctx.ofKind('ClusterRoleBinding', ...(namespace === undefined ? [] : ['RoleBinding']))
    .filter(b => b.kind === 'ClusterRoleBinding' || namespaceOf(b) === namespace);
  return bindings.find(b => ((b.subjects ?? []) as Json[]).some(s => covers(s, b)))
    ?? { kind: 'ServiceAccount', metadata: { name: sa.name, namespace: sa.namespace } };
}
