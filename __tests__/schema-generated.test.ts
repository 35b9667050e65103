import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { GENERATOR_SOURCES, inputDigests } from '../scripts/generate-schemas';
import KINDS from '../policy/schema/kinds.json';
import * as validators from '../policy/schema/validators';

// The validators in policy/schema/ are generated ahead of time and committed, so that a synth needs
// neither the network nor ../shared. kinds.json records the digests of everything they were
// generated from: these tests tell, in milliseconds, that they are stale. The full check
// (`npm run generate:schemas -- --check`) regenerates them and compares byte for byte.

const ROOT = path.join(__dirname, '..');
const SHARED = path.join(ROOT, '..', 'shared');
const inputs: Record<string, string> = KINDS.inputs;
const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('the committed validators come from this generator and these patterns (else run npm run generate:schemas)', () => {
  for (const source of GENERATOR_SOURCES) expect([source, inputs[source]]).toEqual([source, sha256(path.join(ROOT, source))]);
});

test('they were generated with the ajv and esbuild versions installed', () => {
  const version = (pkg: string) => JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
  expect([inputs.ajv, inputs.esbuild]).toEqual([version('ajv'), version('esbuild')]);
});

(fs.existsSync(path.join(SHARED, 'schemas')) ? test : test.skip)('they come from the schemas and CRDs now in ../shared', () => {
  expect(inputs).toEqual(inputDigests(SHARED));
});

test('every kind of kinds.json has its validator, and nothing else is exported', () => {
  expect(Object.keys(validators).filter(k => k !== 'default').sort()).toEqual(KINDS.kinds.map(k => k.validator).sort());
});

test('the generated code stays small: under 1.5 MiB', () => {
  expect(fs.statSync(path.join(ROOT, 'policy', 'schema', 'validators.js')).size).toBeLessThan(1.5 * 1024 * 1024);
});
