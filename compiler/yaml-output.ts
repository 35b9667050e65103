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
  return docs.map(d => (d === undefined ? '\n' : documentYaml(d))).join('---\n');
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
