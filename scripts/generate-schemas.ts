/**
 * Generates the strict schema validators that the gate runs over every object, ahead of time, so
 * that a synth needs neither the network nor ../shared:
 *
 *   policy/schema/validators.js    Ajv standalone code (CommonJS), one export per kind
 *   policy/schema/validators.d.ts  its types
 *   policy/schema/kinds.json       which apiVersion/kind each export validates, and where from
 *
 * Inputs (read-only, in ../shared): the Kubernetes 1.28.0 definitions and the openAPIV3Schema of
 * every served version of every CRD under crds/.
 *
 * Usage: npm run generate:schemas [-- --check] [-- --shared <dir>]
 *   --check  writes nothing; exits 1 when the committed files differ from what the inputs give
 *            (so CI can call it), 2 when the inputs are missing.
 *
 * What "strict" means here, and why:
 * - Every object schema that lists its properties refuses any other field
 *   (`additionalProperties: false`), as the API server's strict field validation does (and as
 *   pruning would silently drop for CRDs), except where the schema says otherwise
 *   (`additionalProperties` maps, `x-kubernetes-preserve-unknown-fields`, raw JSON types).
 * - int-or-string, quantities and times are checked for their syntax, int32 for its range.
 * - The 1.28 definitions cdk8s ships carry no enums (their "Possible enum values" descriptions are
 *   stripped), so the enums the API server enforces are listed below, from k8s.io/api v0.28 types
 *   and pkg/apis/.../validation. A value of "" is accepted where the server defaults it.
 * - Labels, label selectors, annotation keys, namespace, container, volume, port and env names
 *   get the syntax the API server checks. `metadata.name` depends on the kind and is checked by
 *   policy/schema/index.ts; selector versus template labels by policy/rules/schema.ts.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { transformSync } from 'esbuild';
import { readManifests } from '../policy/reader';
import { emptyOr, PatternName, PATTERNS } from '../policy/schema/patterns';

type Schema = Record<string, any>;

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'policy', 'schema');
const KUBERNETES_VERSION = '1.28.0';
const DEFINITIONS = `schemas/kubernetes-${KUBERNETES_VERSION}/_definitions.json`;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const OBJECT_META = `${META}ObjectMeta`;
const core = (t: string) => `io.k8s.api.core.v1.${t}`;
const apps = (t: string) => `io.k8s.api.apps.v1.${t}`;
const batch = (t: string) => `io.k8s.api.batch.v1.${t}`;

/** Types replaced wholesale: their Go JSON unmarshalling accepts more than one JSON type. */
const REPLACED: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: ['integer', 'string'] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: ['string', 'number'], pattern: PATTERNS.quantity.source },
  [`${META}Time`]: { type: 'string', pattern: PATTERNS.rfc3339.source },
  [`${META}MicroTime`]: { type: 'string', pattern: PATTERNS.rfc3339.source },
};

interface EnumSpec {
  readonly values: string[];
  /** The server defaults "" (so "" is accepted). */
  readonly empty?: boolean;
  /** The property is a list of these values. */
  readonly items?: boolean;
}

const PROTOCOL: EnumSpec = { values: ['TCP', 'UDP', 'SCTP'], empty: true };
/** The same where the field is a pointer: defaulted when absent, refused when "". */
const PROTOCOL_POINTER: EnumSpec = { values: ['TCP', 'UDP', 'SCTP'] };
const PULL_POLICY: EnumSpec = { values: ['Always', 'IfNotPresent', 'Never'], empty: true };
const MESSAGE_POLICY: EnumSpec = { values: ['File', 'FallbackToLogsOnError'], empty: true };
const TAINT_EFFECT = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
const ACCESS_MODES: EnumSpec = { values: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'], items: true };
const VOLUME_MODE: EnumSpec = { values: ['Block', 'Filesystem'] };
const ADMISSION = 'io.k8s.api.admissionregistration.v1.';

/** Enums the API server enforces (k8s.io/api v0.28 `+enum` types and their validation). */
const ENUMS: Record<string, Record<string, EnumSpec>> = {
  [core('Container')]: { imagePullPolicy: PULL_POLICY, terminationMessagePolicy: MESSAGE_POLICY, restartPolicy: { values: ['Always'] } },
  [core('EphemeralContainer')]: { imagePullPolicy: PULL_POLICY, terminationMessagePolicy: MESSAGE_POLICY },
  [core('ContainerPort')]: { protocol: PROTOCOL },
  [core('ServicePort')]: { protocol: PROTOCOL },
  [core('EndpointPort')]: { protocol: PROTOCOL },
  'io.k8s.api.discovery.v1.EndpointPort': { protocol: PROTOCOL_POINTER },
  'io.k8s.api.networking.v1.NetworkPolicyPort': { protocol: PROTOCOL_POINTER },
  [core('PodSpec')]: {
    restartPolicy: { values: ['Always', 'OnFailure', 'Never'], empty: true },
    dnsPolicy: { values: ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'], empty: true },
    preemptionPolicy: { values: ['PreemptLowerPriority', 'Never'] },
  },
  [core('PodOS')]: { name: { values: ['linux', 'windows'] } },
  [core('PodSecurityContext')]: { fsGroupChangePolicy: { values: ['OnRootMismatch', 'Always'] } },
  [core('SeccompProfile')]: { type: { values: ['Localhost', 'RuntimeDefault', 'Unconfined'] } },
  [core('SecurityContext')]: { procMount: { values: ['Default', 'Unmasked'] } },
  [core('HTTPGetAction')]: { scheme: { values: ['HTTP', 'HTTPS'], empty: true } },
  [core('Toleration')]: { operator: { values: ['Exists', 'Equal'], empty: true }, effect: { values: TAINT_EFFECT, empty: true } },
  [core('Taint')]: { effect: { values: TAINT_EFFECT } },
  [core('ServiceSpec')]: {
    type: { values: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'], empty: true },
    sessionAffinity: { values: ['ClientIP', 'None'], empty: true },
    externalTrafficPolicy: { values: ['Cluster', 'Local'], empty: true },
    internalTrafficPolicy: { values: ['Cluster', 'Local'] },
    ipFamilyPolicy: { values: ['SingleStack', 'PreferDualStack', 'RequireDualStack'] },
    ipFamilies: { values: ['IPv4', 'IPv6'], items: true },
  },
  [core('PersistentVolumeClaimSpec')]: { accessModes: ACCESS_MODES, volumeMode: VOLUME_MODE },
  [core('PersistentVolumeSpec')]: {
    accessModes: ACCESS_MODES, volumeMode: VOLUME_MODE,
    persistentVolumeReclaimPolicy: { values: ['Retain', 'Delete', 'Recycle'], empty: true },
  },
  [core('HostPathVolumeSource')]: { type: { values: ['DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'], empty: true } },
  [core('NodeSelectorRequirement')]: { operator: { values: [...SELECTOR_OPERATORS, 'Gt', 'Lt'] } },
  [core('TopologySpreadConstraint')]: {
    whenUnsatisfiable: { values: ['DoNotSchedule', 'ScheduleAnyway'] },
    nodeAffinityPolicy: { values: ['Honor', 'Ignore'] },
    nodeTaintsPolicy: { values: ['Honor', 'Ignore'] },
  },
  [core('ScopedResourceSelectorRequirement')]: { operator: { values: SELECTOR_OPERATORS }, scopeName: { values: QUOTA_SCOPES } },
  [core('ResourceQuotaSpec')]: { scopes: { values: QUOTA_SCOPES, items: true } },
  [core('LimitRangeItem')]: { type: { values: ['Pod', 'Container', 'PersistentVolumeClaim'] } },
  [core('ContainerResizePolicy')]: { restartPolicy: { values: ['NotRequired', 'RestartContainer'] } },
  [`${META}LabelSelectorRequirement`]: { operator: { values: SELECTOR_OPERATORS } },
  [apps('DeploymentStrategy')]: { type: { values: ['Recreate', 'RollingUpdate'], empty: true } },
  [apps('DaemonSetUpdateStrategy')]: { type: { values: ['RollingUpdate', 'OnDelete'], empty: true } },
  [apps('StatefulSetUpdateStrategy')]: { type: { values: ['RollingUpdate', 'OnDelete'], empty: true } },
  [apps('StatefulSetSpec')]: { podManagementPolicy: { values: ['OrderedReady', 'Parallel'], empty: true } },
  [apps('StatefulSetPersistentVolumeClaimRetentionPolicy')]: {
    whenDeleted: { values: ['Retain', 'Delete'], empty: true }, whenScaled: { values: ['Retain', 'Delete'], empty: true },
  },
  [batch('CronJobSpec')]: { concurrencyPolicy: { values: ['Allow', 'Forbid', 'Replace'], empty: true } },
  [batch('JobSpec')]: { completionMode: { values: ['NonIndexed', 'Indexed'] }, podReplacementPolicy: { values: ['TerminatingOrFailed', 'Failed'] } },
  [batch('PodFailurePolicyRule')]: { action: { values: ['FailJob', 'FailIndex', 'Ignore', 'Count'] } },
  [batch('PodFailurePolicyOnExitCodesRequirement')]: { operator: { values: ['In', 'NotIn'] } },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { policyTypes: { values: ['Ingress', 'Egress'], items: true } },
  'io.k8s.api.networking.v1.HTTPIngressPath': { pathType: { values: ['Exact', 'Prefix', 'ImplementationSpecific'] } },
  'io.k8s.api.autoscaling.v2.MetricSpec': { type: { values: ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'] } },
  'io.k8s.api.autoscaling.v2.MetricTarget': { type: { values: ['AverageValue', 'Utilization', 'Value'] } },
  'io.k8s.api.autoscaling.v2.HPAScalingPolicy': { type: { values: ['Pods', 'Percent'] } },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': { selectPolicy: { values: ['Max', 'Min', 'Disabled'] } },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { unhealthyPodEvictionPolicy: { values: ['IfHealthyBudget', 'AlwaysAllow'] } },
  'io.k8s.api.rbac.v1.Subject': { kind: { values: ['User', 'Group', 'ServiceAccount'] } },
  'io.k8s.api.rbac.v1.RoleRef': { kind: { values: ['Role', 'ClusterRole'] }, apiGroup: { values: ['rbac.authorization.k8s.io'] } },
  [`${ADMISSION}ValidatingWebhook`]: {
    failurePolicy: { values: ['Ignore', 'Fail'] }, matchPolicy: { values: ['Exact', 'Equivalent'] }, sideEffects: { values: ['None', 'NoneOnDryRun'] },
  },
  [`${ADMISSION}MutatingWebhook`]: {
    failurePolicy: { values: ['Ignore', 'Fail'] }, matchPolicy: { values: ['Exact', 'Equivalent'] }, sideEffects: { values: ['None', 'NoneOnDryRun'] },
    reinvocationPolicy: { values: ['Never', 'IfNeeded'] },
  },
  [`${ADMISSION}RuleWithOperations`]: {
    operations: { values: ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'], items: true }, scope: { values: ['*', 'Cluster', 'Namespaced'] },
  },
  'io.k8s.api.storage.v1.StorageClass': {
    reclaimPolicy: { values: ['Delete', 'Retain'] }, volumeBindingMode: { values: ['Immediate', 'WaitForFirstConsumer'] },
  },
  'io.k8s.api.storage.v1.CSIDriverSpec': {
    fsGroupPolicy: { values: ['ReadWriteOnceWithFSType', 'File', 'None'] }, volumeLifecycleModes: { values: ['Persistent', 'Ephemeral'], items: true },
  },
};

interface Syntax {
  readonly pattern: PatternName;
  /** "" means "not set" here. */
  readonly emptyOk?: boolean;
  /** The property is a list of such strings. */
  readonly items?: boolean;
}

/** String fields with a syntax the API server checks. */
const SYNTAX: Record<string, Record<string, Syntax>> = {
  // "" is the namespace of the request (kubectl's context, Argo CD's destination).
  [OBJECT_META]: { namespace: { pattern: 'dnsLabel', emptyOk: true } },
  [core('Container')]: { name: { pattern: 'dnsLabel' } },
  [core('EphemeralContainer')]: { name: { pattern: 'dnsLabel' } },
  [core('Volume')]: { name: { pattern: 'dnsLabel' } },
  [core('ContainerPort')]: { name: { pattern: 'portName', emptyOk: true } },
  [core('ServicePort')]: { name: { pattern: 'dnsLabel', emptyOk: true } },
  [core('EnvVar')]: { name: { pattern: 'envVarName' } },
  [`${META}LabelSelectorRequirement`]: { key: { pattern: 'labelKey' }, values: { pattern: 'labelValue', items: true } },
  [core('NodeSelectorRequirement')]: { key: { pattern: 'labelKey' } },
};

/** Maps whose keys and values are labels (ValidateLabels in the API server). */
const LABEL_MAPS: Record<string, string[]> = {
  [OBJECT_META]: ['labels'],
  [`${META}LabelSelector`]: ['matchLabels'],
  [core('PodSpec')]: ['nodeSelector'],
  [core('ServiceSpec')]: ['selector'],
  [core('ReplicationControllerSpec')]: ['selector'],
};

/** Numeric ranges the API server checks, beyond int32. */
const RANGES: Record<string, Record<string, [number, number]>> = {
  [core('ContainerPort')]: { containerPort: [1, 65535], hostPort: [0, 65535] },
  [core('ServicePort')]: { port: [1, 65535], nodePort: [0, 65535] },
  [apps('DeploymentSpec')]: { replicas: [0, 2147483647] },
  [apps('ReplicaSetSpec')]: { replicas: [0, 2147483647] },
  [apps('StatefulSetSpec')]: { replicas: [0, 2147483647] },
  [core('ReplicationControllerSpec')]: { replicas: [0, 2147483647] },
  [core('ConfigMapVolumeSource')]: { defaultMode: [0, 0o777] },
  [core('SecretVolumeSource')]: { defaultMode: [0, 0o777] },
  [core('ProjectedVolumeSource')]: { defaultMode: [0, 0o777] },
  [core('DownwardAPIVolumeSource')]: { defaultMode: [0, 0o777] },
  [core('KeyToPath')]: { mode: [0, 0o777] },
  [core('DownwardAPIVolumeFile')]: { mode: [0, 0o777] },
};

/**
 * Required beyond the definitions' own `required`: the server requires these (the zero value
 * fails its validation) though the OpenAPI marks them optional.
 */
const REQUIRED: Record<string, string[]> = {
  [core('PodTemplateSpec')]: ['spec'],
  [core('Pod')]: ['spec'],
  [core('PodTemplate')]: ['template'],
  [core('ReplicationController')]: ['spec'],
  [apps('Deployment')]: ['spec'],
  [apps('ReplicaSet')]: ['spec'],
  [apps('StatefulSet')]: ['spec'],
  [apps('DaemonSet')]: ['spec'],
  [batch('Job')]: ['spec'],
  [batch('CronJob')]: ['spec'],
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler': ['spec'],
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler': ['spec'],
};

/**
 * Not required here, though the definitions say so:
 * - workload selectors, because the rule `schema.selector` owns everything about them (missing,
 *   empty, not matching the template), so one mistake gives one finding;
 * - fields the OpenAPI marks required only because their Go field lacks `omitempty`, which the
 *   API server's validation does not require (a NetworkPolicy without podSelector selects every
 *   pod; a pod failure rule names onExitCodes or onPodConditions; a StatefulSet may have no
 *   serviceName; an absent priority value or revision is 0; a header value may be empty).
 */
const NOT_REQUIRED: Record<string, string[]> = {
  [apps('DeploymentSpec')]: ['selector'],
  [apps('ReplicaSetSpec')]: ['selector'],
  [apps('StatefulSetSpec')]: ['selector', 'serviceName'],
  [apps('DaemonSetSpec')]: ['selector'],
  'io.k8s.api.networking.v1.NetworkPolicySpec': ['podSelector'],
  [batch('PodFailurePolicyRule')]: ['onPodConditions'],
  [core('LimitRangeSpec')]: ['limits'],
  [core('HTTPHeader')]: ['value'],
  'io.k8s.api.scheduling.v1.PriorityClass': ['value'],
  [apps('ControllerRevision')]: ['revision'],
};

/** Lists the server requires to be non-empty. */
const NON_EMPTY: Record<string, string[]> = {
  'io.k8s.api.rbac.v1.PolicyRule': ['verbs'],
  [core('PodSpec')]: ['containers'],
};

/** Value-count rules of selector operators (ValidateLabelSelectorRequirement, ValidateNodeSelectorRequirement). */
const OPERATOR_RULES: Record<string, Schema[]> = {
  [`${META}LabelSelectorRequirement`]: [
    ifOperator(['In', 'NotIn'], { required: ['values'], properties: { values: { minItems: 1 } } }),
    ifOperator(['Exists', 'DoesNotExist'], { properties: { values: { maxItems: 0 } } }),
  ],
  [core('NodeSelectorRequirement')]: [
    ifOperator(['In', 'NotIn'], { required: ['values'], properties: { values: { minItems: 1 } } }),
    ifOperator(['Exists', 'DoesNotExist'], { properties: { values: { maxItems: 0 } } }),
    ifOperator(['Gt', 'Lt'], { required: ['values'], properties: { values: { minItems: 1, maxItems: 1, items: { pattern: '^-?[0-9]+$' } } } }),
  ],
};

function ifOperator(operators: string[], then: Schema): Schema {
  return { if: { required: ['operator'], properties: { operator: { enum: operators } } }, then };
}

const labelMap = (): Schema => ({
  type: 'object',
  propertyNames: { pattern: PATTERNS.labelKey.source },
  additionalProperties: { type: 'string', pattern: PATTERNS.labelValue.source },
});

/**
 * `status` is written by controllers and reset by the API server on create, so manifests carry at
 * most a leftover (`status: {}` from `kubectl create --dry-run -o yaml`): it must be an object,
 * and its fields are not checked (a fifth of the generated code for nothing a tenant could use).
 */
const STATUS: Schema = { type: 'object' };

// ---------------------------------------------------------------------------------------------
// Kubernetes definitions

interface Entry {
  /** Export name in validators.js. */
  readonly validator: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** `kubernetes-1.28.0` or the CRD folder it came from. */
  readonly source: string;
  /** The definition it validates. */
  readonly definition: string;
}

function fromKubernetes(s: Schema): Schema {
  if (s.$ref) return { $ref: s.$ref };
  const out: Schema = {};
  if (s.type !== undefined) out.type = s.type;
  if (s.enum) out.enum = s.enum;
  if (s.required) out.required = [...s.required];
  Object.assign(out, formatOf(s));
  if (s.properties) out.properties = mapValues(s.properties, fromKubernetes);
  if (s.items) out.items = fromKubernetes(s.items);
  if (s.additionalProperties !== undefined) {
    out.additionalProperties = typeof s.additionalProperties === 'object' ? fromKubernetes(s.additionalProperties) : s.additionalProperties;
  } else if (s.properties) {
    out.additionalProperties = false;
  }
  return out;
}

function formatOf(s: Schema): Schema {
  switch (s.format) {
    case 'int32': return { minimum: -2147483648, maximum: 2147483647 };
    case 'byte': return { pattern: PATTERNS.base64.source };
    case 'date-time': return s.type === 'string' ? { pattern: PATTERNS.rfc3339.source } : {};
    default: return {};
  }
}

function mapValues<T, U>(o: Record<string, T>, f: (v: T, k: string) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v, k)]));
}

function propertyOf(definitions: Record<string, Schema>, name: string, property: string): Schema {
  const p = definitions[name]?.properties?.[property];
  if (!p) throw new Error(`generate-schemas: ${name} has no property ${property} (a table entry is wrong)`);
  return p;
}

/** Applies the tables above to the converted definitions (in place). */
function tighten(definitions: Record<string, Schema>): void {
  for (const [name, props] of Object.entries(ENUMS)) {
    for (const [property, spec] of Object.entries(props)) {
      const p = propertyOf(definitions, name, property);
      const target = spec.items ? p.items : p;
      if (target?.type !== 'string') throw new Error(`generate-schemas: ${name}.${property} is not a string${spec.items ? ' list' : ''}`);
      target.enum = spec.empty ? [...spec.values, ''] : [...spec.values];
    }
  }
  for (const [name, props] of Object.entries(SYNTAX)) {
    for (const [property, syntax] of Object.entries(props)) {
      const p = propertyOf(definitions, name, property);
      const target = syntax.items ? p.items : p;
      if (target?.type !== 'string') throw new Error(`generate-schemas: ${name}.${property} is not a string`);
      target.pattern = (syntax.emptyOk ? emptyOr(syntax.pattern) : PATTERNS[syntax.pattern]).source;
    }
  }
  for (const [name, props] of Object.entries(LABEL_MAPS)) {
    for (const property of props) {
      const p = propertyOf(definitions, name, property);
      if (p.type !== 'object') throw new Error(`generate-schemas: ${name}.${property} is not a map`);
      definitions[name].properties[property] = labelMap();
    }
  }
  const annotations = propertyOf(definitions, OBJECT_META, 'annotations');
  annotations.propertyNames = { pattern: PATTERNS.annotationKey.source };
  for (const [name, props] of Object.entries(RANGES)) {
    for (const [property, [min, max]] of Object.entries(props)) {
      Object.assign(propertyOf(definitions, name, property), { minimum: min, maximum: max });
    }
  }
  for (const [name, required] of Object.entries(REQUIRED)) {
    for (const property of required) propertyOf(definitions, name, property);
    definitions[name].required = [...new Set([...definitions[name].required ?? [], ...required])];
  }
  for (const [name, dropped] of Object.entries(NOT_REQUIRED)) {
    for (const property of dropped) {
      if (!definitions[name].required?.includes(property)) throw new Error(`generate-schemas: ${name}.${property} is not required anyway`);
    }
    definitions[name].required = definitions[name].required.filter((r: string) => !dropped.includes(r));
  }
  for (const [name, lists] of Object.entries(NON_EMPTY)) {
    for (const property of lists) propertyOf(definitions, name, property).minItems = 1;
  }
  for (const [name, rules] of Object.entries(OPERATOR_RULES)) definitions[name].allOf = rules;
}

function refsOf(s: unknown, into: Set<string>): void {
  if (Array.isArray(s)) s.forEach(v => refsOf(v, into));
  else if (s && typeof s === 'object') {
    for (const [k, v] of Object.entries(s)) {
      if (k === '$ref' && typeof v === 'string') into.add(v.replace('#/definitions/', ''));
      else refsOf(v, into);
    }
  }
}

/** Every definition reachable from `roots`. */
function reachable(definitions: Record<string, Schema>, roots: string[]): string[] {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    if (!definitions[name]) throw new Error(`generate-schemas: no definition ${name}`);
    seen.add(name);
    const refs = new Set<string>();
    refsOf(definitions[name], refs);
    todo.push(...refs);
  }
  return [...seen].sort();
}

const exportName = (apiVersion: string, kind: string) =>
  `${apiVersion.includes('/') ? '' : 'core/'}${apiVersion}/${kind}`.replace(/[^A-Za-z0-9]+/g, '_');

function kubernetes(raw: Record<string, Schema>): { definitions: Record<string, Schema>; entries: Entry[] } {
  const entries: Entry[] = [];
  for (const [name, s] of Object.entries(raw)) {
    const gvks = s['x-kubernetes-group-version-kind'];
    // Persisted kinds have ObjectMeta; lists, options and discovery documents do not.
    if (!Array.isArray(gvks) || gvks.length !== 1 || s.properties?.metadata?.$ref !== `#/definitions/${OBJECT_META}`) continue;
    const { group, version, kind } = gvks[0];
    const apiVersion = group ? `${group}/${version}` : version;
    entries.push({ validator: exportName(apiVersion, kind), apiVersion, kind, source: `kubernetes-${KUBERNETES_VERSION}`, definition: name });
  }
  const converted = mapValues(raw, (s, name) => REPLACED[name] ?? fromKubernetes(s));
  tighten(converted);
  for (const e of entries) {
    const d = converted[e.definition];
    // Every persisted object needs its metadata (a name, or a generateName).
    d.required = [...new Set(['metadata', ...d.required ?? []])];
    if (d.properties.status) d.properties.status = STATUS;
  }
  const keep = reachable(converted, entries.map(e => e.definition));
  return { definitions: Object.fromEntries(keep.map(n => [n, converted[n]])), entries };
}

// ---------------------------------------------------------------------------------------------
// CRDs

const COPIED = ['enum', 'pattern', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'multipleOf', 'minProperties', 'maxProperties', 'uniqueItems', 'required'];

function fromCrd(s: Schema): Schema {
  // int-or-string fields carry an anyOf of both types; the marker says it all.
  if (s['x-kubernetes-int-or-string'] === true) return { type: ['integer', 'string'] };
  const out: Schema = {};
  if (s.type !== undefined) out.type = s.nullable === true ? [s.type, 'null'] : s.type;
  for (const k of COPIED) if (s[k] !== undefined) out[k] = s[k];
  if (s.format === 'byte' || s.format === 'int32') Object.assign(out, formatOf(s));
  if (s.properties) out.properties = mapValues(s.properties, fromCrd);
  if (s.items) out.items = fromCrd(s.items);
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) if (s[k]) out[k] = s[k].map(fromCrd);
  if (s.not) out.not = fromCrd(s.not);
  if (s.additionalProperties !== undefined) {
    out.additionalProperties = typeof s.additionalProperties === 'object' ? fromCrd(s.additionalProperties) : s.additionalProperties;
  } else if (s.type === 'object' && s['x-kubernetes-preserve-unknown-fields'] !== true) {
    // A structural schema prunes any field it does not list (strict field validation refuses it).
    out.additionalProperties = false;
  }
  return out;
}

/**
 * Moves every repeated subschema into a shared definition, so that Ajv compiles it once (the
 * ApplicationSet CRD repeats the Application template in every generator).
 */
function share(s: Schema, shared: Map<string, Schema>, counts: Map<string, number>, pass: 'count' | 'replace'): Schema {
  const walk = (x: Schema): Schema => share(x, shared, counts, pass);
  const out: Schema = { ...s };
  if (s.properties) out.properties = mapValues(s.properties as Record<string, Schema>, walk);
  if (s.items) out.items = walk(s.items);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') out.additionalProperties = walk(s.additionalProperties);
  if (!s.properties && !s.items) return out;
  // Keyed by the subschema as written (its own subschemas not yet shared), the same in both passes.
  const json = JSON.stringify(s);
  if (json.length < 150) return out;
  const name = `crd.shared.${crypto.createHash('sha256').update(json).digest('hex').slice(0, 12)}`;
  if (pass === 'count') {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return out;
  }
  if ((counts.get(name) ?? 0) < 2) return out;
  shared.set(name, out);
  return { $ref: `#/definitions/${name}` };
}

interface Crd {
  readonly source: string;
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly versions: { name: string; schema: Schema }[];
}

/** The CRD files under `shared`, relative to it. */
function crdFiles(shared: string): string[] {
  const dir = path.join(shared, 'crds');
  return fs.readdirSync(dir).sort().flatMap(source => fs.readdirSync(path.join(dir, source)).sort()
    .filter(f => /\.ya?ml$/.test(f)).map(f => path.posix.join('crds', source, f)));
}

function readCrds(shared: string): Crd[] {
  return crdFiles(shared)
    .flatMap(f => readManifests(fs.readFileSync(path.join(shared, f), 'utf8'), f).map(o => ({ o, source: f.split('/')[1] })))
    .filter(({ o }) => o.kind === 'CustomResourceDefinition')
    .map(({ o: crd, source }): Crd => ({
      source,
      group: crd.spec.group,
      kind: crd.spec.names.kind,
      namespaced: crd.spec.scope === 'Namespaced',
      versions: (crd.spec.versions as Schema[]).filter(v => v.served === true)
        .map(v => ({ name: v.name, schema: v.schema?.openAPIV3Schema ?? {} })),
    }));
}

function crds(list: Crd[]): { definitions: Record<string, Schema>; entries: (Entry & { namespaced: boolean })[] } {
  const roots: [string, Schema][] = [];
  const entries: (Entry & { namespaced: boolean })[] = [];
  for (const crd of list) {
    for (const v of crd.versions) {
      const apiVersion = `${crd.group}/${v.name}`;
      const definition = `crd.${crd.group}.${v.name}.${crd.kind}`;
      const root = fromCrd(v.schema);
      // Custom resources have the standard ObjectMeta, whatever their schema says of metadata.
      root.properties = { ...root.properties, metadata: { $ref: `#/definitions/${OBJECT_META}` } };
      root.required = [...new Set(['metadata', ...root.required ?? []])];
      if (root.properties.status) root.properties.status = STATUS;
      roots.push([definition, root]);
      entries.push({ validator: exportName(apiVersion, crd.kind), apiVersion, kind: crd.kind, source: crd.source, definition, namespaced: crd.namespaced });
    }
  }
  const shared = new Map<string, Schema>();
  const counts = new Map<string, number>();
  for (const [, root] of roots) share(root, shared, counts, 'count');
  const definitions: Record<string, Schema> = {};
  for (const [name, root] of roots) definitions[name] = share(root, shared, counts, 'replace');
  // A root that is itself repeated must stay a root.
  for (const [name, root] of roots) if (definitions[name].$ref) definitions[name] = root;
  for (const [name, s] of [...shared].sort(([a], [b]) => a.localeCompare(b))) definitions[name] = s;
  return { definitions, entries };
}

// ---------------------------------------------------------------------------------------------

const HEADER = '// Generated by scripts/generate-schemas.ts (npm run generate:schemas) from ../shared: do not edit.\n';

const sha256 = (text: string | Buffer) => crypto.createHash('sha256').update(text).digest('hex');

/** This generator's own sources, relative to the repository. */
export const GENERATOR_SOURCES = ['scripts/generate-schemas.ts', 'policy/schema/patterns.ts'];

/**
 * Digests of everything the output depends on, recorded in kinds.json so that a test can tell in
 * milliseconds that the committed validators are stale (the full `--check` regenerates them).
 */
export function inputDigests(shared: string): Record<string, string> {
  const version = (pkg: string) => JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version as string;
  return {
    ...Object.fromEntries([DEFINITIONS, ...crdFiles(shared)].map(f => [`../shared/${f}`, sha256(fs.readFileSync(path.join(shared, f)))])),
    ...Object.fromEntries(GENERATOR_SOURCES.map(f => [f, sha256(fs.readFileSync(path.join(ROOT, f)))])),
    ajv: version('ajv'),
    esbuild: version('esbuild'),
  };
}

export function generate(shared: string): Record<string, string> {
  const raw = JSON.parse(fs.readFileSync(path.join(shared, DEFINITIONS), 'utf8')).definitions as Record<string, Schema>;
  const k8s = kubernetes(raw);
  const crdList = readCrds(shared);
  const custom = crds(crdList);
  const entries = [...k8s.entries, ...custom.entries].sort((a, b) => a.validator.localeCompare(b.validator));
  const names = new Set(entries.map(e => e.validator));
  if (names.size !== entries.length) throw new Error('generate-schemas: two kinds map to one export name');

  const ajv = new Ajv({
    code: { source: true, lines: false },
    allErrors: true,
    messages: false,
    inlineRefs: false,
    ownProperties: true,
    allowUnionTypes: true,
    strict: false,
  });
  ajv.addSchema({ $id: 'k8s', definitions: { ...k8s.definitions, ...custom.definitions } });
  const source = standaloneCode(ajv, Object.fromEntries(entries.map(e => [e.validator, `k8s#/definitions/${e.definition}`])));
  // Minified: a quarter smaller and faster to load; the schemas it came from are the readable form.
  const code = transformSync(source, { minify: true, format: 'cjs', target: 'node20', legalComments: 'none' }).code;

  const builtinGroups = [...new Set(k8s.entries.map(e => e.apiVersion.includes('/') ? e.apiVersion.split('/')[0] : ''))].sort();
  const kinds = {
    kubernetes: KUBERNETES_VERSION,
    inputs: inputDigests(shared),
    builtinGroups,
    kinds: entries.map(({ definition: _, ...e }) => e),
  };
  const dts = [
    HEADER,
    "import type { ErrorObject } from 'ajv';\n",
    'export interface Validator {\n  (data: unknown): boolean;\n  errors?: ErrorObject[] | null;\n}\n',
    ...entries.map(e => `/** ${e.apiVersion} ${e.kind} (${e.source}) */\nexport declare const ${e.validator}: Validator;\n`),
  ].join('\n');
  return {
    'validators.js': `${HEADER}${code}`,
    'validators.d.ts': dts,
    'kinds.json': `${JSON.stringify(kinds, null, 2)}\n`,
  };
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const at = argv.indexOf('--shared');
  const shared = path.resolve(ROOT, at >= 0 ? argv[at + 1] : '../shared');
  if (!fs.existsSync(path.join(shared, DEFINITIONS))) {
    console.error(`generate-schemas: ${path.join(shared, DEFINITIONS)} not found (pass --shared <dir>)`);
    return 2;
  }
  const files = generate(shared);
  if (check) {
    const stale = Object.entries(files).filter(([f, text]) => {
      const file = path.join(OUT, f);
      return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text;
    }).map(([f]) => path.relative(ROOT, path.join(OUT, f)));
    if (stale.length > 0) {
      console.error(`generate-schemas: stale (run npm run generate:schemas and commit): ${stale.join(', ')}`);
      return 1;
    }
    console.log('generate-schemas: policy/schema is up to date');
    return 0;
  }
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(OUT, f), text);
  const size = (f: string) => `${f} ${(Buffer.byteLength(files[f]) / 1024).toFixed(0)} KiB`;
  console.log(`generate-schemas: wrote ${Object.keys(files).map(size).join(', ')}`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
