import { Json, ManifestContext, namespaceOf } from '../model';
import { Rule, RuleViolation } from '../rule';
import { classify, Classification, KUBERNETES_VERSION, validateObject } from '../schema';

/**
 * Schema: every object as the API server would take it. Strict validation against the Kubernetes
 * 1.28 OpenAPI and the CRDs the gate knows (generated ahead of time into policy/schema/), API
 * versions and kinds, duplicates, and workload selectors against their pod templates. What the API
 * server refuses cannot be waived: a waiver would only hide a sync that fails.
 */

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The classification of every object, computed once per gate run. */
function classifications(ctx: ManifestContext): Map<Json, Classification> {
  return ctx.once('schema.classify', () => new Map(ctx.objects.map(o => [o, isObject(o)
    ? classify(o.apiVersion, o.kind)
    : { status: 'unknown-kind', field: 'kind', message: 'not a Kubernetes object (a map with apiVersion and kind)' } as Classification])));
}

function byStatus(ctx: ManifestContext, status: Exclude<Classification['status'], 'known'>): RuleViolation[] {
  return [...classifications(ctx)].flatMap(([object, c]) => (c.status === status ? [{ object, field: c.field, message: c.message }] : []));
}

const groupOf = (apiVersion: unknown) => (typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

// ---------------------------------------------------------------------------------------------
// Selectors

/** Whether a LabelSelector selects `labels`; undefined when the selector is malformed (schema.valid reports it). */
function selects(selector: Json, labels: Json): boolean | undefined {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  const matchLabels = selector.matchLabels ?? {};
  const expressions = selector.matchExpressions ?? [];
  if (!isObject(matchLabels) || !Array.isArray(expressions)) return undefined;
  for (const [k, v] of Object.entries(matchLabels)) {
    if (typeof v !== 'string') return undefined;
    if (!has(k) || labels[k] !== v) return false;
  }
  for (const e of expressions) {
    if (!isObject(e) || typeof e.key !== 'string') return undefined;
    const values: unknown = e.values ?? [];
    if (!Array.isArray(values)) return undefined;
    // In and NotIn need values, Exists and DoesNotExist take none (schema.valid reports it).
    if ((e.operator === 'In' || e.operator === 'NotIn') !== (values.length > 0)) return undefined;
    const value = has(e.key) ? labels[e.key] : undefined;
    switch (e.operator) {
      case 'In': if (value === undefined || !values.includes(value)) return false; break;
      case 'NotIn': if (value !== undefined && values.includes(value)) return false; break;
      case 'Exists': if (value === undefined) return false; break;
      case 'DoesNotExist': if (value !== undefined) return false; break;
      default: return undefined;
    }
  }
  return true;
}

const isEmptySelector = (s: Json) => Object.keys(isObject(s.matchLabels) ? s.matchLabels : {}).length === 0
  && (Array.isArray(s.matchExpressions) ? s.matchExpressions.length : 0) === 0;

function describeSelector(s: Json): string {
  const labels = Object.entries(isObject(s.matchLabels) ? s.matchLabels : {}).map(([k, v]) => `${k}=${v}`);
  const expressions = (Array.isArray(s.matchExpressions) ? s.matchExpressions : [])
    .map((e: Json) => `${e?.key} ${e?.operator}${Array.isArray(e?.values) ? ` (${e.values.join(', ')})` : ''}`);
  return `{${[...labels, ...expressions].join(', ')}}`;
}

const describeLabels = (labels: Json) => `{${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ')}}`;

/**
 * Checks `spec` (at `path`) of a controller whose selector must exist, match its template and,
 * for the apps/v1 controllers, not be empty.
 */
function requiredSelector(object: Json, spec: Json, path: string, mayBeEmpty = false): RuleViolation[] {
  const selector = spec.selector;
  if (selector === undefined || selector === null) {
    return [{ object, field: `${path}.selector`, message: `required: a ${object.kind} needs a selector that matches its template labels` }];
  }
  if (!isObject(selector)) return []; // a type error, reported by schema.valid
  if (!mayBeEmpty && isEmptySelector(selector)) {
    return [{ object, field: `${path}.selector`, message: `an empty selector is invalid for a ${object.kind}: it would select every pod of the namespace` }];
  }
  return templateMatches(object, spec, path, selector);
}

function templateMatches(object: Json, spec: Json, path: string, selector: Json): RuleViolation[] {
  const labels = spec.template?.metadata?.labels;
  const templateLabels = isObject(labels) ? labels : {};
  return selects(selector, templateLabels) === false
    ? [{ object, field: `${path}.template.metadata.labels`, message: `the selector ${describeSelector(selector)} does not match the template labels ${describeLabels(templateLabels)}` }]
    : [];
}

/** ReplicationController: a map selector, defaulted from the template labels when empty. */
function replicationControllerSelector(object: Json, spec: Json): RuleViolation[] {
  const selector = spec.selector;
  const labels = isObject(spec.template?.metadata?.labels) ? spec.template.metadata.labels : {};
  if (selector !== undefined && selector !== null && !isObject(selector)) return [];
  if (!isObject(selector) || Object.keys(selector).length === 0) {
    return Object.keys(labels).length === 0 ? [{ object, field: 'spec.selector', message: 'required: a ReplicationController needs a selector or template labels to default it from' }] : [];
  }
  return templateMatches(object, spec, 'spec', { matchLabels: selector });
}

/** Job (and a CronJob's job template): the API server generates the selector unless `manualSelector: true`. */
function jobSelector(object: Json, spec: Json, path: string): RuleViolation[] {
  if (spec.manualSelector === true) return requiredSelector(object, spec, path, true);
  if (spec.selector === undefined || spec.selector === null) return [];
  return [{
    object, field: `${path}.selector`,
    message: 'a Job selector may be set only with manualSelector: true; otherwise the API server generates it and refuses any other',
  }];
}

function selectorViolations(object: Json): RuleViolation[] {
  const spec = object.spec;
  if (!isObject(spec)) return [];
  switch (`${object.apiVersion} ${object.kind}`) {
    case 'apps/v1 Deployment': case 'apps/v1 ReplicaSet': case 'apps/v1 StatefulSet': case 'apps/v1 DaemonSet':
      return requiredSelector(object, spec, 'spec');
    case 'v1 ReplicationController':
      return replicationControllerSelector(object, spec);
    case 'batch/v1 Job':
      return jobSelector(object, spec, 'spec');
    case 'batch/v1 CronJob': {
      const job = spec.jobTemplate?.spec;
      return isObject(job) ? jobSelector(object, job, 'spec.jobTemplate.spec') : [];
    }
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------

function duplicates(ctx: ManifestContext): RuleViolation[] {
  const first = new Map<string, Json>();
  const found: RuleViolation[] = [];
  for (const o of ctx.objects) {
    const name = isObject(o) ? o.metadata?.name : undefined;
    if (typeof name !== 'string' || name === '' || typeof o.kind !== 'string') continue;
    const key = [groupOf(o.apiVersion), o.kind, namespaceOf(o), name].join('\u0000');
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, o);
      continue;
    }
    const group = groupOf(o.apiVersion);
    found.push({
      object: o, field: 'metadata.name',
      message: `a second ${o.kind}${group ? ` (${group})` : ''} named ${name} in ${namespaceOf(o) || 'the cluster'}: applying the set, one silently replaces the other`,
    });
  }
  return found;
}

export const SCHEMA_RULES: Rule[] = [
  {
    id: 'schema.valid', family: 'schema', severity: 'error', waivable: false,
    title: `objects validate against the Kubernetes ${KUBERNETES_VERSION} and CRD schemas`,
    fix: 'correct the field as the message says: remove or respell unknown fields, use the expected type (true, not "true"), one of the listed values, and valid names and labels',
    check: ctx => [...classifications(ctx)].flatMap(([object, c]) => (c.status === 'known'
      ? validateObject(object, c.entry).map(p => ({ object, field: p.field, message: p.message }))
      : [])),
  },
  {
    id: 'schema.removed-api', family: 'schema', severity: 'error', waivable: false,
    title: `no API versions removed by Kubernetes ${KUBERNETES_VERSION}`,
    fix: 'move the object to the apiVersion the message names (and adapt the fields that changed there)',
    check: ctx => byStatus(ctx, 'removed'),
  },
  {
    id: 'schema.unknown-kind', family: 'schema', severity: 'error', waivable: false,
    title: 'only kinds that Kubernetes or a known CRD serves in the given apiVersion',
    fix: 'fix the apiVersion or kind (e.g. Deployment is apps/v1, not v1); a CRD kind must use a version its CRD serves',
    check: ctx => byStatus(ctx, 'unknown-kind'),
  },
  {
    id: 'schema.unknown-crd', family: 'schema', severity: 'warning',
    title: 'objects of CRDs the gate has no schema for are flagged',
    fix: 'add the CRD to ../shared/crds and run npm run generate:schemas, or waive with the CRD and version the cluster runs',
    check: ctx => byStatus(ctx, 'unknown-crd'),
  },
  {
    id: 'schema.duplicate', family: 'schema', severity: 'error', waivable: false,
    title: 'no two objects with the same group, kind, namespace and name',
    fix: 'rename one of them or merge them into one object',
    check: duplicates,
  },
  {
    id: 'schema.selector', family: 'schema', severity: 'error', waivable: false,
    title: 'workload selectors exist and match their pod template labels',
    fix: 'give spec.selector.matchLabels that the pod template\'s metadata.labels carry (for Jobs, leave the selector to the API server)',
    check: ctx => ctx.objects.filter(isObject).flatMap(selectorViolations),
  },
];
