import { isScalar, LineCounter, parseAllDocuments, Tags, visit } from 'yaml';
import { Json } from './model';

/**
 * The one reader of manifests for the gate, the audit command, the plugin and the tests. It reads
 * YAML and JSON the way the API server's client libraries do (sigs.k8s.io/yaml, i.e. go-yaml v2
 * and then JSON): YAML 1.1, so `yes`/`on`/`y` are `true` and `0644` is octal, as kubectl would send
 * them. A duplicate key (compared as resolved, so `yes` and `true` collide), a parse error or a document that is no object is an error with its
 * file:line, never a silent half-read.
 */

/** Where an object was read from, for findings to point at. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based line of the document's first line. */
  readonly line: number;
}

export class ManifestReadError extends Error {
  constructor(public readonly file: string, public readonly line: number, problem: string) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'ManifestReadError';
  }
}

const locations = new WeakMap<object, SourceLocation>();

/** Where `object` was read from, when it came through {@link readManifests}. */
export function sourceOf(object: object): SourceLocation | undefined {
  return locations.get(object);
}

/**
 * go-yaml v2 leaves timestamps as strings and knows no sexagesimal numbers (`1:20` is a string),
 * so drop those two of the `yaml` library's YAML 1.1 tags.
 */
const customTags = (tags: Tags): Tags => tags.filter(t => typeof t === 'string'
  ? !['timestamp', 'intTime', 'floatTime'].includes(t)
  : t.tag !== 'tag:yaml.org,2002:timestamp' && (t as { format?: string }).format !== 'TIME');

/**
 * The Kubernetes objects in `text` (one or more YAML documents, or JSON). `List` kinds (as
 * `kubectl get -o yaml` writes them) are unpacked into their items; empty documents are skipped.
 */
export function readManifests(text: string, file = '<input>'): Json[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { version: '1.1', customTags, uniqueKeys: true, lineCounter, prettyErrors: false, merge: false });
  const lineOf = (offset: number | undefined) => lineCounter.linePos(offset ?? 0).line;
  const objects: Json[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const error = doc.errors[0];
    if (error) throw new ManifestReadError(file, lineOf(error.pos[0]), error.message.split('\n')[0]);
    const line = lineOf(doc.contents?.range?.[0] ?? doc.range[0]);
    // A `%YAML 1.2` directive would switch this library to 1.2 (`yes` a string), while go-yaml v2
    // refuses any version but 1.1: refuse it too, rather than read the file differently.
    if (doc.directives?.yaml.explicit && doc.directives.yaml.version !== '1.1') {
      throw new ManifestReadError(file, lineOf(doc.range[0]), `%YAML ${doc.directives.yaml.version} is refused: Kubernetes reads YAML 1.1 only; remove the directive`);
    }
    // go-yaml v2 applies a `<<` merge where it stands, so a merged value overrides a key written
    // before it, where the YAML spec (and this library) keeps the written key: two readings of
    // one file. Refuse merge keys rather than guess which one the cluster will see.
    visit(doc, { Pair: (_, pair) => {
      if (isScalar(pair.key) && (pair.key.source === '<<' || pair.key.value === '<<') && pair.key.type !== 'QUOTE_DOUBLE' && pair.key.type !== 'QUOTE_SINGLE') {
        throw new ManifestReadError(file, lineOf(pair.key.range?.[0]), 'YAML merge keys (<<) are refused: Kubernetes and YAML tools read them differently; write the keys out');
      }
    } });
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
      throw new ManifestReadError(file, line, 'a document is not a Kubernetes object (it needs a string apiVersion and kind)');
    }
    const items: unknown[] = value.kind.endsWith('List') && Array.isArray(value.items) ? value.items : [value];
    items.forEach((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw new ManifestReadError(file, line, `items[${i}] of the ${value.kind} is not an object`);
      }
      locations.set(item, { file, line });
      objects.push(item as Json);
    });
  }
  return objects;
}
