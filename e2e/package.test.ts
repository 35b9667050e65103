import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The package as users get it: `npm pack`, then `npm install <tarball>` into fresh apps (a copy,
// not a symlink, so cdk8s, constructs and cdk8s-plus-28 come from the app: they are peers), once
// with current versions and once with the oldest the peer ranges admit (cdk8s 2.69, constructs
// 10.4). Each step is timed; the table is printed at the end. Installs use the npm registry, or
// the npm cache when it has the packages (--prefer-offline).

const ROOT = path.resolve(__dirname, '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
const INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
const IMAGE = `ghcr.io/acme/web:1.2.3@sha256:${'a'.repeat(64)}`;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-e2e-'));
const timings: [string, number][] = [];
const sizes: Record<string, string> = {};
afterAll(() => {
  console.log([
    'e2e timings (ms):', ...timings.map(([step, ms]) => `  ${String(ms).padStart(7)}  ${step}`),
    'sizes:', ...Object.entries(sizes).map(([k, v]) => `  ${k}: ${v}`),
  ].join('\n'));
  if (!process.env.E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs a program; the step's time goes into the table. CDK8S_* variables of ours do not leak in. */
function run(step: string, cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CDK8S_') && !k.startsWith('npm_')));
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf-8', env: { ...clean, NO_COLOR: '1', ...env }, maxBuffer: 64 << 20 });
  timings.push([step, Date.now() - started]);
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, out: `${r.stdout}${r.stderr}` };
}

function ok<R extends { status: number | null; out: string }>(r: R): R {
  if (r.status !== 0) throw new Error(`exit ${r.status}:\n${r.out}`);
  return r;
}

const du = (dir: string) => spawnSync('du', ['-sh', dir], { encoding: 'utf-8' }).stdout.split('\t')[0];

/** A chart of a TenantNamespace, its DefaultDenyNetwork and a HardenedDeployment; BAD=1 adds a raw Deployment the gate fails. */
const MAIN_TS = `import { ApiObject, App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { DefaultDenyNetwork, HardenedDeployment, TenantNamespace } from 'cdk8s-guardrails';

export class Shop extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const namespace = new TenantNamespace(this, 'ns', { app: 'shop', environment: 'production' });
    new DefaultDenyNetwork(this, 'net', { namespace });
    new HardenedDeployment(this, 'web', {
      namespace,
      image: '${IMAGE}',
      ports: [{ name: 'http', port: 8080 }],
    });
    if (process.env.BAD) {
      new ApiObject(this, 'raw', {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raw', namespace: namespace.name },
        spec: { selector: { matchLabels: { app: 'raw' } }, template: { metadata: { labels: { app: 'raw' } }, spec: { containers: [{ name: 'raw', image: 'nginx:1.27' }] } } },
      });
    }
  }
}

const app = new App();
new Shop(app, 'shop');
app.synth();
`;

/** A fresh app folder with the cdk8s init template's tsconfig.json and our chart. */
function newApp(name: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }, null, 2));
  fs.copyFileSync(path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  fs.writeFileSync(path.join(dir, 'main.ts'), MAIN_TS);
  return dir;
}

function cdk8sYaml(dir: string, plugin: string, pluginsDir: string) {
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
    'language: typescript',
    'app: node main.js',
    'output: dist',
    `pluginsDirectory: ${pluginsDir}`,
    'validations:',
    `  - package: ${plugin}`,
    '    class: GuardrailsValidation',
    `    version: ${PKG.version}`,
  ].join('\n'));
}

/** Every copy of a package in the app's tree, by realpath (`npm ls` would not show a second copy behind a symlink). */
function copiesOf(dir: string, pkg: string): string[] {
  const r = spawnSync('npm', ['ls', pkg, '--all', '--parseable'], { cwd: dir, encoding: 'utf-8' });
  return [...new Set(r.stdout.split('\n').filter(Boolean).filter(p => path.basename(p) === pkg))];
}

let tarball = '';
const manifest = (dir: string) => fs.readFileSync(path.join(dir, 'dist', 'shop.k8s.yaml'), 'utf8');

describe('the packed package', () => {
  test('npm run build, npm pack: only lib/, schemas/, README.md, LICENSE and package.json', () => {
    // E2E_SKIP_BUILD=1 packs the lib/ that is there (e.g. just built by `npm ci`'s prepare).
    if (!process.env.E2E_SKIP_BUILD || !fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) ok(run('npm run build', 'npm', ['run', 'build', '--silent'], ROOT));
    const packed = ok(run('npm pack', 'npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], ROOT));
    const [info] = JSON.parse(packed.stdout);
    tarball = path.join(tmp, info.filename);
    sizes['packed (npm pack size)'] = `${(info.size / 1024).toFixed(0)} kB`;
    sizes['unpacked (npm pack unpackedSize)'] = `${(info.unpackedSize / 1024).toFixed(0)} kB`;
    sizes['files'] = String(info.entryCount);

    const files: string[] = info.files.map((f: { path: string }) => f.path);
    const stray = files.filter(f => !/^(lib\/|schemas\/)/.test(f) && !['README.md', 'LICENSE', 'package.json'].includes(f));
    expect(stray).toEqual([]);
    expect(files.filter(f => /__tests__|\.test\.|^lib\/(apps|dist|reports|e2e|scripts)\/|(?<!\.d)\.ts$/.test(f))).toEqual([]);
    for (const f of ['lib/index.js', 'lib/index.d.ts', 'lib/plugin/index.js', 'lib/policy/schema/validators.js',
      'lib/compiler/spec-validators.js', 'lib/policy/schema/kinds.json', 'schemas/app-spec.schema.json', 'LICENSE']) {
      expect(files).toContain(f);
    }
    if (fs.existsSync(path.join(ROOT, 'testing', 'index.ts'))) expect(files).toContain('lib/testing/index.js');
    if (fs.existsSync(path.join(ROOT, 'cli', 'main.ts'))) expect(files).toContain(PKG.bin['cdk8s-guardrails']);
  });
});

describe('installed with cdk8s 2.70, constructs 10.8, cdk8s-plus-28 2.5', () => {
  let app = '';
  beforeAll(() => {
    app = newApp('current');
    ok(run('install (current): tarball + cdk8s 2.70 + constructs 10.8 + cdk8s-plus-28 2.5 + typescript, tsx, ts-node', 'npm', [...INSTALL, tarball,
      'cdk8s@~2.70.0', 'constructs@~10.8.0', 'cdk8s-plus-28@~2.5.0', 'typescript@5.9.3', 'tsx@4.23.15', 'ts-node@10.9.2', '@types/node@20.19.9',
      'jest@29.7.0', 'ts-jest@29.4.15', '@types/jest@29.5.14'], app));
    sizes['installed (du -sh node_modules/cdk8s-guardrails)'] = du(path.join(app, 'node_modules', 'cdk8s-guardrails'));
    sizes['app node_modules (current)'] = du(path.join(app, 'node_modules'));
  });

  test('one copy each of cdk8s, constructs and cdk8s-plus-28: the app\'s', () => {
    expect(fs.lstatSync(path.join(app, 'node_modules', 'cdk8s-guardrails')).isSymbolicLink()).toBe(false);
    for (const pkg of ['cdk8s', 'constructs', 'cdk8s-plus-28']) {
      expect(copiesOf(app, pkg)).toEqual([path.join(app, 'node_modules', pkg)]);
    }
  });

  test('require() from plain Node (CommonJS), and import from ESM: the API, the plugin, the testing kit, package.json and the spec schema', () => {
    const script = `
      const g = require('cdk8s-guardrails');
      for (const name of ['HardenedDeployment', 'TenantNamespace', 'DefaultDenyNetwork', 'ScopedDeployer', 'ArgoProject',
        'checkManifests', 'defineApp', 'definePlatform', 'compile', 'synth', 'buildReport', 'renderMarkdown', 'resolvePlatform', 'GuardrailsValidation']) {
        if (typeof g[name] !== 'function') throw new Error('missing export ' + name);
      }
      if (require('cdk8s-guardrails/plugin').GuardrailsValidation !== g.GuardrailsValidation) throw new Error('plugin');
      ${fs.existsSync(path.join(ROOT, 'testing', 'index.ts')) ? "require('cdk8s-guardrails/testing');" : ''}
      if (require('cdk8s-guardrails/package.json').version !== ${JSON.stringify(PKG.version)}) throw new Error('version');
      if (!require('cdk8s-guardrails/schemas/app-spec.schema.json').definitions) throw new Error('schema');
      console.log('ok');
    `;
    expect(ok(run('node -e require(...) (CJS)', process.execPath, ['-e', script], app)).stdout.trim()).toBe('ok');
    // ESM apps get the named exports too (Node reads them off the CommonJS module).
    const esm = "import { HardenedDeployment, GuardrailsValidation } from 'cdk8s-guardrails'; console.log(typeof HardenedDeployment, typeof GuardrailsValidation);";
    expect(ok(run('node import (ESM)', process.execPath, ['--input-type=module', '-e', esm], app)).stdout.trim()).toBe('function function');
  });

  test('tsc with the cdk8s init typescript-app tsconfig.json compiles the chart with 0 errors', () => {
    const r = run('tsc (cdk8s init tsconfig)', path.join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.'], app);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(app, 'main.js'))).toBe(true);
  });

  test('node, tsx and ts-node run it, to the same manifest', () => {
    ok(run('node main.js', process.execPath, ['main.js'], app));
    const expected = manifest(app);
    expect(expected).toContain('kind: Deployment');
    expect(expected).toContain(IMAGE);
    for (const [runner, args] of [['tsx', ['main.ts']], ['ts-node', ['main.ts']]] as const) {
      fs.rmSync(path.join(app, 'dist'), { recursive: true, force: true });
      ok(run(`${runner} main.ts`, path.join(app, 'node_modules', '.bin', runner), [...args], app));
      expect(manifest(app)).toBe(expected);
    }
  });

  test('jest with the cdk8s init typescript-app jest.config.js runs a test of the chart with the test kit, unconfigured', () => {
    fs.copyFileSync(path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'jest.config.js'), path.join(app, 'jest.config.js'));
    fs.writeFileSync(path.join(app, 'shop.test.ts'), `import { Testing } from 'cdk8s';
import { HardenedDeployment, TenantNamespace } from 'cdk8s-guardrails';
import { synthChart } from 'cdk8s-guardrails/testing';

test('the hardened chart passes the gate and Pod Security restricted', () => {
  const chart = Testing.chart();
  const namespace = new TenantNamespace(chart, 'ns', { app: 'shop', environment: 'production' });
  new HardenedDeployment(chart, 'web', { namespace, image: '${IMAGE}' });
  const result = synthChart(chart);
  expect(result.objects.filter((o: any) => o.kind === 'Deployment')).toMeetPodSecurity('restricted');
  expect(result.gate.failures.filter(f => f.rule.startsWith('pss.'))).toEqual([]);
});
`);
    const r = run('jest (cdk8s init jest.config.js)', path.join(app, 'node_modules', '.bin', 'jest'), ['shop.test.ts'], app);
    expect(r.out).toMatch(/Tests:\s+1 passed/);
    expect(r.status).toBe(0);
  });

  describe('cdk8s synth with the plugin', () => {
    const plugins = () => path.join(app, '.cdk8s-plugins');
    beforeAll(() => {
      // What cdk8s-cli runs for `package: cdk8s-guardrails` when its plugins folder lacks the version
      // (`npm install cdk8s-guardrails@<version> --no-save --prefix <dir>/cdk8s-guardrails/<version>`),
      // with the tarball standing in for the registry.
      const prefix = path.join(plugins(), 'cdk8s-guardrails', PKG.version);
      fs.mkdirSync(prefix, { recursive: true });
      ok(run('install (plugins folder, as cdk8s-cli does)', 'npm', [...INSTALL, '--no-save', '--prefix', prefix, tarball], app));
    });

    test.each([['by package name', 'cdk8s-guardrails'], ['by local path', './node_modules/cdk8s-guardrails']])('%s: a compliant chart passes, a raw Deployment fails with exit code 2', (how, plugin) => {
      cdk8sYaml(app, plugin, plugins());
      const good = run(`cdk8s synth, plugin ${how}, compliant`, CDK8S, ['--no-check-upgrade', 'synth'], app);
      expect(good.out).toContain('Validations ended succesfully'); // sic, the CLI's spelling
      expect(good.out).not.toContain('Installing validation plugin');
      expect(good.status).toBe(0);

      const bad = run(`cdk8s synth, plugin ${how}, violating`, CDK8S, ['--no-check-upgrade', 'synth'], app, { BAD: '1' });
      expect(bad.status).toBe(2);
      expect(bad.out).toContain('Validation failed');
      expect(bad.out).toContain('image.digest-pinned');
      expect(bad.out).toContain('Deployment shop-production/raw');
    });
  });
});

describe('version skew: installed with cdk8s 2.69, constructs 10.4', () => {
  let app = '';
  beforeAll(() => {
    app = newApp('skew');
    ok(run('install (skew): tarball + cdk8s 2.69 + constructs 10.4 + cdk8s-plus-28 2.5 + typescript', 'npm', [...INSTALL, tarball,
      'cdk8s@~2.69.0', 'constructs@~10.4.0', 'cdk8s-plus-28@2.5.6', 'typescript@5.9.3', '@types/node@20.19.9'], app));
  });

  test('the same chart compiles and synthesizes, with the app\'s cdk8s and constructs', () => {
    const versions = ['cdk8s', 'constructs'].map(p => JSON.parse(fs.readFileSync(path.join(app, 'node_modules', p, 'package.json'), 'utf8')).version);
    expect(versions[0]).toMatch(/^2\.69\./);
    expect(versions[1]).toMatch(/^10\.4\./);
    for (const pkg of ['cdk8s', 'constructs', 'cdk8s-plus-28']) expect(copiesOf(app, pkg)).toEqual([path.join(app, 'node_modules', pkg)]);
    sizes['skew versions'] = `cdk8s ${versions[0]}, constructs ${versions[1]}`;

    const tsc = run('tsc (skew)', path.join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.'], app);
    expect(tsc.out).toBe('');
    ok(run('node main.js (skew)', process.execPath, ['main.js'], app));
    const yaml = manifest(app);
    expect(yaml).toContain('kind: Deployment');
    expect(yaml).toContain('kind: NetworkPolicy');
    expect(yaml).toContain(IMAGE);
  });

  test('a second copy of cdk8s and constructs (a symlinked checkout with its own node_modules) fails with a message that says so', () => {
    // What `npm install ../cdk8s-guardrails` does: a symlink, whose requires resolve from the
    // checkout's node_modules (cdk8s 2.70, constructs 10.8), not the app's. Made by hand so that
    // npm does not touch the checkout.
    fs.symlinkSync(ROOT, path.join(app, 'node_modules', 'guardrails-linked'), 'dir');
    fs.writeFileSync(path.join(app, 'linked.js'), fs.readFileSync(path.join(app, 'main.js'), 'utf8').replace(/require\("cdk8s-guardrails"\)/, 'require("guardrails-linked")'));
    const r = run('node linked.js (two copies)', process.execPath, ['linked.js'], app);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("TenantNamespace: the scope was built with another copy of 'constructs' than the one cdk8s-guardrails loads");
    expect(r.out).not.toContain('_scopes is not iterable');
  });
});

describe('the app repo route: cdk8s-guardrails init, then the commands it prints', () => {
  let repo = '';
  const git = (args: string[]) => ok(run(`git ${args[0]}`, 'git', args, repo, {
    GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com',
  }));

  beforeAll(() => {
    if (!tarball) throw new Error('the packed-package test must run first');
    repo = path.join(tmp, 'app-repo');
    ok(run('cdk8s-guardrails init (from the tarball)', process.execPath, [path.join(ROOT, PKG.bin['cdk8s-guardrails']), 'init', repo, '--from', tarball], tmp));
  });

  test('npm install, npm run synth and npm test pass the first time', () => {
    ok(run('init: npm install', 'npm', INSTALL, repo));
    sizes['init app node_modules'] = du(path.join(repo, 'node_modules'));
    sizes['installed package (init app)'] = du(path.join(repo, 'node_modules', 'cdk8s-guardrails'));
    ok(run('init: npm run synth', 'npm', ['run', 'synth', '--silent'], repo));
    expect(fs.readdirSync(path.join(repo, 'dist')).length).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(repo, 'reports', 'security-report.md'))).toBe(true);
    ok(run('init: npm test', 'npm', ['test', '--silent'], repo, { CI: '' }));
  });

  test('npm run audit passes its own dist/, and fails a raw, root Deployment dropped into it', () => {
    ok(run('init: npm run audit', 'npm', ['run', 'audit', '--silent'], repo));
    const raw = path.join(repo, 'dist', 'raw.yaml');
    fs.writeFileSync(raw, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: raw, namespace: default }\nspec:\n  selector: { matchLabels: { app: raw } }\n'
      + '  template:\n    metadata: { labels: { app: raw } }\n    spec: { containers: [{ name: raw, image: "nginx:1.27", securityContext: { privileged: true } }] }\n');
    const bad = run('init: npm run audit (bad)', 'npm', ['run', 'audit', '--silent'], repo);
    fs.rmSync(raw);
    expect(bad.status).toBe(1);
    expect(bad.out).toMatch(/error pss\.baseline\.privileged/);
  });

  test('diff after a spec change shows it in security terms', () => {
    git(['init', '-q', '-b', 'main']);
    git(['add', '-A']);
    git(['commit', '-qm', 'init']);
    const spec = path.join(repo, 'apps', 'index.ts');
    const before = fs.readFileSync(spec, 'utf8');
    const changed = before.replace(/@sha256:[0-9a-f]{64}/, `@sha256:${'b'.repeat(64)}`);
    expect(changed).not.toBe(before);
    fs.writeFileSync(spec, changed);
    ok(run('init: npm run synth (changed)', 'npm', ['run', 'synth', '--silent'], repo));
    const diff = ok(run('init: cdk8s-guardrails diff HEAD', path.join(repo, 'node_modules', '.bin', 'cdk8s-guardrails'), ['diff', 'HEAD'], repo));
    expect(diff.stdout).toContain('b'.repeat(64));
    const same = ok(run('init: cdk8s-guardrails diff HEAD HEAD', path.join(repo, 'node_modules', '.bin', 'cdk8s-guardrails'), ['diff', 'HEAD', 'HEAD'], repo));
    expect(same.stdout).toMatch(/No security-relevant change/);
  });
});
