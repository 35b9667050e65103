import { canI, parseServiceAccount } from '../rbac';
import { Json, ManifestContext, namespaceOf } from '../model';
import { Rule } from '../rule';

/** RBAC: what the bindings let service accounts do, as the authorizer decides it. */

/** Cluster-scoped resources a tenant service account must never create. */
const CLUSTER_SCOPED: [string, string][] = [
  ['', 'namespaces'], ['', 'nodes'], ['', 'persistentvolumes'],
  ['rbac.authorization.k8s.io', 'clusterroles'], ['rbac.authorization.k8s.io', 'clusterrolebindings'],
  ['apiextensions.k8s.io', 'customresourcedefinitions'], ['storage.k8s.io', 'storageclasses'],
  ['admissionregistration.k8s.io', 'validatingwebhookconfigurations'], ['admissionregistration.k8s.io', 'mutatingwebhookconfigurations'],
  ['scheduling.k8s.io', 'priorityclasses'],
];

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

export const RBAC_RULES: Rule[] = [
  {
    id: 'rbac.wildcard', family: 'rbac', severity: 'error', title: 'no wildcards in RBAC rules',
    fix: 'list the API groups, resources and verbs the subject needs',
    check: ctx => roleRules(ctx).flatMap(({ role, rule, field }) => (['apiGroups', 'resources', 'verbs'] as const)
      .filter(k => ((rule[k] ?? []) as string[]).some(x => x.includes('*')))
      .map(k => ({ object: role, field: `${field}.${k}`, message: `${k} holds a wildcard` }))),
  },
  {
    id: 'rbac.escalation', family: 'rbac', severity: 'error', title: 'no escalate, bind or impersonate',
    fix: 'remove the escalate, bind and impersonate verbs; grant the roles themselves instead',
    check: ctx => roleRules(ctx).flatMap(({ role, rule, field }) => ((rule.verbs ?? []) as string[])
      .map((verb, j) => ({ verb, j })).filter(({ verb }) => ['escalate', 'bind', 'impersonate'].includes(verb))
      .map(({ verb, j }) => ({ object: role, field: `${field}.verbs[${j}]`, message: `${verb} lets the subject gain rights it was not given` }))),
  },
  {
    id: 'rbac.cluster-binding', family: 'rbac', severity: 'error', title: 'no cluster-wide bindings to app service accounts',
    fix: 'bind a namespaced Role with a RoleBinding in the service account\'s namespace',
    check: ctx => ctx.ofKind('ClusterRoleBinding').flatMap(b => ((b.subjects ?? []) as Json[]).map((s, i) => ({ s, i }))
      .map(({ s, i }) => ({ s, i, ns: serviceAccountNamespace(s, undefined) }))
      .filter(({ ns }) => ns !== undefined && !isSystemNamespace(ns))
      .map(({ s, i }) => ({ object: b, field: `subjects[${i}]`, message: `${subjectText(s)} gets rights in every namespace` }))),
  },
  {
    id: 'rbac.cross-namespace', family: 'rbac', severity: 'error', title: 'no grants to service accounts of other namespaces',
    fix: 'bind only service accounts of the RoleBinding\'s own namespace',
    check: ctx => ctx.ofKind('RoleBinding').flatMap(b => ((b.subjects ?? []) as Json[]).map((s, i) => ({ s, i }))
      .filter(({ s }) => { const ns = serviceAccountNamespace(s, namespaceOf(b)); return ns !== undefined && ns !== namespaceOf(b); })
      .map(({ s, i }) => ({ object: b, field: `subjects[${i}]`, message: `${subjectText(s)} is granted rights in ${namespaceOf(b)}` }))),
  },
  {
    id: 'rbac.secrets-elsewhere', family: 'rbac', severity: 'error', title: 'no service account reads Secrets outside its namespace',
    fix: 'grant Secrets only through a Role in the service account\'s own namespace',
    check: ctx => ctx.serviceAccounts().flatMap(subject => {
      const own = subject.split(':')[2];
      const where = [undefined, ...ctx.namespaces().filter(ns => ns !== own)];
      return where.filter(ns => ['get', 'list', 'watch'].some(verb => canI(ctx.rbac, subject, verb, '', 'secrets', ns)))
        .map(ns => ({ object: bindingOf(ctx, subject, ns), field: 'subjects', message: `${subject} can read Secrets ${ns ? `in ${ns}` : 'in every namespace'}` }));
    }),
  },
  {
    id: 'rbac.cluster-scoped-create', family: 'rbac', severity: 'error', title: 'no service account creates cluster-scoped objects',
    fix: 'leave cluster-scoped objects (namespaces, CRDs, cluster RBAC, webhooks) to the platform team',
    check: ctx => ctx.serviceAccounts().flatMap(subject => CLUSTER_SCOPED
      .filter(([group, resource]) => canI(ctx.rbac, subject, 'create', group, resource))
      .map(([group, resource]) => ({ object: bindingOf(ctx, subject, undefined), field: 'subjects', message: `${subject} can create ${group ? `${resource}.${group}` : resource}` }))),
  },
];
