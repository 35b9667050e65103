import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { toYaml } from '../compiler/yaml-output';
import { readManifests } from '../policy';

// What we write must read as the same strings in YAML 1.1 (Kubernetes, our reader) and YAML 1.2
// (reviewers' tools), as values and as keys, or a reviewed "0o17" could reach the cluster as 15.

const TRICKY = [
  '0o17', '0x1F', '0b101', '017', '08', '1_000', '1:20', '12:30:45', '+12', '-1', '.5', '+.5', '1e3', '1E3', '1.0', '0.', '-0', '0',
  'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'Yes', 'NO', 'True', 'FALSE', 'true', 'false',
  '~', 'null', 'Null', 'NULL', '', ' ', '.inf', '-.inf', '+.INF', '.NaN', '.nan',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '=', '<<', '-', '.', '---', '...', '?', ':',
  'a: b', '- a', '#x', 'x #y', '@x', '`x', '%x', '!x', '!!str x', '&x', '*x', '? x', '|', '>', "'", '"', '{a}', '[a]', 'a\nb', ' a', 'a ',
];

const object = (strings: string[]) => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: {
    name: 'x',
    labels: Object.fromEntries(strings.map((s, i) => [`l${i}`, s])),
    annotations: Object.fromEntries(strings.map((s, i) => [s, `a${i}`])),
  },
  spec: { containers: [{ name: 'x', image: 'x', env: strings.map((s, i) => ({ name: `E${i}`, value: s })) }] },
  data: Object.fromEntries(strings.map(s => [s, s])),
});

const readBoth = (text: string) => [readManifests(text), parseAllDocuments(text, { version: '1.2' }).map(d => d.toJS())];

test.each(TRICKY.map(s => [s]))('%j reads back as itself in YAML 1.1 and 1.2, as a value and as a key', s => {
  const doc = object([s]);
  for (const read of readBoth(toYaml(doc))) expect(read).toEqual([doc]);
});

test('all of them in one document, and several documents', () => {
  const docs = [object(TRICKY), object(TRICKY.slice().reverse())];
  for (const read of readBoth(toYaml(...docs))) expect(read).toEqual(docs);
});

test('any string built from YAML-significant pieces reads back as itself', () => {
  const piece = fc.constantFrom(...TRICKY, '0', '1', '9', 'e', 'o', 'x', 'b', '_', ':', '.', '+', '-', 'a', ' ', '#', 'T', 'Z');
  fc.assert(fc.property(fc.array(piece, { minLength: 1, maxLength: 4 }).map(p => p.join('')), s => {
    const doc = object([s]);
    for (const read of readBoth(toYaml(doc))) expect(read).toEqual([doc]);
  }), { numRuns: 500 });
});

test('is what cdk8s writes, except where cdk8s leaves a string plain that YAML 1.2 or a merge would read otherwise', () => {
  const plain = object(['info', 'shop', 'redis:6379', '256Mi', '/tmp', 'a b']);
  expect(toYaml(plain, undefined, plain)).toBe(Yaml.stringify(plain, undefined, plain));
  expect(Yaml.stringify(object(['0o17']))).toContain('l0: 0o17');
  expect(toYaml(object(['0o17']))).toContain('l0: "0o17"');
  expect(toYaml(object(['<<']))).toContain('"<<": a0');
});
