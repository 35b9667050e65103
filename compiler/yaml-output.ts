import { Document, parse, Scalar, stringify, Tags, visit } from 'yaml';

/**
 * cdk8s' `Yaml.stringify` options (cdk8s 2.70), so that output stays byte for byte what it was;
 * without YAML 1.1's merge tag, which would write a `<<` key plain whatever its node says.
 */
const OPTIONS = {
  keepUndefined: true, lineWidth: 0, version: '1.1',
  customTags: (tags: Tags) => tags.filter(t => (typeof t === 'string' ? t : t.tag) !== 'tag:yaml.org,2002:merge'),
} as const;

/**
 * Words of one or more letters, digits and `._/-` that start with a letter: plain, they read as
 * themselves in both versions, except the booleans and nulls of either (`y`, `on`, `Null`...).
 * Most of a manifest is such words (names, labels, kinds), so they skip the parse below.
 */
const WORD = /^[A-Za-z][A-Za-z0-9._/-]*$/;
const SPECIAL_WORDS = new Set(['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null']);
const verdicts = new Map<string, boolean>();

/** Whether `text`, written plain, reads back as this very string in YAML 1.1 and in YAML 1.2. */
function plainReadsAsItself(text: string): boolean {
  if (WORD.test(text)) return !SPECIAL_WORDS.has(text.toLowerCase());
  let verdict = verdicts.get(text);
  if (verdict === undefined) {
    verdict = parsesAsItself(text);
    // Bounded, so that a long-running process does not keep every string it ever wrote.
    if (verdicts.size > 100_000) verdicts.clear();
    verdicts.set(text, verdict);
  }
  return verdict;
}

function parsesAsItself(text: string): boolean {
  return (['1.1', '1.2'] as const).every(version => {
    try {
      return parse(text, { version }) === text;
    } catch {
      return false;
    }
  });
}

/**
 * The manifests as YAML documents, as cdk8s' `Yaml.stringify` writes them, except that a string
 * is never left plain where a reader would take it for something else. cdk8s writes YAML 1.1,
 * which Kubernetes reads (so `yes` and `0644` are quoted), but leaves plain what only YAML 1.2
 * reads differently (`0o17` is 15 there), and the key `<<`, which readers may apply as a merge.
 * Reviewers' tools read YAML 1.2: both must see the same strings.
 */
export function toYaml(...docs: unknown[]): string {
  return docs.map(d => (d === undefined ? '\n' : fastDocumentYaml(d) ?? documentYaml(d))).join('---\n');
}

/**
 * The reference: every document through the yaml library, as {@link toYaml} wrote them before its
 * fast path. Tests compare the two; nothing else needs it.
 * @internal
 */
export function toYamlReference(...docs: unknown[]): string {
  return docs.map(d => (d === undefined ? '\n' : documentYaml(d))).join('---\n');
}

/**
 * A document of plain JSON data (plain objects, arrays, strings, finite numbers, booleans), written
 * byte for byte as {@link documentYaml} writes it, ~20 times faster: block style with an indent of
 * 2, sequences indented under their key, `{}` and `[]` for empty collections. Only the layout is
 * ours: each string, key and non-integer number that is not a plain word is written as the yaml
 * library writes it in that position (asked once, cached). Anything else (null, undefined, a
 * shared object, a multi-line scalar, a class instance, a top-level scalar) returns undefined, and
 * the document goes through the yaml library whole.
 */
function fastDocumentYaml(value: unknown): string | undefined {
  if (!isCollection(value)) return undefined;
  const out: string[] = [];
  const seen = new Set<object>();
  const ok = Array.isArray(value) ? blockSeq(value, '', '', seen, out) : blockMap(value as Record<string, unknown>, '', '', seen, out, 'top');
  return ok ? out.join('') : undefined;
}

const isCollection = (v: unknown): v is object => {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** Writes a collection that is the value of a key or a sequence entry; false when the fast path cannot. */
function collection(v: object, indent: string, prefix: string, seen: Set<object>, out: string[], place: KeyPlace): boolean {
  if (seen.has(v)) return false; // yaml would write an anchor and an alias
  if (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0) {
    seen.add(v);
    out.push(Array.isArray(v) ? ' []\n' : ' {}\n');
    return true;
  }
  out.push(prefix);
  return Array.isArray(v) ? blockSeq(v, indent, '', seen, out) : blockMap(v as Record<string, unknown>, indent, '', seen, out, place);
}

/** A non-empty map's lines at `indent`, the first line starting with `first` instead. */
function blockMap(map: Record<string, unknown>, indent: string, first: string, seen: Set<object>, out: string[], place: KeyPlace): boolean {
  if (seen.has(map)) return false;
  seen.add(map);
  const keys = Object.keys(map);
  if (keys.length === 0) return false;
  const inner = `${indent}  `;
  for (let i = 0; i < keys.length; i++) {
    const k = keyText(keys[i], i === 0 ? place : indent === '' ? 'top' : 'nested');
    if (k === undefined) return false;
    const v = map[keys[i]];
    out.push(i === 0 ? first : indent, k, ':');
    if (isCollection(v)) {
      // A collection under a key starts on the next line, two columns in (sequences too).
      if (!collection(v, inner, `\n${inner}`, seen, out, 'nested')) return false;
    } else {
      const scalar = scalarText(v, valueTexts, 'x: ', x => ({ x }));
      if (scalar === undefined) return false;
      out.push(' ', scalar, '\n');
    }
  }
  return true;
}

/** A non-empty sequence's lines at `indent`, the first starting with `first` instead. */
function blockSeq(seq: unknown[], indent: string, first: string, seen: Set<object>, out: string[]): boolean {
  if (seen.has(seq) || seq.length === 0) return false;
  seen.add(seq);
  const inner = `${indent}  `;
  for (let i = 0; i < seq.length; i++) {
    if (!(i in seq)) return false; // a hole
    const v = seq[i];
    out.push(i === 0 ? first : indent, '-');
    if (isCollection(v)) {
      // A collection in a sequence starts on the line of its dash, two columns further in.
      if (!collection(v, inner, ' ', seen, out, 'item')) return false;
    } else {
      const scalar = scalarText(v, itemTexts, '- ', x => [x]);
      if (scalar === undefined) return false;
      out.push(' ', scalar, '\n');
    }
  }
  return true;
}

/**
 * A word the yaml library writes plain and that reads as itself in both versions: a {@link WORD}
 * that is no boolean or null of either, nor a YAML 1.1 float without digits before its exponent
 * (`e5`, `E-0`, which the library quotes).
 */
const plainWord = (text: string) => WORD.test(text) && !SPECIAL_WORDS.has(text.toLowerCase()) && !/^[eE]-?[0-9]+$/.test(text);

const valueTexts = new Map<unknown, string | null>();
const itemTexts = new Map<unknown, string | null>();

/** How the yaml library writes a scalar in this position, when on one line; undefined otherwise. */
function scalarText(v: unknown, cache: Map<unknown, string | null>, lead: string, wrap: (v: unknown) => unknown): string | undefined {
  if (typeof v === 'string') {
    if (plainWord(v)) return v;
  } else if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
  } else if (typeof v === 'boolean') {
    return v ? 'true' : 'false';
  } else {
    return undefined;
  }
  return asked(cache, v, () => {
    const text = documentYaml(wrap(v));
    return text.startsWith(lead) && text.endsWith('\n') && text.indexOf('\n') === text.length - 1 ? text.slice(lead.length, -1) : null;
  });
}

/** Where a key is written: at the start of a line, after indentation, or after a sequence's dash. */
type KeyPlace = 'top' | 'nested' | 'item';

const KEY_PLACES: Record<KeyPlace, { cache: Map<string, string | null>; lead: string; wrap: (key: string) => unknown }> = {
  top: { cache: new Map(), lead: '', wrap: key => ({ [key]: 0 }) },
  nested: { cache: new Map(), lead: 'a:\n  ', wrap: key => ({ a: { [key]: 0 } }) },
  item: { cache: new Map(), lead: '- ', wrap: key => [{ [key]: 0 }] },
};

function keyText(key: string, place: KeyPlace): string | undefined {
  if (plainWord(key)) return key;
  const { cache, lead, wrap } = KEY_PLACES[place];
  return asked(cache, key, () => {
    const text = documentYaml(wrap(key));
    const ok = text.startsWith(lead) && text.endsWith(': 0\n') && text.indexOf('\n', lead.length) === text.length - 1;
    return ok ? text.slice(lead.length, -': 0\n'.length) : null;
  });
}

function asked<K>(cache: Map<K, string | null>, key: K, ask: () => string | null): string | undefined {
  let text = cache.get(key);
  if (text === undefined) {
    text = ask();
    // Bounded, so that a long-running process does not keep every string it ever wrote.
    if (cache.size > 100_000) cache.clear();
    cache.set(key, text);
  }
  return text ?? undefined;
}

function documentYaml(value: unknown): string {
  const doc = new Document(value, OPTIONS);
  visit(doc, {
    Scalar: (_, node) => {
      const text = node.value;
      // Only strings the stringifier would write plain; the others it already quotes or blocks.
      if (typeof text === 'string' && (text === '<<' || !plainReadsAsItself(text)) && stringify(text, OPTIONS) === `${text}\n`) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return doc.toString(OPTIONS);
}
