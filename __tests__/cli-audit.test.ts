import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { main } from '../cli/main';
import { ownPackage } from '../cli/io';
import { RULES } from '../policy';

/** The `cdk8s-guardrails` command line, in-process; output collected. */
async function cli(cwd: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: l => out.push(l), err: l => err.push(l), cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const VENDOR = `# helm template output
apiVersion: v1
kind: Namespace
metadata: { name: vendor }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
  namespace: vendor
  annotations: { guardrails.cdk8s.io/waive.image.digest-pinned: "the vendor publishes tags only; mirrored nightly" }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      hostNetwork: true
      containers:
        - name: agent
          image: vendor/agent:1.0
`;

/**
 * The parts of the SARIF 2.1.0 schema (https://json.schemastore.org/sarif-2.1.0.json) that the
 * output uses, with their required properties and enums; no copy of the schema is available offline.
 */
const SARIF_SUBSET = {
  type: 'object',
  required: ['version', 'runs'],
  properties: {
    $schema: { type: 'string', format: 'uri' },
    version: { const: '2.1.0' },
    runs: {
      type: 'array', minItems: 1, maxItems: 1,
      items: {
        type: 'object',
        required: ['tool'],
        properties: {
          tool: {
            type: 'object', required: ['driver'],
            properties: {
              driver: {
                type: 'object', required: ['name'],
                properties: {
                  name: { type: 'string', minLength: 1 },
                  informationUri: { type: 'string', format: 'uri' },
                  version: { type: 'string', minLength: 1 },
                  rules: {
                    type: 'array',
                    items: {
                      type: 'object', required: ['id'],
                      properties: {
                        id: { type: 'string', minLength: 1 },
                        name: { type: 'string' },
                        shortDescription: { $ref: '#/$defs/message' },
                        help: { $ref: '#/$defs/message' },
                        defaultConfiguration: { type: 'object', properties: { level: { $ref: '#/$defs/level' } } },
                      },
                    },
                  },
                },
              },
            },
          },
          results: {
            type: 'array',
            items: {
              type: 'object', required: ['message'],
              properties: {
                ruleId: { type: 'string' },
                ruleIndex: { type: 'integer', minimum: 0 },
                level: { $ref: '#/$defs/level' },
                message: { $ref: '#/$defs/message' },
                locations: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      physicalLocation: {
                        type: 'object',
                        properties: {
                          artifactLocation: { type: 'object', required: ['uri'], properties: { uri: { type: 'string', format: 'uri-reference' } } },
                          region: { type: 'object', properties: { startLine: { type: 'integer', minimum: 1 } } },
                        },
                      },
                      logicalLocations: {
                        type: 'array',
                        items: { type: 'object', properties: { name: { type: 'string' }, fullyQualifiedName: { type: 'string' }, kind: { type: 'string' } } },
                      },
                    },
                  },
                },
                suppressions: {
                  type: 'array',
                  items: { type: 'object', required: ['kind'], properties: { kind: { enum: ['inSource', 'external'] }, justification: { type: 'string' } } },
                },
                partialFingerprints: { type: 'object', additionalProperties: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
  $defs: {
    level: { enum: ['none', 'note', 'warning', 'error'] },
    message: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } },
  },
};

let work: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-audit-'));
  fs.mkdirSync(path.join(work, '.git'));
  fs.mkdirSync(path.join(work, 'vendor', 'chart'), { recursive: true });
  fs.writeFileSync(path.join(work, 'vendor', 'chart', 'agent.yaml'), VENDOR);
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

test('--sarif: SARIF 2.1.0 with every catalogue rule and one result per finding, at its file and document line', async () => {
  const { code, out } = await cli(work, 'audit', '--sarif', 'vendor');
  expect(code).toBe(1);
  const sarif = JSON.parse(out);
  const ajv = new Ajv({ strict: false, validateFormats: false });
  expect(ajv.validate(SARIF_SUBSET, sarif)).toBe(true);
  expect(ajv.errors ?? null).toBeNull();
  expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
  // The subset refuses what SARIF refuses.
  const broken = JSON.parse(out);
  broken.runs[0].results[0].level = 'fatal';
  delete broken.runs[0].results[1].message;
  expect(ajv.validate(SARIF_SUBSET, broken)).toBe(false);

  const run = sarif.runs[0];
  const driver = run.tool.driver;
  expect(driver).toMatchObject({ name: 'cdk8s-guardrails', version: ownPackage().version });
  expect(() => new URL(driver.informationUri)).not.toThrow();
  expect(driver.rules.map((r: any) => r.id)).toEqual(RULES.map(r => r.id));
  const digest = driver.rules.find((r: any) => r.id === 'image.digest-pinned');
  const rule = RULES.find(r => r.id === 'image.digest-pinned')!;
  expect(digest).toMatchObject({ shortDescription: { text: rule.title }, help: { text: rule.fix }, defaultConfiguration: { level: 'error' } });
  expect(new Set(driver.rules.map((r: any) => r.defaultConfiguration.level))).toEqual(new Set(['error', 'warning']));

  const results: any[] = run.results;
  expect(results.length).toBeGreaterThan(1);
  for (const r of results) {
    expect(driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    const { physicalLocation, logicalLocations } = r.locations[0];
    expect(physicalLocation.artifactLocation.uri).toBe('vendor/chart/agent.yaml');
    expect(logicalLocations[0].fullyQualifiedName).toMatch(/^(Deployment vendor\/agent|Namespace vendor)$/);
  }
  const host = results.find(r => r.ruleId === 'pss.baseline.host-namespaces');
  expect(host).toMatchObject({ level: 'error' });
  // The Deployment is the second document, which starts on line 6.
  expect(host.locations[0].physicalLocation.region.startLine).toBe(6);
  expect(host.locations[0].logicalLocations[1]).toEqual({
    name: 'spec.template.spec.hostNetwork', fullyQualifiedName: 'Deployment vendor/agent.spec.template.spec.hostNetwork', kind: 'property',
  });
  expect(host.message.text).toContain('Deployment vendor/agent');
  expect(host.suppressions).toBeUndefined();
  const waived = results.find(r => r.ruleId === 'image.digest-pinned');
  expect(waived).toMatchObject({ level: 'note', suppressions: [{ kind: 'inSource', justification: 'the vendor publishes tags only; mirrored nightly' }] });
});

test('--sarif paths are relative to the Git root, from a subfolder too', async () => {
  const { out } = await cli(path.join(work, 'vendor'), 'audit', '--sarif', 'chart/agent.yaml');
  expect(JSON.parse(out).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('vendor/chart/agent.yaml');
});

test('without --sarif the audit prints findings (or JSON) as npm run audit does', async () => {
  const text = await cli(work, 'audit', 'vendor');
  expect(text.code).toBe(1);
  expect(text.out).toMatch(/^error pss\.baseline\.host-namespaces \[Deployment vendor\/agent\]/m);
  expect(text.out).toMatch(/^waived image\.digest-pinned/m);
  const json = await cli(work, 'audit', '--json', 'vendor');
  expect(JSON.parse(json.out)).toMatchObject({ objects: 2 });
});

test('unreadable input exits 2; --json with --sarif is refused', async () => {
  expect((await cli(work, 'audit', '--sarif', 'missing')).code).toBe(2);
  fs.writeFileSync(path.join(work, 'vendor', 'broken.yaml'), 'kind: [unclosed');
  const broken = await cli(work, 'audit', '--sarif', 'vendor');
  expect(broken.code).toBe(2);
  expect(broken.err).toMatch(/broken\.yaml:1/);
  const both = await cli(work, 'audit', '--json', '--sarif', 'vendor');
  expect(both.code).toBe(2);
  expect(both.err).toMatch(/one of --json and --sarif/);
});

test.each(['init', 'synth', 'audit', 'diff'])('%s --help prints its usage and exits 0', async command => {
  const { code, out } = await cli(work, command, '--help');
  expect(code).toBe(0);
  expect(out).toContain(`Usage: cdk8s-guardrails ${command}`);
});

test('no command, an unknown one or a missing argument exits 2 with the usage', async () => {
  const none = await cli(work);
  expect(none.code).toBe(2);
  expect(none.err).toMatch(/Usage: cdk8s-guardrails/);
  const unknown = await cli(work, 'deploy');
  expect(unknown.code).toBe(2);
  expect(unknown.err).toMatch(/unknown command 'deploy'/);
  const missing = await cli(work, 'audit');
  expect(missing.code).toBe(2);
  expect(missing.err).toMatch(/missing required argument 'paths'/);
  expect((await cli(work, 'audit', '--yaml', 'vendor')).err).toMatch(/unknown option '--yaml'/);
});
