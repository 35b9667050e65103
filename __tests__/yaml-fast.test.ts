import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { toYaml, toYamlReference } from '../compiler/yaml-output';
import { readManifests } from '../policy';

// toYaml writes plain JSON data itself, without the yaml library's document model, and must write
// exactly what the library path (toYamlReference) writes: same bytes, so same reading in YAML 1.1
// and 1.2 (yaml-output.test.ts, yaml-versions.test.ts judge that reading).

const TRICKY = [
  '0o17', '0x1F', '017', '08', '1_000', '1:20', '+12', '-1', '.5', '1e3', '1.0', '-0', '0', 'yes', 'No', 'ON', 'y', 'N', 'True',
  '~', 'null', 'NULL', '', ' ', '.inf', '.NaN', '2001-12-14', '=', '<<', '-', '.', '---', '...', '?', ':', 'a: b', '- a', '#x', 'x #y',
  '@x', '`x', '%x', '!x', '&x', '*x', '|', '>', "'", '"', '{a}', '[a]', 'a\nb', 'a\n', '\n', ' a', 'a ', 'a\tb', 'é', '\u0085', '\u2028',
  'app.kubernetes.io/name', 'svc-1', 'A', 'x'.repeat(200), 'a b', 'http://x:80/y?z=1#f', '\\', '\x00', '\x7f',
];

const scalar = fc.oneof(
  fc.constantFrom(...TRICKY), fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constantFrom(0, -0, 1e21, 0.1, -5, 2 ** 53),
  fc.constant(null), fc.constant(undefined),
);
const key = fc.oneof(fc.constantFrom(...TRICKY), fc.string(), fc.constantFrom('0', '1', '10', 'a', 'b'));
const { value } = fc.letrec(tie => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
}));

test('writes random JSON-like documents exactly as the yaml library path does', () => {
  fc.assert(fc.property(fc.array(fc.oneof(value, fc.dictionary(key, value, { maxKeys: 6 })), { minLength: 1, maxLength: 3 }), docs => {
    expect(toYaml(...docs)).toBe(toYamlReference(...docs));
  }), { numRuns: 400 });
});

test('words of letters, digits and ._/-+ (plain or not) as keys, values and entries', () => {
  const word = fc.array(fc.constantFrom('a', 'e', 'E', 'x', 'y', 'n', 'o', 'N', 'O', 'l', 'u', 'f', 's', 't', 'r', '0', '1', '5', '9', '.', '_', '/', '-', '+', ':'), { minLength: 1, maxLength: 6 }).map(p => p.join(''));
  fc.assert(fc.property(word, w => {
    const doc = { [w]: w, l: [w], m: [{ [w]: [w] }] };
    expect(toYaml(doc)).toBe(toYamlReference(doc));
  }), { numRuns: 1500 });
});

test('shared objects (anchors), holes and class instances take the library path', () => {
  const shared = { a: 1 };
  const docs: unknown[] = [{ x: shared, y: shared }, { l: [shared, shared] }, { h: [1, , 2] }, { d: new Date(0) }, { m: new Map([[1, 2]]) }, 'top', 5, [], {}];
  for (const d of docs) expect(toYaml(d)).toBe(toYamlReference(d));
});

test('writes every document of dist/ as the library path does', () => {
  const root = path.join(__dirname, '..', 'dist');
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  const docs = walk(root).filter(f => f.endsWith('.yaml')).flatMap(f => readManifests(fs.readFileSync(f, 'utf8'), f));
  expect(docs.length).toBeGreaterThan(50);
  expect(toYaml(...docs)).toBe(toYamlReference(...docs));
});
