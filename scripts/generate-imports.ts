/**
 * Regenerates imports/ (the typed classes `cdk8s import` writes for the CRDs we build objects of)
 * offline, from the pinned CRDs in ../shared/crds, and checks that the committed files are what
 * they give. `cdk8s.yaml` lists each import by its upstream URL at the pinned tag (so that a user
 * with network access can run `cdk8s import` as usual); {@link OFFLINE} maps each URL to the copy
 * of the same file under ../shared, which this script imports instead.
 *
 * Usage: npx tsx scripts/generate-imports.ts [--check] [--shared <dir>]
 *   --check  writes nothing; exits 1 when imports/ differs from what the CRDs give (a file changed,
 *            missing, or one that no entry of cdk8s.yaml generates)
 *
 * Each import runs the project's own cdk8s CLI in a temporary folder (`--no-save`, so cdk8s.yaml
 * is never touched; ~3 s an import).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..');
const IMPORTS = path.join(ROOT, 'imports');

/** The upstream URL of each CRD that cdk8s.yaml names, and its copy under ../shared. */
export const OFFLINE: Readonly<Record<string, string>> = {
  'https://raw.githubusercontent.com/argoproj/argo-cd/v3.5.1/manifests/crds/appproject-crd.yaml': 'crds/argo-cd-v3.5.1/appproject-crd.yaml',
  'https://raw.githubusercontent.com/argoproj/argo-cd/v3.5.1/manifests/crds/application-crd.yaml': 'crds/argo-cd-v3.5.1/application-crd.yaml',
  'https://raw.githubusercontent.com/external-secrets/external-secrets/v2.9.0/config/crds/bases/external-secrets.io_externalsecrets.yaml':
    'crds/external-secrets-v2.9.0/externalsecret-crd.yaml',
  'https://raw.githubusercontent.com/bitnami-labs/sealed-secrets/v0.36.6/helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml':
    'crds/sealed-secrets-v0.36.6/sealedsecret-crd.yaml',
};

/** The `imports:` entries of cdk8s.yaml, as `{ name, url }` (`name:=url`, or the URL alone). */
export function importEntries(): { name?: string; url: string }[] {
  const config = parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8'));
  const entries: unknown = config?.imports ?? [];
  if (!Array.isArray(entries)) throw new Error('cdk8s.yaml: imports must be a list');
  return entries.map(e => {
    const at = String(e).indexOf(':=');
    return at < 0 ? { url: String(e) } : { name: String(e).slice(0, at), url: String(e).slice(at + 2) };
  });
}

/** Every file `cdk8s import` writes for the entries of cdk8s.yaml, by name under imports/. */
function generate(shared: string): Record<string, string> {
  const cli = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
  const files: Record<string, string> = {};
  for (const { name, url } of importEntries()) {
    const local = OFFLINE[url];
    if (local === undefined) {
      throw new Error(`cdk8s.yaml imports ${url}, which has no offline copy: add it to ../shared/crds and to OFFLINE in scripts/generate-imports.ts`);
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-imports-'));
    try {
      const spec = `${name === undefined ? '' : `${name}:=`}${path.join(shared, local)}`;
      execFileSync(cli, ['--no-check-upgrade', 'import', '--language', 'typescript', '--no-save', '--output', 'imports', spec], { cwd: tmp, stdio: 'pipe' });
      for (const f of fs.readdirSync(path.join(tmp, 'imports'))) {
        if (files[f] !== undefined) throw new Error(`two entries of cdk8s.yaml write imports/${f}: give one a name (name:=url)`);
        files[f] = fs.readFileSync(path.join(tmp, 'imports', f), 'utf8');
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return files;
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const at = argv.indexOf('--shared');
  const shared = path.resolve(ROOT, at >= 0 ? argv[at + 1] : '../shared');
  if (!fs.existsSync(path.join(shared, 'crds'))) {
    console.error(`generate-imports: ${path.join(shared, 'crds')} not found (pass --shared <dir>)`);
    return 2;
  }
  const files = generate(shared);
  const committed = fs.readdirSync(IMPORTS).filter(f => f.endsWith('.ts'));
  if (check) {
    const stale = [
      ...Object.entries(files).filter(([f, text]) => !committed.includes(f) || fs.readFileSync(path.join(IMPORTS, f), 'utf8') !== text).map(([f]) => `imports/${f}`),
      ...committed.filter(f => files[f] === undefined).map(f => `imports/${f} (no entry of cdk8s.yaml generates it)`),
    ];
    if (stale.length > 0) {
      console.error(`generate-imports: stale (run npx tsx scripts/generate-imports.ts and commit): ${stale.join(', ')}`);
      return 1;
    }
    console.log(`generate-imports: imports/ is what cdk8s import gives from ${path.relative(ROOT, shared)}/crds (${Object.keys(files).length} files)`);
    return 0;
  }
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(IMPORTS, f), text);
  console.log(`generate-imports: wrote ${Object.keys(files).map(f => `imports/${f}`).join(', ')}`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
