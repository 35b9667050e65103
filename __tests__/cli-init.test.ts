import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { ownPackage } from '../cli/io';
import { runInit } from '../cli/init';
import { main } from '../cli/main';
import { EXAMPLE_IMAGE, IMAGE_MATCH } from '../cli/templates';

const ROOT = path.join(__dirname, '..');
const FILES = [
  '.github/workflows/guardrails.yml', '.gitignore', 'README.md', '__tests__/app.test.ts', 'apps/index.ts', 'cdk8s.yaml', 'jest.config.js',
  'package.json', 'renovate.json', 'tsconfig.json',
];

async function cli(cwd: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: l => out.push(l), err: l => err.push(l), cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter(e => e.isFile())
    .map(e => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/')).sort();
}

let work: string;
beforeEach(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-init-')); });
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

const read = (file: string) => fs.readFileSync(path.join(work, 'shop-deploy', file), 'utf8');

test('init writes the project: package.json with the versions we test with, scripts, and the next steps', async () => {
  const { code, out } = await cli(work, 'init', 'shop-deploy');
  expect(code).toBe(0);
  expect(listFiles(path.join(work, 'shop-deploy'))).toEqual(FILES);
  expect(out).toMatch(/next:\n {2}cd shop-deploy\n {2}npm install\n {2}npm run synth.*\n {2}npm test/);
  const own = ownPackage();
  const pkg = JSON.parse(read('package.json'));
  expect(pkg.name).toBe('shop-deploy');
  expect(pkg.scripts).toEqual({
    synth: 'cdk8s-guardrails synth', test: 'tsc --noEmit && jest', audit: 'cdk8s-guardrails audit dist', diff: 'cdk8s-guardrails diff origin/main',
  });
  expect(pkg.dependencies['cdk8s-guardrails']).toBe(`^${own.version}`);
  const tested = { ...own.dependencies, ...own.devDependencies };
  for (const name of ['cdk8s', 'constructs', 'cdk8s-plus-28']) expect(pkg.dependencies[name]).toBe(tested[name]);
  for (const name of ['typescript', 'tsx', 'jest', 'ts-jest', '@types/jest', '@types/node']) expect(pkg.devDependencies[name]).toBe(tested[name]);
  for (const version of [...Object.values(pkg.dependencies), ...Object.values(pkg.devDependencies)].slice(1)) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
});

test('cdk8s.yaml runs the same synth and names the validation plugin at an exact version (cdk8s-cli refuses ranges)', async () => {
  await cli(work, 'init', 'shop-deploy');
  expect(parse(read('cdk8s.yaml'))).toEqual({
    language: 'typescript', app: 'npx cdk8s-guardrails synth', output: 'dist',
    validations: [{ package: 'cdk8s-guardrails', class: 'GuardrailsValidation', version: ownPackage().version }],
  });
});

test.each([
  ['an exact version', '1.2.3', '1.2.3', { package: 'cdk8s-guardrails', version: '1.2.3' }],
  ['a tarball, relative to where init runs', './pkg/cdk8s-guardrails-0.1.0.tgz', 'file:../pkg/cdk8s-guardrails-0.1.0.tgz', undefined],
  ['a folder', 'file:../guardrails', 'file:../../guardrails', undefined],
  ['a Git URL', 'github:acme/cdk8s-guardrails#v0.1.0', 'github:acme/cdk8s-guardrails#v0.1.0', undefined],
])('--from %s goes to package.json as npm reads it from the project; the plugin follows', async (_, from, dependency, plugin) => {
  expect((await cli(work, 'init', 'shop-deploy', '--from', from)).code).toBe(0);
  expect(JSON.parse(read('package.json')).dependencies['cdk8s-guardrails']).toBe(dependency);
  expect(parse(read('cdk8s.yaml')).validations[0]).toEqual({
    class: 'GuardrailsValidation', ...(plugin ?? { package: './node_modules/cdk8s-guardrails', version: ownPackage().version }),
  });
});

test('refuses a folder that is not empty, and writes nothing; --force writes into it', async () => {
  fs.mkdirSync(path.join(work, 'shop-deploy', '.git'), { recursive: true });
  fs.writeFileSync(path.join(work, 'shop-deploy', 'notes.txt'), 'mine');
  const refused = await cli(work, 'init', 'shop-deploy');
  expect(refused.code).toBe(1);
  expect(refused.err).toMatch(/shop-deploy is not empty \(notes\.txt\); choose an empty folder, or pass --force/);
  expect(listFiles(path.join(work, 'shop-deploy'))).toEqual(['notes.txt']);
  expect((await cli(path.join(work, 'shop-deploy'), 'init', '--force')).code).toBe(0);
  expect(listFiles(path.join(work, 'shop-deploy'))).toEqual([...FILES, 'notes.txt'].sort());
  expect(read('notes.txt')).toBe('mine');
  // A folder holding only .git (git init first) is empty enough.
  fs.mkdirSync(path.join(work, 'fresh', '.git'), { recursive: true });
  expect((await cli(work, 'init', 'fresh')).code).toBe(0);
});

test('.gitignore keeps dist/ and reports/ in Git and the synth lock out', async () => {
  await cli(work, 'init', 'shop-deploy');
  const rules = read('.gitignore').split('\n').filter(l => l && !l.startsWith('#'));
  expect(rules).toEqual(expect.arrayContaining(['node_modules/', '.guardrails/', '.guardrails.lock']));
  expect(rules.filter(r => /(^|\/)(dist|reports)(\/|$)|^\*$/.test(r))).toEqual([]);
});

test('the workflow tests, synthesizes, fails on a stale or untracked dist/ or reports/, and writes the security diff of a pull request', async () => {
  await cli(work, 'init', 'shop-deploy');
  const workflow = parse(read('.github/workflows/guardrails.yml'));
  expect(Object.keys(workflow.on)).toEqual(['push', 'pull_request']);
  const steps: { uses?: string; run?: string; if?: string; with?: Record<string, unknown> }[] = workflow.jobs.guardrails.steps;
  expect(steps[0]).toMatchObject({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
  const runs = steps.map(s => s.run ?? '');
  const at = (text: string) => runs.findIndex(r => r.includes(text));
  expect(at('npm ci')).toBeGreaterThan(0);
  expect(at('npm test')).toBeGreaterThan(at('npm ci'));
  expect(at('npm run synth')).toBeGreaterThan(at('npm test'));
  const check = runs[at('git status --porcelain -- dist reports')];
  expect(at('git status --porcelain -- dist reports')).toBeGreaterThan(at('npm run synth'));
  expect(check).toContain('git ls-files --error-unmatch dist reports');
  expect(check.match(/exit 1/g)).toHaveLength(2);
  const diff = steps[at('npx cdk8s-guardrails diff')];
  expect(diff.run).toBe('npx cdk8s-guardrails diff "origin/$GITHUB_BASE_REF" HEAD >> "$GITHUB_STEP_SUMMARY"');
  expect(diff.if).toBe("github.event_name == 'pull_request'");
});

test('renovate.json: a regex manager over apps/*.ts that captures depName, currentValue and currentDigest of pinned images', async () => {
  await cli(work, 'init', 'shop-deploy');
  const renovate = JSON.parse(read('renovate.json'));
  const [manager] = renovate.customManagers;
  expect(manager).toMatchObject({ customType: 'regex', datasourceTemplate: 'docker', managerFilePatterns: ['/^apps/.+\\.ts$/'], matchStrings: [IMAGE_MATCH] });
  const files = new RegExp(manager.managerFilePatterns[0].slice(1, -1));
  expect(['apps/index.ts', 'apps/team/shop.ts'].every(f => files.test(f))).toBe(true);
  expect(files.test('__tests__/app.test.ts')).toBe(false);
  const match = (text: string) => [...text.matchAll(new RegExp(manager.matchStrings[0], 'g'))].map(m => m.groups);
  expect(match(read('apps/index.ts'))).toEqual([{
    depName: 'ghcr.io/stefanprodan/podinfo', currentValue: '6.7.1', currentDigest: EXAMPLE_IMAGE.split('@')[1],
  }]);
  expect(match(`image: "registry.local:5000/team/api:2.0.1-rc.1@sha256:${'c'.repeat(64)}"`))
    .toEqual([{ depName: 'registry.local:5000/team/api', currentValue: '2.0.1-rc.1', currentDigest: `sha256:${'c'.repeat(64)}` }]);
  // Unpinned and malformed references are not Renovate's to update.
  expect(match(`image: 'ghcr.io/acme/api:1.0', other: 'ghcr.io/acme/api@sha256:${'d'.repeat(64)}', short: 'a:1@sha256:abc'`)).toEqual([]);
});

/**
 * The scaffolded project's own tests, run here against this checkout: its imports of
 * cdk8s-guardrails are pointed at the source, and its snapshot (written on the user's first
 * `npm test`) is not written into this repo. They register when this file is collected.
 */
describe('the scaffolded apps and tests pass as written', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-init-project-'));
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));
  runInit('.', {}, { out: () => undefined, err: () => undefined, cwd: project });
  const rewrite = (file: string, edit: (text: string) => string) => fs.writeFileSync(path.join(project, file), edit(fs.readFileSync(path.join(project, file), 'utf8')));
  rewrite('apps/index.ts', t => t.replace(`from 'cdk8s-guardrails';`, `from ${JSON.stringify(path.join(ROOT, 'compiler', 'app-spec'))};`));
  rewrite('__tests__/app.test.ts', t => {
    const edited = t.replace(`from 'cdk8s-guardrails/testing';`, `from ${JSON.stringify(path.join(ROOT, 'testing'))};`).replace('.toMatchSnapshot()', '.toBeTruthy()');
    expect(edited).not.toContain('cdk8s-guardrails/testing');
    return edited;
  });
  require(path.join(project, '__tests__', 'app.test.ts'));
});
