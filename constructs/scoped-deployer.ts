import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { GuardrailError, refuse } from '../policy/errors';
import { ITenantNamespace } from './tenant-namespace';
import { checkDnsLabel, checkReason } from './validate';
import { sameCopies } from './copies';
import { EXCEPTION_PREFIX, MANAGED_BY } from '../policy/annotations';
import { CLUSTER_SCOPED_KINDS } from '../policy/model';
import { ApiResource, CHILD_READS, DAEMON_SETS, EVENTS, POD_LOGS, SECRETS, TENANT_KINDS, tenantGroupKind } from '../policy/tenant-kinds';

/** Read/write access to Secrets, which the deployer otherwise never gets. */
export interface SecretsAccess {
  /** Why this environment's deployer must write Secrets. Written on the Role as an annotation. */
  readonly reason: string;
}

export interface ScopedDeployerProps {
  /** Namespace it deploys into; its only scope. */
  readonly namespace: ITenantNamespace;
  /**
   * The construct (e.g. a cdk8s Chart) whose ApiObjects this deployer applies; the Role grants
   * exactly their kinds. Read at synth time, so objects added after the deployer count too.
   */
  readonly workloads: IConstruct;
  /** Name of the ServiceAccount, Role and RoleBinding. @default 'deployer' */
  readonly name?: string;
  /**
   * Read/write Secrets in its own namespace, whether or not the workloads hold any (e.g. to
   * apply Secrets rendered outside this repository); needs a reason.
   * @default - no access to Secrets
   */
  readonly secrets?: SecretsAccess;
  /**
   * Kinds it applies besides those of `workloads`: what is synced into the namespace without being
   * in `workloads`, e.g. the objects a Helm chart renders in Argo CD. Each is held to the same
   * rules as a workload object: a tenant kind (`TENANT_KINDS` in policy/tenant-kinds.ts), a
   * DaemonSet only above `restricted`, a Secret only with `secrets`.
   * @default - none: exactly the kinds of `workloads`
   */
  readonly kinds?: string[];
}

/** Kinds that fence the tenant in; a tenant that could change them could leave the fence. */
const GUARDRAIL_KINDS = ['Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'];

/** No deletecollection (one call wipes the namespace) and nothing that widens its own rights. */
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
/** What Argo CD's UI needs on what controllers make and on events: read only. */
const READ_VERBS = ['get', 'list', 'watch'];
/** A log is only ever read with `get`. */
const LOG_VERBS = ['get'];
const PLATFORM_FIX = 'move it to the platform chart, which the platform team applies with its own identity';

/**
 * The identity that CI or ArgoCD (by impersonation) uses to apply one app environment: a
 * ServiceAccount with no token mounted, and a Role in the tenant namespace that allows exactly
 * the kinds of object the workloads synthesize. Never a ClusterRole, never a wildcard, never
 * pods/exec or RBAC, no Secrets unless asked for with a reason, and DaemonSets only in a namespace
 * whose Pod Security level is above `restricted`.
 */
export class ScopedDeployer extends Construct {
  /** Name of the ServiceAccount (and of the Role and RoleBinding). */
  public readonly serviceAccountName: string;
  /** The tenant namespace the deployer is confined to. */
  public readonly namespace: string;
  /** The username Kubernetes authenticates it as, e.g. for ArgoCD's impersonation: `system:serviceaccount:<ns>:<name>`. */
  public readonly subject: string;

  private readonly workloads: IConstruct;
  private readonly secrets: boolean;
  private readonly extraKinds: string[];
  private readonly podSecurity: string;

  constructor(scope: Construct, id: string, props: ScopedDeployerProps) {
    super(sameCopies(scope, 'ScopedDeployer'), id);
    this.serviceAccountName = checkDnsLabel(this, 'name', props.name ?? 'deployer');
    if (!props.namespace || typeof props.namespace.name !== 'string') {
      refuse(this, 'namespace', props.namespace, 'must be a TenantNamespace', 'pass the TenantNamespace this deployer applies to');
    }
    this.namespace = props.namespace.name;
    this.podSecurity = props.namespace.podSecurity;
    this.subject = `system:serviceaccount:${this.namespace}:${this.serviceAccountName}`;
    if (!props.workloads?.node) {
      refuse(this, 'workloads', props.workloads, 'must be a construct', 'pass the Chart that holds the workloads this deployer applies');
    }
    // Inside its own workloads, the deployer would be asked to apply its own Role: escalation.
    if (this.node.scopes.includes(props.workloads)) {
      refuse(this, 'workloads', props.workloads.node.path, 'contains the deployer itself, whose Role it must not be able to change',
        'create the ScopedDeployer in the platform chart, outside the workloads it applies');
    }
    this.workloads = props.workloads;
    const reason = props.secrets === undefined ? undefined : checkReason(this, 'secrets.reason', props.secrets?.reason);
    this.secrets = reason !== undefined;
    if (props.kinds !== undefined && !Array.isArray(props.kinds)) {
      refuse(this, 'kinds', props.kinds, 'must be a list of kind names', 'list kinds, e.g. ["Deployment", "Service"]');
    }
    this.extraKinds = (props.kinds ?? []).map((kind, i) => {
      if (typeof kind !== 'string' || kind === '') refuse(this, `kinds[${i}]`, kind, 'must be a kind name', 'write a kind, e.g. "Deployment"');
      return kind;
    });

    const labels = { ...MANAGED_BY };
    const metadata = { name: this.serviceAccountName, namespace: this.namespace, labels };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    new ApiObject(this, 'Role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: reason === undefined ? metadata : { ...metadata, annotations: { [`${EXCEPTION_PREFIX}secrets`]: reason } },
      // Resolved at synthesis: the workloads chart may still grow after this constructor has run.
      // A plain token (any object with resolve(), read by the App's ImplicitTokenResolver) rather
      // than cdk8s' Lazy, which only the App of the same cdk8s copy recognises.
      rules: { resolve: () => this.rules() },
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.serviceAccountName },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespace }],
    });
    // cdk8s validates the whole app before it synthesizes any chart, so this reports every refused
    // object at once, before the token above would stop at the first (wrapped by toJson).
    this.node.addValidation({
      validate: () => [
        ...this.extraKinds.flatMap((kind, i) => problemOf(() => this.resourceForKind(kind, i))),
        ...this.workloadObjects().flatMap(obj => problemOf(() => this.resourceFor(obj))),
      ],
    });
  }

  /**
   * The kinds it may apply, sorted: those of the workloads (as they are now) and `kinds`, less
   * any it refuses (the refusal is reported by validation), and Secret with `secrets`. What an Argo
   * CD project syncing into its namespace needs on its whitelist.
   */
  public kinds(): string[] {
    const kinds = new Set<string>();
    for (const obj of this.workloadObjects()) if (problemOf(() => this.resourceFor(obj)).length === 0) kinds.add(obj.kind);
    this.extraKinds.forEach((kind, i) => { if (problemOf(() => this.resourceForKind(kind, i)).length === 0) kinds.add(kind); });
    if (this.secrets) kinds.add('Secret');
    return [...kinds].sort();
  }

  private workloadObjects(): ApiObject[] {
    return this.workloads.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  }

  /**
   * Per API group, sorted for stable output: one rule with every verb over the resources it
   * applies; one read-only rule over what Argo CD 3.5 reads as this account when someone opens the
   * app (the children its kinds' controllers make, see CHILD_READS, and events); `get` on pods/log
   * when it may read pods. Never Secrets unless `secrets`, never pods/exec or any other subresource.
   */
  private rules() {
    const kinds: { kind: string; resource: ApiResource }[] = [
      ...this.extraKinds.map((kind, i) => ({ kind, resource: this.resourceForKind(kind, i) })),
      ...this.workloadObjects().map(obj => ({ kind: obj.kind, resource: this.resourceFor(obj) })),
    ];
    const written = kinds.map(k => k.resource);
    if (this.secrets) written.push(SECRETS);
    const key = (r: ApiResource) => `${r.group}/${r.resource}`;
    const writes = new Set(written.map(key));
    const reads = [EVENTS, ...kinds.flatMap(k => CHILD_READS[k.kind] ?? [])].filter(r => !writes.has(key(r)));
    const logs = reads.some(r => r.group === '' && r.resource === 'pods') ? [POD_LOGS] : [];
    const rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] = [];
    const groups = [...new Set([...written, ...reads, ...logs].map(r => r.group))].sort();
    for (const group of groups) {
      for (const [resources, verbs] of [[written, VERBS], [reads, READ_VERBS], [logs, LOG_VERBS]] as const) {
        const names = [...new Set(resources.filter(r => r.group === group).map(r => r.resource))].sort();
        if (names.length) rules.push({ apiGroups: [group], resources: names, verbs: [...verbs] });
      }
    }
    return rules;
  }

  /** The rule a kind of `kinds` needs, or a refusal naming it as `kinds[i]`. */
  private resourceForKind(kind: string, i: number): ApiResource {
    const groupKind = tenantGroupKind(kind);
    const field = `kinds[${i}]`;
    const deployer = `the deployer ${this.node.path} of namespace ${this.namespace}`;
    if (GUARDRAIL_KINDS.includes(kind) || CLUSTER_SCOPED_KINDS.includes(kind) || !groupKind) {
      refuse(this, field, kind, `is not a kind that ${deployer} may manage`,
        `${PLATFORM_FIX}; or, if every tenant may own it, add it to TENANT_KINDS in policy/tenant-kinds.ts`);
    }
    if (kind === 'Secret' && !this.secrets) {
      refuse(this, field, kind, `is a Secret, and ${deployer} has no access to Secrets`,
        'create the Secret outside Git (e.g. ExternalSecrets), or give the deployer secrets: { reason: "..." }');
    }
    if (kind === 'DaemonSet' && this.podSecurity === 'restricted') {
      refuse(this, field, kind, `is a DaemonSet, a pod on every node, which ${deployer} applies only in a namespace whose Pod Security level is baseline or privileged`,
        'give the namespace podSecurity "baseline" with a podSecurityReason, or leave DaemonSets to the platform');
    }
    return kind === 'Secret' ? SECRETS : kind === 'DaemonSet' ? DAEMON_SETS : TENANT_KINDS[kind];
  }

  /** The rule a workload object needs, or a refusal naming it, why it is not the tenant's, and where it goes. */
  private resourceFor(obj: ApiObject): ApiResource {
    const what = `${obj.kind}/${obj.name}`;
    const deployer = `the deployer ${this.node.path} of namespace ${this.namespace}`;
    if (GUARDRAIL_KINDS.includes(obj.kind)) {
      refuse(obj, 'kind', what, `is a guardrail of the tenant; if ${deployer} could apply it, the tenant could lift its own limits`, PLATFORM_FIX);
    }
    if (CLUSTER_SCOPED_KINDS.includes(obj.kind)) {
      refuse(obj, 'kind', what, `is cluster-scoped, and ${deployer} may only act inside its namespace`, PLATFORM_FIX);
    }
    if (obj.kind === 'Secret' && !this.secrets) {
      refuse(obj, 'kind', what, `is a Secret, and ${deployer} has no access to Secrets`,
        `create the Secret outside Git (e.g. ExternalSecrets), or give the deployer secrets: { reason: "..." }`);
    }
    const group = obj.apiVersion.includes('/') ? obj.apiVersion.slice(0, obj.apiVersion.indexOf('/')) : '';
    if (obj.kind === 'DaemonSet' && group === 'apps' && this.podSecurity === 'restricted') {
      refuse(obj, 'kind', what, `is a DaemonSet, a pod on every node, which ${deployer} applies only in a namespace whose Pod Security level is baseline or privileged`,
        'run it as a Deployment, or give the namespace podSecurity "baseline" with a podSecurityReason (or move it to the platform chart)');
    }
    const resource = obj.kind === 'Secret' ? SECRETS : obj.kind === 'DaemonSet' ? DAEMON_SETS : TENANT_KINDS[obj.kind];
    if (!resource || resource.group !== group) {
      refuse(obj, 'kind', `${obj.apiVersion} ${what}`, `is not a kind that ${deployer} may manage`,
        `${PLATFORM_FIX}; or, if every tenant may own it, add it to TENANT_KINDS in policy/tenant-kinds.ts`);
    }
    if (obj.metadata.namespace !== this.namespace) {
      refuse(obj, 'metadata.namespace', obj.metadata.namespace, `${what} is outside namespace ${this.namespace}, the only one ${deployer} may write`,
        `set metadata.namespace to "${this.namespace}", or give that namespace its own ScopedDeployer`);
    }
    if (obj.kind === 'ServiceAccount' && obj.name === this.serviceAccountName) {
      refuse(obj, 'metadata.name', what, `is the deployer's own ServiceAccount`, 'give the workload\'s ServiceAccount another name, or the deployer another name');
    }
    return resource;
  }
}

function problemOf(check: () => unknown): string[] {
  try {
    check();
    return [];
  } catch (e) {
    if (e instanceof GuardrailError) return [e.message];
    throw e;
  }
}
