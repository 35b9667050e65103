import { toYaml } from '../compiler/yaml-output';
import { Json } from '../policy/model';
import { SYNTH_RESULT } from './synth';

/**
 * A jest snapshot serializer for Kubernetes objects: a manifest, a non-empty list of manifests, or
 * a `synthApp`/`synthChart` result prints as YAML documents (the compiler's `toYaml`), sorted by
 * kind, namespace, name and apiVersion, with `apiVersion`, `kind` and `metadata` first and every
 * other key sorted, so that a snapshot changes only when the objects do, not their order.
 *
 * `snapshotSerializers: ['cdk8s-guardrails/testing/serializer']` in the jest config, or
 * `expect.addSnapshotSerializer(guardrailsSerializer)` in a test file.
 */

const isObject = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);

/** Whether `x` looks like a Kubernetes object: an object with a string apiVersion and kind. */
export const isManifest = (x: unknown): x is Json =>
  isObject(x) && typeof x.apiVersion === 'string' && x.apiVersion !== '' && typeof x.kind === 'string' && x.kind !== '';

const isSynthResult = (x: unknown): x is { objects: Json[] } => isObject(x) && x[SYNTH_RESULT as any] === true && Array.isArray(x.objects);

/** The objects this serializer prints for `val`, or undefined when it does not print `val`. */
function manifestsIn(val: unknown): Json[] | undefined {
  if (isSynthResult(val)) return val.objects;
  if (Array.isArray(val)) return val.length > 0 && val.every(isManifest) ? val : undefined;
  return isManifest(val) ? [val] : undefined;
}

const TOP_KEYS = ['apiVersion', 'kind', 'metadata'];
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `value` with object keys in the stable order (lists keep theirs: it means something), undefined values left out. */
function ordered(value: unknown, top = false): unknown {
  if (Array.isArray(value)) return value.map(v => ordered(v));
  if (!isObject(value)) return value;
  const keys = Object.keys(value).filter(k => value[k] !== undefined).sort(byCodeUnits);
  const first = top ? TOP_KEYS.filter(k => keys.includes(k)) : [];
  const out: Json = {};
  for (const k of [...first, ...keys.filter(k => !first.includes(k))]) out[k] = ordered(value[k]);
  return out;
}

const sortKey = (o: Json) => [String(o.kind), String(o.metadata?.namespace ?? ''), String(o.metadata?.name ?? ''), String(o.apiVersion)];

/** The objects in the stable order, each with its keys in the stable order (copies; the input is not changed). */
export function stableManifests(objects: readonly Json[]): Json[] {
  const docs = objects.map(o => ({ key: sortKey(o), doc: ordered(o, true) as Json }))
    .map(d => ({ ...d, yaml: toYaml(d.doc) }));
  docs.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const c = byCodeUnits(a.key[i], b.key[i]);
      if (c !== 0) return c;
    }
    // Same kind, namespace, name and apiVersion (a set that repeats an object): by content.
    return byCodeUnits(a.yaml, b.yaml);
  });
  return docs.map(d => d.doc);
}

/** The objects as stable YAML documents, separated by `---`. */
export function manifestsYaml(objects: readonly Json[]): string {
  return toYaml(...stableManifests(objects)).replace(/\n+$/, '');
}

/** Whether the serializer prints `val`: a manifest, a non-empty list of manifests, or a synth result. */
export function test(val: unknown): boolean {
  return manifestsIn(val) !== undefined;
}

/** `val` as stable YAML, indented as jest nests it. */
export function serialize(val: unknown, _config?: unknown, indentation = ''): string {
  const yaml = manifestsYaml(manifestsIn(val) ?? []);
  return indentation === '' ? yaml : yaml.split('\n').map((line, i) => (i === 0 || line === '' ? line : indentation + line)).join('\n');
}

/** The serializer as one object, for `expect.addSnapshotSerializer`. */
export const guardrailsSerializer = { test, serialize };
