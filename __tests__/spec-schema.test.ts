import * as fs from 'fs';
import * as path from 'path';
import { generateValidators, SCHEMA_FILE, staleFiles } from '../scripts/generate-spec-schema';

// Generating the schema from the types takes seconds (a TypeScript program over cdk8s' types), so
// .ci/run checks it with `generate-spec-schema --check`; here, that the validators the compiler
// runs are compiled from the committed schema.
test('the committed spec validators are compiled from the committed spec schema', () => {
  const schema = fs.readFileSync(path.join(__dirname, '..', SCHEMA_FILE), 'utf8');
  expect(staleFiles(generateValidators(schema))).toEqual([]);
});

test('a change to the schema shows in the validators', () => {
  const schema = fs.readFileSync(path.join(__dirname, '..', SCHEMA_FILE), 'utf8');
  expect(schema).toContain('"maximum": 65535');
  expect(staleFiles(generateValidators(schema.replace('"maximum": 65535', '"maximum": 65534')))).toEqual(['compiler/spec-validators.js']);
});
