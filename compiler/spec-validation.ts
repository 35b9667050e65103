import type { ErrorObject } from 'ajv';
import { GuardrailError } from '../policy/errors';
import SPEC_SCHEMA from '../schemas/app-spec.schema.json';
import { validateAppSpec as appSpecValidator, validatePlatformSpec as platformSpecValidator, Validator } from './spec-validators';
import { closest } from '../policy/spelling';

// Specs may come from JSON or YAML, or be computed in TypeScript, so the types the compiler saw are
// checked again at run time, at every depth, by validators generated from those very types
// (scripts/generate-spec-schema.ts). Each error becomes a GuardrailError that names where in the
// spec, which field, the value, and a fix.

/** Problems of an app spec; `where` is its path in messages, e.g. `apps/shop`. */
export function validateAppSpec(spec: unknown, where: string): GuardrailError[] {
  return validate(appSpecValidator, spec, where);
}

/** Problems of the platform spec; `where` is its path in messages, e.g. `platform`. */
export function validatePlatformSpec(spec: unknown, where: string): GuardrailError[] {
  return validate(platformSpecValidator, spec, where);
}

/** What the schema cannot see in a TypeScript spec (JSON and YAML hold neither). */
interface ValueProblem {
  readonly instancePath: string;
  readonly keyword: 'finite' | 'plainObject';
}

type Problem = ErrorObject | ValueProblem;

function validate(validator: Validator, spec: unknown, where: string): GuardrailError[] {
  const values: ValueProblem[] = [];
  valueProblems(spec, '', [], values);
  const problems: Problem[] = [...values];
  if (!validator(spec)) {
    const seen = new Set(values.map(p => p.instancePath));
    const hidden = values.filter(p => p.keyword === 'plainObject').map(p => p.instancePath);
    const errors = withoutUnionNoise(validator.errors ?? []);
    const typos = new Set(errors.map(e => e.keyword === 'additionalProperties' ? `${e.instancePath}/${typoOf(e)}` : ''));
    for (const e of errors) {
      // One message per value: NaN fails both `finite` and `integer`; 0.5 both `integer` and `minimum`.
      if (!fieldOf(e) && seen.has(e.instancePath)) continue;
      if (!fieldOf(e)) seen.add(e.instancePath);
      // What is missing from an object whose keys hide behind a prototype is no news.
      if (hidden.some(h => isWithin(e.instancePath, h))) continue;
      // `nam` for `name`: the typo's message says it; "name is required" would say it twice.
      if (e.keyword === 'required' && typos.has(`${e.instancePath}/${e.params.missingProperty}`)) continue;
      problems.push(e);
    }
  }
  return problems.map(p => toError(p, spec, where));
}

/**
 * Numbers JSON cannot hold (Ajv's `number` lets NaN and Infinity through), and objects whose
 * keys hide behind a prototype: `{ __proto__: {...} }` in an object literal sets the prototype
 * instead of adding a key, so the validators, which look at own keys only, would see nothing.
 */
function valueProblems(value: unknown, instancePath: string, ancestors: object[], into: ValueProblem[]): void {
  if (typeof value === 'number' && !Number.isFinite(value)) into.push({ instancePath, keyword: 'finite' });
  if (typeof value !== 'object' || value === null || ancestors.includes(value)) return;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) into.push({ instancePath, keyword: 'plainObject' });
  for (const [key, child] of Object.entries(value)) {
    valueProblems(child, `${instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, [...ancestors, value], into);
  }
}

/**
 * Ajv reports every branch of a failed union (`string | EnvReference`): for an object, "must be
 * string" and the object branch's own errors. Only the branches whose type the value has are
 * worth reading; when none has, one error says which types would do.
 */
function withoutUnionNoise(errors: ErrorObject[]): ErrorObject[] {
  const kept: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword !== 'anyOf') {
      // Inside `propertyNames`, which is reported once more with the name.
      if (e.propertyName === undefined) kept.push(e);
      continue;
    }
    // Ajv pushes a union's branch errors just before the union's own.
    let start = kept.length;
    while (start > 0 && isWithin(kept[start - 1].instancePath, e.instancePath)) start--;
    const branches = kept.splice(start);
    const types = (e.parentSchema!.anyOf as Record<string, any>[]).map(typeOf);
    const fits = (t: string) => t === jsonType(e.data) || (t === 'number' && jsonType(e.data) === 'integer');
    if (types.some(t => t === undefined || t.some(fits))) {
      kept.push(...branches.filter(b => !(b.keyword === 'type' && b.instancePath === e.instancePath)));
    } else {
      kept.push({ ...e, keyword: 'type', params: { type: types.flat().join(',') } });
    }
  }
  return kept;
}

function isWithin(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}/`);
}

/** The JSON types a branch of a union takes, from the generated schema's definitions. */
function typeOf(branch: Record<string, any>): string[] | undefined {
  const definitions: Record<string, Record<string, any>> = SPEC_SCHEMA.definitions;
  const ref = typeof branch.$ref === 'string' ? definitions[branch.$ref.replace('#/definitions/', '')] : branch;
  const type = ref?.type;
  return type === undefined || Array.isArray(type) ? type : [type];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The key an error is about, when it is not the value at its path (a missing or unknown key). */
function fieldOf(p: Problem): string | undefined {
  if (!('params' in p)) return undefined;
  return p.params.additionalProperty ?? p.params.missingProperty ?? p.params.propertyName;
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number', number: 'a number', string: 'a string', boolean: 'true or false',
  array: 'a list', object: 'an object', null: 'null',
};

function toError(p: Problem, spec: unknown, where: string): GuardrailError {
  const pieces = piecesOf(spec, p.instancePath);
  const field = fieldOf(p);
  const parent = valueAt(spec, p.instancePath);
  const value = field === undefined ? parent : ownValue(parent, field);
  if (field !== undefined) pieces.push(field);
  const path = [where, ...pieces.slice(0, -1)].join('/');
  const name = pieces[pieces.length - 1] ?? 'spec';
  const [problem, fix] = words(p, value);
  return new GuardrailError(path, name, value, problem, fix);
}

function words(p: Problem, value: unknown): [string, string] {
  if (!('params' in p)) {
    return p.keyword === 'finite'
      ? ['must be a finite number', 'write a number (JSON and YAML cannot hold NaN or Infinity either)']
      : ['must be a plain object (a `__proto__` key in an object literal sets its prototype instead of adding a key)',
        'write the keys as own properties of a plain object; `__proto__` is not a usable name'];
  }
  const { keyword, params, parentSchema } = p;
  switch (keyword) {
    case 'additionalProperties': {
      // A field that belongs to a sibling type says where it belongs rather than only that it is unknown.
      if (params.additionalProperty === 'ports' && /\/initContainers\/[0-9]+$/.test(p.instancePath)) {
        return ['is set on an init container, which runs to completion before the pod is ready, so no Service or caller could reach it',
          'move the container to sidecars (with sidecarMode "native" it still starts before the init containers), or remove ports'];
      }
      const known = Object.keys(parentSchema?.properties ?? {});
      const guess = typoOf(p);
      const list = `remove it or use one of ${known.join(', ')}`;
      return ['is not a known field', guess ? `did you mean ${guess}? If not, ${list}` : list];
    }
    case 'required':
      return ['is required', `add ${params.missingProperty}`];
    case 'propertyNames':
      // The schema's one rule on map keys (scripts/generate-spec-schema.ts).
      return [`is a name every JavaScript object already has (Object.prototype.${params.propertyName})`,
        'rename it: a lookup by this name would find the built-in'];
    case 'type': {
      // Ajv gives `type: ["string", "number"]` (a probe's port) as an array, a union folded above as "string,number".
      const types: string[] = Array.isArray(params.type) ? params.type : String(params.type).split(',');
      const expected = types.map(t => TYPE_NAMES[t] ?? t).join(' or ');
      const unquoted = typeof value === 'string' && types.some(t => t === 'number' || t === 'integer') && value.trim() !== '' && Number.isFinite(Number(value));
      return [`must be ${expected}`, unquoted ? `write ${value.trim()} without quotes` : `give ${expected}`];
    }
    case 'enum': {
      const allowed = params.allowedValues as unknown[];
      const guess = typeof value === 'string' ? closest(value, allowed.map(String)) : undefined;
      return [`must be one of ${allowed.join(', ')}`, guess ? `did you mean ${guess}?` : 'use one of them'];
    }
    case 'const':
      // A field of one allowed value (a literal type such as kubernetesApi's `access: 'read'`).
      return [`must be ${JSON.stringify(params.allowedValue)}`, `write ${JSON.stringify(params.allowedValue)}`];
    case 'minimum':
    case 'maximum': {
      const { minimum, maximum } = parentSchema ?? {};
      const range = minimum !== undefined && maximum !== undefined ? `from ${minimum} to ${maximum}` : `${keyword === 'minimum' ? 'of at least' : 'of at most'} ${params.limit}`;
      return [`must be a number ${range}`, `give a number ${range}`];
    }
    default:
      return [p.message ?? `fails the schema's ${keyword} rule`, 'see schemas/app-spec.schema.json for what is allowed here'];
  }
}

/** The known field an unknown one is likely a misspelling of. */
function typoOf(e: ErrorObject): string | undefined {
  return closest(e.params.additionalProperty, Object.keys(e.parentSchema?.properties ?? {}));
}

function segmentsOf(instancePath: string): string[] {
  return instancePath === '' ? [] : instancePath.slice(1).split('/').map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function ownValue(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

function valueAt(spec: unknown, instancePath: string): unknown {
  return segmentsOf(instancePath).reduce(ownValue, spec);
}

/** Path pieces as people write them: `callers[0]`, not `callers/0`. */
function piecesOf(spec: unknown, instancePath: string): string[] {
  const pieces: string[] = [];
  let value = spec;
  for (const segment of segmentsOf(instancePath)) {
    if (Array.isArray(value) && pieces.length > 0) pieces[pieces.length - 1] += `[${segment}]`;
    else pieces.push(segment);
    value = ownValue(value, segment);
  }
  return pieces;
}
