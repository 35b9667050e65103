import { isClusterScoped, Json, POD_TEMPLATE_PATHS, podTemplateOf } from '../model';
import KINDS from './kinds.json';
import { matches, patternBySource, PATTERNS } from './patterns';
import { REMOVED_APIS, REMOVED_GROUPS } from './removed-apis';
import * as validators from './validators';
import type { Validator } from './validators';

/**
 * Strict schema validation of one object, with the validators generated ahead of time by
 * scripts/generate-schemas.ts from the Kubernetes 1.28 OpenAPI and the CRDs in ../shared/crds.
 * Besides the schema (unknown fields, types, enums, required fields, label and name syntax) it
 * checks what a schema cannot say and the API server refuses or silently changes: the
 * `metadata.name` syntax of each kind, the total size of annotations, a namespace on a
 * cluster-scoped object, unique container and volume names and mounts of volumes that exist in
 * pods, and what RBAC bindings may refer to. Findings name the exact field, e.g.
 * `spec.template.spec.containers[0].securityContext.privilegd`.
 */

/** Something the API server would refuse in an object. */
export interface SchemaProblem {
  readonly field: string;
  readonly message: string;
}

export interface KindEntry {
  readonly validator: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** `kubernetes-1.28.0`, or the folder of ../shared/crds the CRD came from. */
  readonly source: string;
}

export const KUBERNETES_VERSION: string = KINDS.kubernetes;
const BUILTIN = `kubernetes-${KINDS.kubernetes}`;
const ENTRIES: readonly KindEntry[] = KINDS.kinds;
const BY_TYPE = new Map(ENTRIES.map(e => [`${e.apiVersion} ${e.kind}`, e]));
const BUILTIN_GROUPS = new Set([...KINDS.builtinGroups, ...REMOVED_GROUPS]);
const CRD_GROUPS = new Set(ENTRIES.filter(e => e.source !== BUILTIN).map(e => groupOf(e.apiVersion)));
const SERVED_VERSIONS = new Set(ENTRIES.map(e => e.apiVersion));
const VALIDATORS = validators as unknown as Record<string, Validator>;

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** What the gate knows about an apiVersion and kind. */
export type Classification =
  | { readonly status: 'known'; readonly entry: KindEntry }
  | { readonly status: 'removed' | 'unknown-kind' | 'unknown-crd'; readonly field: 'apiVersion' | 'kind'; readonly message: string };

/** `group/version` or a core `version`; a CRD's version may be any DNS-1035 label. */
const API_VERSION = /^(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?[a-z](?:[-a-z0-9]*[a-z0-9])?$/;

/** Whether the object's type is one we have a schema for, and if not, why. */
export function classify(apiVersion: unknown, kind: unknown): Classification {
  if (typeof apiVersion !== 'string' || !API_VERSION.test(apiVersion)) {
    return { status: 'unknown-kind', field: 'apiVersion', message: `apiVersion ${JSON.stringify(apiVersion)} is not a group/version such as apps/v1` };
  }
  if (typeof kind !== 'string' || kind === '') {
    return { status: 'unknown-kind', field: 'kind', message: `kind ${JSON.stringify(kind)} is not a kind name` };
  }
  const entry = BY_TYPE.get(`${apiVersion} ${kind}`);
  if (entry) return { status: 'known', entry };
  const group = groupOf(apiVersion);
  const removal = REMOVED_APIS.get(apiVersion);
  const removedKind = removal && Object.prototype.hasOwnProperty.call(removal, kind) ? removal[kind] : undefined;
  if (removedKind) {
    const instead = removedKind.replacement ? `; use apiVersion ${removedKind.replacement}` : '';
    return {
      status: 'removed', field: 'apiVersion',
      message: `${apiVersion} ${kind} was removed in Kubernetes ${removedKind.removedIn}${instead}${removedKind.note ? ` (${removedKind.note})` : ''}`,
    };
  }
  const servedAs = ENTRIES.filter(e => e.kind === kind && groupOf(e.apiVersion) === group).map(e => e.apiVersion);
  if (removal && !SERVED_VERSIONS.has(apiVersion)) {
    return {
      status: 'removed', field: 'apiVersion',
      message: `${apiVersion} is no longer served by Kubernetes ${KUBERNETES_VERSION}${servedAs.length ? `; ${kind} is served as ${servedAs.join(', ')}` : ''}`,
    };
  }
  if (BUILTIN_GROUPS.has(group)) {
    const elsewhere = ENTRIES.filter(e => e.kind === kind && e.source === BUILTIN).map(e => e.apiVersion);
    const hint = servedAs.length ? `; ${kind} is served as ${servedAs.join(', ')}`
      : elsewhere.length ? `; ${kind} is served as ${elsewhere.join(', ')}` : '';
    return {
      status: 'unknown-kind', field: hint ? 'apiVersion' : 'kind',
      message: `Kubernetes ${KUBERNETES_VERSION} serves no kind ${kind} in ${apiVersion}${hint}`,
    };
  }
  if (!group.includes('.')) {
    // A CRD's group always has a dot (apiextensions validation), so this can only be a typo.
    return {
      status: 'unknown-kind', field: 'apiVersion',
      message: `no API group ${JSON.stringify(group)} in Kubernetes ${KUBERNETES_VERSION}, and a CRD's group always contains a dot`,
    };
  }
  if (CRD_GROUPS.has(group) && servedAs.length > 0) {
    const source = ENTRIES.find(e => e.kind === kind && groupOf(e.apiVersion) === group)!.source;
    return {
      status: 'unknown-kind', field: 'apiVersion',
      message: `the ${kind} CRD (${source}) does not serve ${apiVersion}; it serves ${servedAs.join(', ')}`,
    };
  }
  return {
    status: 'unknown-crd', field: 'kind',
    message: `no schema for ${apiVersion} ${kind} (not a Kubernetes ${KUBERNETES_VERSION} kind, nor one of the CRDs the gate knows), so its fields go unchecked`,
  };
}

/** Every problem the API server would find in an object of a known type. */
export function validateObject(object: Json, entry: KindEntry): SchemaProblem[] {
  const data = withoutNulls(object);
  const validate = VALIDATORS[entry.validator];
  const errors = validate(data) ? [] : validate.errors ?? [];
  // A value of the wrong type also fails its enum or pattern: report the type alone.
  const mistyped = new Set(errors.filter(e => e.keyword === 'type').map(e => e.instancePath));
  const problems = errors.filter(e => e.keyword === 'type' || !mistyped.has(e.instancePath)).flatMap(e => translate(e, data));
  problems.push(...nameProblems(data, entry), ...annotationSizeProblems(data, entry));
  if (entry.source === BUILTIN) problems.push(...scopeProblems(data), ...podProblems(data), ...bindingProblems(data, entry));
  const seen = new Set<string>();
  return problems.filter(p => {
    const key = `${p.field}\u0000${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

// ---------------------------------------------------------------------------------------------
// Nulls: the API server reads `field: null` as "not set", so a null optional field is fine and a
// null required field is missing. Drop them (and `undefined`, which serialization drops) first.

function hasNullish(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(hasNullish);
  for (const k of Object.keys(v)) {
    const x = (v as Json)[k];
    if (x === null || x === undefined || hasNullish(x)) return true;
  }
  return false;
}

function dropNullish(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(dropNullish);
  const out: Json = {};
  for (const k of Object.keys(v)) {
    const x = (v as Json)[k];
    // defineProperty: a key named __proto__ stays a key (an unknown field), never a prototype.
    if (x !== null && x !== undefined) Object.defineProperty(out, k, { value: dropNullish(x), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function withoutNulls(object: Json): Json {
  return hasNullish(object) ? dropNullish(object) as Json : object;
}

// ---------------------------------------------------------------------------------------------
// Ajv errors to findings

interface AjvError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, any>;
  readonly propertyName?: string;
}

/** `/spec/containers/0/name` as `spec.containers[0].name`, and the value found there. */
function locate(instancePath: string, data: unknown): { field: string; value: unknown } {
  let field = '';
  let value: any = data;
  if (instancePath === '') return { field, value };
  for (const raw of instancePath.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      field += `[${key}]`;
    } else {
      field = join(field, key);
    }
    value = value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
  }
  return { field, value };
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function show(v: unknown): string {
  const text = v !== null && typeof v === 'object' ? typeName(v) : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function translate(error: AjvError, data: unknown): SchemaProblem[] {
  const { field, value } = locate(error.instancePath, data);
  const p = error.params;
  switch (error.keyword) {
    case 'additionalProperties':
      return [{ field: join(field, String(p.additionalProperty)), message: `unknown field ${JSON.stringify(p.additionalProperty)}` }];
    case 'required':
      return [{ field: join(field, String(p.missingProperty)), message: `required field ${JSON.stringify(p.missingProperty)} is missing` }];
    case 'type': {
      const expected = String(p.type).split(',').join(' or ');
      return [{ field, message: `expected ${expected}, got ${typeName(value)}${typeof value === 'object' ? '' : ` ${show(value)}`}` }];
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).filter(v => v !== '').map(v => JSON.stringify(v)).join(', ');
      return [{ field, message: `must be one of ${allowed}, got ${show(value)}` }];
    }
    case 'pattern': {
      const named = patternBySource(String(p.pattern));
      if (error.propertyName !== undefined) {
        const key = error.propertyName;
        return [{ field: join(field, key), message: `key ${JSON.stringify(key)} is not ${named ? named.rule : `matching ${p.pattern}`}` }];
      }
      return [{ field, message: `${show(value)} is not ${named ? named.rule : `matching ${p.pattern}`}` }];
    }
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return [{ field, message: `${show(value)} is out of range: must be ${p.comparison} ${p.limit}` }];
    case 'minLength':
      return [{ field, message: `must have at least ${plural(p.limit, 'character')}` }];
    case 'maxLength':
      return [{ field, message: `must have at most ${plural(p.limit, 'character')}` }];
    case 'minItems':
      return [{ field, message: `must have at least ${plural(p.limit, 'item')}` }];
    case 'maxItems':
      return [{ field, message: p.limit === 0 ? 'must be empty here' : `must have at most ${plural(p.limit, 'item')}` }];
    case 'minProperties':
      return [{ field, message: `must have at least ${plural(p.limit, 'entry')}` }];
    case 'maxProperties':
      return [{ field, message: `must have at most ${plural(p.limit, 'entry')}` }];
    case 'uniqueItems':
      return [{ field, message: `items ${p.j} and ${p.i} are identical` }];
    // Summaries of errors that are reported on their own.
    case 'if': case 'propertyNames': case 'allOf':
      return [];
    case 'anyOf': case 'oneOf':
      return [{ field, message: 'matches none of the allowed forms' }];
    default:
      return [{ field, message: `fails ${error.keyword} ${JSON.stringify(p)}` }];
  }
}

// ---------------------------------------------------------------------------------------------
// metadata.name, by kind (pkg/apis/*/validation: the ValidateNameFunc of each kind)

type NameCheck = (name: string) => string | undefined;

const syntax = (pattern: keyof typeof PATTERNS): NameCheck => name => (matches(pattern, name) ? undefined : `is not ${PATTERNS[pattern].rule}`);
const subdomain = syntax('dnsSubdomain');
const maxLength = (n: number, why: string): NameCheck => name => (name.length > n ? `must have at most ${n} characters (${why})` : subdomain(name));

/** path.IsValidPathSegmentName: what RBAC objects may be called. */
const pathSegment: NameCheck = name => (name === '.' || name === '..' ? 'may not be "." or ".."'
  : /[/%]/.test(name) ? 'may not contain "/" or "%"' : undefined);

const NAME_CHECKS = new Map<string, NameCheck>([
  ['/Namespace', syntax('dnsLabel')],
  ['/Service', syntax('dns1035Label')],
  ['rbac.authorization.k8s.io/Role', pathSegment],
  ['rbac.authorization.k8s.io/ClusterRole', pathSegment],
  ['rbac.authorization.k8s.io/RoleBinding', pathSegment],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', pathSegment],
  // The CronJob controller appends an 11-character suffix to make its Jobs' names.
  ['batch/CronJob', maxLength(52, 'its Jobs are named after it with an 11-character suffix')],
  // The Job's name becomes the batch.kubernetes.io/job-name label of its pods.
  ['batch/Job', maxLength(63, 'it becomes a label value on its pods')],
]);

/** upstream maskTrailingDash: a generateName may end in "-". */
const maskTrailingDash = (name: string) => (name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name);

function nameProblems(o: Json, entry: KindEntry): SchemaProblem[] {
  const meta = o.metadata;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return [];
  const check = NAME_CHECKS.get(`${groupOf(entry.apiVersion)}/${entry.kind}`) ?? subdomain;
  const { name, generateName } = meta;
  if (typeof name === 'string' && name !== '') {
    const problem = check(name);
    return problem ? [{ field: 'metadata.name', message: `${JSON.stringify(name)} ${problem}` }] : [];
  }
  if (name !== undefined && typeof name !== 'string') return []; // a type error, reported by the schema
  if (typeof generateName === 'string' && generateName !== '') {
    const problem = check(maskTrailingDash(generateName));
    return problem ? [{ field: 'metadata.generateName', message: `${JSON.stringify(generateName)} ${problem}` }] : [];
  }
  return [{ field: 'metadata.name', message: 'required: an object needs a name (or a generateName)' }];
}

/** TotalAnnotationSizeLimitB in apimachinery's ValidateAnnotations. */
const ANNOTATIONS_LIMIT = 256 * 1024;

function annotationSizeProblems(o: Json, entry: KindEntry): SchemaProblem[] {
  const template = entry.source === BUILTIN && Object.prototype.hasOwnProperty.call(POD_TEMPLATE_PATHS, entry.kind) ? POD_TEMPLATE_PATHS[entry.kind] : '';
  const places = [['metadata', o.metadata], ...(template ? [[`${template}.metadata`, template.split('.').reduce((x: any, k) => x?.[k], o)?.metadata]] : [])];
  return places.flatMap(([path, meta]) => {
    const annotations = meta?.annotations;
    if (annotations === null || typeof annotations !== 'object') return [];
    let bytes = 0;
    for (const [k, v] of Object.entries(annotations)) bytes += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
    return bytes > ANNOTATIONS_LIMIT
      ? [{ field: `${path}.annotations`, message: `annotations total ${bytes} bytes, more than the ${ANNOTATIONS_LIMIT} the API server accepts` }]
      : [];
  });
}

/** The API server silently drops the namespace of a cluster-scoped object: it only misleads readers. */
function scopeProblems(o: Json): SchemaProblem[] {
  const ns = o.metadata?.namespace;
  return isClusterScoped(o) && typeof ns === 'string' && ns !== ''
    ? [{ field: 'metadata.namespace', message: `a ${o.kind} is cluster-scoped: the API server drops its namespace ${JSON.stringify(ns)}` }]
    : [];
}

// ---------------------------------------------------------------------------------------------
// Pods: names the API server requires to be unique, and mounts of volumes that exist

function podProblems(o: Json): SchemaProblem[] {
  const pod = podTemplateOf(o);
  if (!pod) return [];
  const problems: SchemaProblem[] = [];
  const containers = new Set<string>();
  for (const { container, path } of pod.containers) {
    const name = container?.name;
    if (typeof name !== 'string') continue;
    if (containers.has(name)) problems.push({ field: `${path}.name`, message: `duplicate container name ${JSON.stringify(name)} in the pod` });
    containers.add(name);
  }
  const volumes = new Set<string>();
  (Array.isArray(pod.spec.volumes) ? pod.spec.volumes : []).forEach((v: Json, i: number) => {
    if (typeof v?.name !== 'string') return;
    if (volumes.has(v.name)) problems.push({ field: `${pod.specPath}.volumes[${i}].name`, message: `duplicate volume name ${JSON.stringify(v.name)}` });
    volumes.add(v.name);
  });
  // A StatefulSet's volume claim templates are volumes of its pods too.
  const claims = o.kind === 'StatefulSet' && Array.isArray(o.spec?.volumeClaimTemplates) ? o.spec.volumeClaimTemplates : [];
  for (const c of claims) if (typeof c?.metadata?.name === 'string') volumes.add(c.metadata.name);
  for (const { container, path, list } of pod.containers) {
    if (list === 'ephemeralContainers') continue; // may mount the volumes of the pod they join, also outside the set
    (Array.isArray(container?.volumeMounts) ? container.volumeMounts : []).forEach((m: Json, i: number) => {
      if (typeof m?.name === 'string' && !volumes.has(m.name)) {
        problems.push({ field: `${path}.volumeMounts[${i}].name`, message: `no volume named ${JSON.stringify(m.name)} in the pod` });
      }
    });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// RBAC bindings (pkg/apis/rbac/validation): what a binding may refer to and how subjects are named

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function bindingProblems(o: Json, entry: KindEntry): SchemaProblem[] {
  if (entry.apiVersion !== `${RBAC_GROUP}/v1` || (entry.kind !== 'RoleBinding' && entry.kind !== 'ClusterRoleBinding')) return [];
  const cluster = entry.kind === 'ClusterRoleBinding';
  const problems: SchemaProblem[] = [];
  if (cluster && o.roleRef?.kind === 'Role') {
    problems.push({ field: 'roleRef.kind', message: 'a ClusterRoleBinding can refer only to a ClusterRole' });
  }
  (Array.isArray(o.subjects) ? o.subjects : []).forEach((s: Json, i: number) => {
    if (s === null || typeof s !== 'object') return;
    const at = `subjects[${i}]`;
    if (s.kind === 'ServiceAccount') {
      if (typeof s.apiGroup === 'string' && s.apiGroup !== '') problems.push({ field: `${at}.apiGroup`, message: 'must be "" (or absent) for a ServiceAccount' });
      if (cluster && (typeof s.namespace !== 'string' || s.namespace === '')) {
        problems.push({ field: `${at}.namespace`, message: 'required: a ServiceAccount subject of a ClusterRoleBinding needs its namespace' });
      }
      if (typeof s.name === 'string' && s.name !== '' && !matches('dnsSubdomain', s.name)) {
        problems.push({ field: `${at}.name`, message: `${JSON.stringify(s.name)} is not ${PATTERNS.dnsSubdomain.rule}` });
      }
    } else if ((s.kind === 'User' || s.kind === 'Group') && typeof s.apiGroup === 'string' && s.apiGroup !== '' && s.apiGroup !== RBAC_GROUP) {
      problems.push({ field: `${at}.apiGroup`, message: `must be ${JSON.stringify(RBAC_GROUP)} for a ${s.kind}` });
    }
  });
  return problems;
}
