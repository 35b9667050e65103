/**
 * The files `cdk8s-guardrails init` writes, as strings (no template files to package). Each is
 * complete as written: `npm install`, `npm run synth` and `npm test` pass in the new folder.
 */

export interface TemplateOptions {
  /** The npm package name of the new project. */
  readonly name: string;
  /** How package.json depends on cdk8s-guardrails: a version range, a tarball, a folder, a Git URL. */
  readonly guardrails: string;
  /** cdk8s.yaml's validation plugin: an npm version (exact: cdk8s-cli refuses ranges), or a local package folder. */
  readonly plugin: { readonly package: string; readonly version: string };
  /** Exact versions of the packages the project uses, as this version of cdk8s-guardrails is tested with. */
  readonly versions: Readonly<Record<TemplatePackage, string>>;
}

export const TEMPLATE_PACKAGES = [
  'cdk8s', 'constructs', 'cdk8s-plus-28', 'typescript', 'tsx', 'jest', 'ts-jest', '@types/jest', '@types/node',
] as const;
export type TemplatePackage = typeof TEMPLATE_PACKAGES[number];

/** The example app's image, pinned by digest; Renovate (renovate.json) keeps the digest current. */
export const EXAMPLE_IMAGE = 'ghcr.io/stefanprodan/podinfo:6.7.1@sha256:862ca45e61b32392f7941a1bdfdbe5ff8b6899070135f1bdca1c287d0057fc94';

/**
 * The Renovate regex for digest-pinned images in apps/*.ts: `'<depName>:<currentValue>@<currentDigest>'`
 * in quotes, the depName up to the last `:` (so that a registry port stays in it).
 */
export const IMAGE_MATCH = '[\'"`](?<depName>[^\'"`\\s@]+):(?<currentValue>[^\'"`\\s@:/]+)@(?<currentDigest>sha256:[a-f0-9]{64})[\'"`]';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function templateFiles(o: TemplateOptions): Record<string, string> {
  const v = o.versions;
  return {
    'package.json': json({
      name: o.name,
      version: '0.1.0',
      private: true,
      description: 'Kubernetes manifests for our apps, compiled from typed app specs by cdk8s-guardrails',
      scripts: {
        synth: 'cdk8s-guardrails synth',
        test: 'tsc --noEmit && jest',
        audit: 'cdk8s-guardrails audit dist',
        diff: 'cdk8s-guardrails diff origin/main',
      },
      dependencies: {
        'cdk8s-guardrails': o.guardrails,
        cdk8s: v.cdk8s,
        constructs: v.constructs,
        'cdk8s-plus-28': v['cdk8s-plus-28'],
      },
      devDependencies: {
        '@types/jest': v['@types/jest'],
        '@types/node': v['@types/node'],
        jest: v.jest,
        'ts-jest': v['ts-jest'],
        tsx: v.tsx,
        typescript: v.typescript,
      },
    }),
    'tsconfig.json': json({
      compilerOptions: {
        target: 'ES2022',
        // node16 reads package.json "exports", so that 'cdk8s-guardrails/testing' resolves.
        module: 'node16',
        moduleResolution: 'node16',
        lib: ['ES2022'],
        types: ['node', 'jest'],
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        isolatedModules: true,
        noEmit: true,
      },
      include: ['apps/**/*.ts', '__tests__/**/*.ts'],
    }),
    'jest.config.js': `/** ts-jest compiles file by file; \`npm test\` type-checks the whole project with tsc first. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\\\.ts$': 'ts-jest' },
};
`,
    'cdk8s.yaml': `# \`npx cdk8s synth\` runs the same synth, then the guardrails gate as a validation plugin.
language: typescript
app: npx cdk8s-guardrails synth
output: dist
validations:
  - package: ${o.plugin.package}
    class: GuardrailsValidation
    version: ${JSON.stringify(o.plugin.version)}
`,
    'apps/index.ts': `import { defineApp, definePlatform } from 'cdk8s-guardrails';

/**
 * The platform team's settings: every app below is checked against them. No app may claim the
 * namespaces listed here (the ingress controller's is a trusted caller of many apps).
 */
export const platform = definePlatform({
  argoNamespace: 'argocd',
  clusters: [{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }],
  reservedNamespaces: ['ingress-nginx'],
});

/**
 * An example app: one web service in a staging and a production namespace, each with its own
 * deployer, default-deny network policies and an ArgoCD project. \`npm run synth\` writes it to dist/.
 */
export const hello = defineApp({
  name: 'hello',
  // The Git repo that holds this project's dist/: ArgoCD syncs from it. Set it to this repo's URL.
  repoURL: 'https://github.com/example-org/${o.name}.git',
  environments: { staging: {}, production: {} },
  services: {
    web: {
      // Pinned by digest; Renovate (renovate.json) proposes new digests. Pin your own with
      // \`crane digest <image>:<tag>\` or \`docker buildx imagetools inspect <image>:<tag>\`.
      image: '${EXAMPLE_IMAGE}',
      replicas: { staging: 1, production: 2 },
      ports: [{ name: 'http', port: 9898, servicePort: 80 }],
      env: { PODINFO_UI_MESSAGE: 'hello from cdk8s-guardrails' },
      resources: { cpuRequest: '100m', memoryRequest: '64Mi', memoryLimit: '128Mi' },
      probes: {
        readiness: { httpGet: { path: '/readyz', port: 'http' } },
        liveness: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 20 },
      },
      writablePaths: [{ path: '/tmp' }],
      callers: [{ namespace: 'ingress-nginx' }],
    },
  },
});

/** Every app \`npm run synth\` compiles into dist/. */
export const apps = [hello];
`,
    '__tests__/app.test.ts': `import { guardrailsSerializer, synthApp } from 'cdk8s-guardrails/testing';
import { apps, hello, platform } from '../apps';

expect.addSnapshotSerializer(guardrailsSerializer);

test('the manifests are as reviewed (after a deliberate change: npx jest -u, and commit the snapshot)', () => {
  expect(synthApp(apps, platform)).toMatchSnapshot();
});

test('every object passes the guardrails gate', () => {
  expect(synthApp(apps, platform)).toPassGuardrails();
});

test('every pod meets the restricted Pod Security Standard', () => {
  expect(synthApp(hello, platform)).toMeetPodSecurity('restricted');
});

test('the production deployer can roll out its own namespace and cannot read its secrets', () => {
  const deployer = 'system:serviceaccount:hello-production:deployer';
  const result = synthApp(hello, platform);
  expect(result).toGrant(deployer, 'patch', 'deployments.apps', 'hello-production');
  expect(result).not.toGrant(deployer, 'get', 'secrets', 'hello-production');
  expect(result).not.toGrant(deployer, 'patch', 'deployments.apps', 'hello-staging');
});

test('an image without a digest is refused', () => {
  const web = hello.services.web;
  expect({ ...hello, services: { web: { ...web, image: web.image.split('@')[0] } } }).toBeRefused(/digest/, platform);
});
`,
    '.gitignore': `# dist/ and reports/ are committed: ArgoCD syncs dist/, and reviewers read both diffs.
node_modules/
.guardrails/
.guardrails.lock
*.tsbuildinfo
`,
    '.github/workflows/guardrails.yml': `name: guardrails

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

jobs:
  guardrails:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          # The security diff reads dist/ at the pull request's base.
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: npm
      - run: npm ci
      - run: npm test
      - run: npm run synth
      - name: Security diff
        if: github.event_name == 'pull_request'
        run: npx cdk8s-guardrails diff "origin/$GITHUB_BASE_REF" HEAD >> "$GITHUB_STEP_SUMMARY"
      - name: dist/ and reports/ are committed, as npm run synth writes them
        run: |
          if ! git ls-files --error-unmatch dist reports > /dev/null 2>&1; then
            echo "::error::dist/ and reports/ are not committed: run npm run synth and commit both"
            exit 1
          fi
          if [ -n "$(git status --porcelain -- dist reports)" ]; then
            git status --porcelain -- dist reports
            git --no-pager diff -- dist reports
            echo "::error::dist/ or reports/ differ from what the app specs produce: run npm run synth and commit the result"
            exit 1
          fi
`,
    'renovate.json': json({
      $schema: 'https://docs.renovatebot.com/renovate-schema.json',
      extends: ['config:recommended'],
      customManagers: [{
        customType: 'regex',
        description: 'Digest-pinned images in the app specs',
        managerFilePatterns: ['/^apps/.+\\.ts$/'],
        matchStrings: [IMAGE_MATCH],
        datasourceTemplate: 'docker',
      }],
    }),
    'README.md': `# ${o.name}

Kubernetes manifests for our apps, compiled from typed app specs by
[cdk8s-guardrails](https://www.npmjs.com/package/cdk8s-guardrails): every workload hardened, every
namespace default-deny with its own deployer, every object judged by the guardrails gate.

- \`apps/index.ts\`: the app specs (\`defineApp\`) and the platform settings (\`definePlatform\`).
- \`dist/\`: the manifests ArgoCD syncs, written by \`npm run synth\`. Committed; do not edit.
- \`reports/\`: the security report of \`dist/\`. Committed; review its diff with the manifests'.

\`\`\`sh
npm install
npm run synth   # compile apps/ into dist/ and reports/; fails when the gate refuses
npm test        # snapshot and security assertions (__tests__/app.test.ts)
npm run diff    # the security diff of dist/ against origin/main, as Markdown
\`\`\`

Commit \`package-lock.json\` (CI runs \`npm ci\`), and \`dist/\`, \`reports/\` and \`__tests__/__snapshots__/\` with the change that produced them:
CI (\`.github/workflows/guardrails.yml\`) fails when they are missing or stale, and writes the
security diff of each pull request to its summary. Renovate (\`renovate.json\`) keeps image digests
current.
`,
  };
}
