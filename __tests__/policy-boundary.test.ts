import * as fs from 'fs';
import * as path from 'path';

// The engine judges plain objects from any source (our constructs, vendor YAML, Helm output), so
// it must not depend on cdk8s: the constructs import its predicates, never the reverse.

const POLICY = path.join(__dirname, '..', 'policy');
const files = (fs.readdirSync(POLICY, { recursive: true }) as string[]).filter(f => /\.[jt]s$/.test(f));

test.each(files)('policy/%s imports neither cdk8s, constructs nor the generated CRD types', file => {
  const source = fs.readFileSync(path.join(POLICY, file), 'utf8');
  const imports = [...source.matchAll(/(?:from\s+|require\()\s*['"]([^'"]+)['"]/g)].map(m => m[1]);
  expect(imports.filter(i => /^(cdk8s|cdk8s-plus-\d+|constructs)(\/|$)/.test(i) || /(^|\/)(imports|constructs|compiler)(\/|$)/.test(i))).toEqual([]);
});
