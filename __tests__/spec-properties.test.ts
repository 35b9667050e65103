/**
 * Property-based tests of `compile` (fast-check): valid specs compile to YAML that reads back as
 * the objects the gate judged, and no single-field mutation of a valid spec makes compile throw,
 * print a multi-line or stack-trace error, half-build, or print a credential.
 *
 * Run counts: 1,000 valid one-app specs (their YAML read back on every tenth, compiled twice on
 * every fiftieth), 50 valid two-app specs read back in full, 1,000 mutations, 250 targeted mutations
 * (support/spec-arbitraries.ts TARGETED: a bad value a tenant would try in a workload kind or an
 * issue 12 field) and 200 credential cases by default; GUARDRAILS_PROPERTY_RUNS=<n> sets n for each
 * (n/20 two-app specs, n/4 targeted mutations), and
 * `.ci/run` runs this file once more with 10000. Measured on this 2-core machine, quiet: a one-app
 * compile of ~40 objects takes ~25-30 ms, reading its YAML back in both versions ~3x that; the file
 * takes about 60-70 s at the defaults (61 s before the workload kinds and issue 12 fields were
 * generated, 70 s after, measured back to back), about 11-12 minutes at 10000.
 *
 * The specs compile against the tests' own platform (support/spec-arbitraries.ts PLATFORM: ingress
 * controllers, apiServer, OIDC prefixes, an allowed ClusterSecretStore) and clock (NOW, for exec
 * expiries), so that a seed judges the same specs the same way on any day.
 *
 * Replaying a failure: fast-check prints `{ seed: <seed>, path: "<path>", endOnFailure: true }` and
 * the counterexample. Re-run that property with
 *   GUARDRAILS_PROPERTY_SEED=<seed> GUARDRAILS_PROPERTY_PATH="<path>" npx jest __tests__/spec-properties.test.ts -t '<test name>'
 * (the path skips straight to the shrunk counterexample; leave it out to replay the whole run).
 * The seed is fixed by default (below); GUARDRAILS_PROPERTY_SEED=random draws a new one each run.
 */
import { deepStrictEqual } from 'assert';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { AppSpec } from '../compiler/app-spec';
import { compile, CompileResult } from '../compiler/compile';
import { readManifests } from '../policy';
import { applyMutation, credentialValue, mutationOf, NOW, PLATFORM, TARGETED, validSpecs } from './support/spec-arbitraries';

const fromEnv = (name: string) => (process.env[name] !== undefined && process.env[name] !== '' ? Number(process.env[name]) : undefined);
const OVERRIDE = fromEnv('GUARDRAILS_PROPERTY_RUNS');
const RUNS = { valid: OVERRIDE ?? 1000, wide: Math.ceil((OVERRIDE ?? 1000) / 20), mutation: OVERRIDE ?? 1000, targeted: Math.ceil((OVERRIDE ?? 1000) / 4), credential: OVERRIDE ?? 200 };
// A fixed seed by default, so that `npm test` (and CI) judges the same generated specs every run
// and a green commit stays green; GUARDRAILS_PROPERTY_SEED=random explores new ones.
const SEED = process.env.GUARDRAILS_PROPERTY_SEED === 'random' ? undefined : fromEnv('GUARDRAILS_PROPERTY_SEED') ?? 20261201;
const PATH = process.env.GUARDRAILS_PROPERTY_PATH || undefined;

function params(numRuns: number): fc.Parameters<unknown> {
  return { numRuns, ...(SEED !== undefined ? { seed: SEED } : {}), ...(PATH !== undefined ? { path: PATH } : {}) };
}

// Shrinking a failure re-runs a property hundreds of times, and a loaded machine is several times
// slower: the timeout grows with the run count.
jest.setTimeout(Math.max(300_000, Math.max(RUNS.valid, RUNS.mutation) * 300));

/** Every file of `result` read back, in YAML 1.1 (as Kubernetes) and 1.2 (as reviewers' tools), gives `result.objects` in order. */
function expectReadsBack(result: CompileResult): void {
  const texts = Object.values(result.files);
  const yaml11 = texts.flatMap((text, i) => readManifests(text, Object.keys(result.files)[i]));
  deepStrictEqual(yaml11, result.objects, 'YAML 1.1 (readManifests) reads back other objects');
  const yaml12 = texts.flatMap(text => parseAllDocuments(text, { version: '1.2' }).map(doc => {
    if (doc.errors.length) throw new Error(`YAML 1.2: ${doc.errors[0].message}`);
    return doc.toJS();
  }).filter(o => o !== null));
  deepStrictEqual(yaml12, result.objects, 'YAML 1.2 reads back other objects');
}

/** A compile that accepted the spec: no gate failures, and files that read back as the objects. */
function expectAccepted(result: CompileResult): void {
  // (A mutation may leave no app at all: nothing to build is no error.)
  expect(result.gate?.failures ?? []).toEqual([]);
  expectReadsBack(result);
}

/** A compile that refused the spec: one-line errors naming a path or a rule, and nothing built. */
function expectRefused(result: CompileResult): void {
  for (const e of result.errors) {
    expect(typeof e).toBe('string');
    expect(e).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(e).not.toContain('    at ');
    expect(e).toMatch(/^(\[|error )/);
  }
  expect(result.files).toEqual({});
  expect(result.objects).toEqual([]);
}

describe('counterexamples the properties found, kept as examples', () => {
  test('a quota that admits the demand exactly is enough (3 pods of 100m under a 300m quota; the float sum is 0.30000000000000004)', () => {
    const app: AppSpec = {
      name: 'quota', repoURL: 'https://github.com/acme/cluster-deploy.git',
      environments: { production: { quota: { requestsCpu: '300m' } } },
      services: { api: { image: `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`, replicas: 2 } },
    };
    expect(compile([app], PLATFORM).errors).toEqual([]);
    // One milli-CPU less is still too little.
    const tight = { ...app, environments: { production: { quota: { requestsCpu: '299m' } } } };
    expect(compile([tight], PLATFORM).errors).toEqual([expect.stringMatching(/^error namespace\.quota-fits .*needs 300m requests\.cpu/)]);
  });
  test.each([{}, Object.create(null), [], true, null])('a probe port of the wrong type (%p) is refused, not thrown (Ajv gives a `string | number` type as an array)', port => {
    const app = {
      name: 'probe', repoURL: 'https://github.com/acme/cluster-deploy.git', environments: { production: {} },
      services: { api: { image: `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`, ports: [{ name: 'http', port: 80 }], probes: { readiness: { httpGet: { path: '/', port } } } } },
    };
    expect(compile([app as unknown as AppSpec], PLATFORM).errors).toEqual([
      `[apps/probe/services/api/probes/readiness/httpGet] port: must be a string or a number (got ${port === null ? 'null' : JSON.stringify(port)}). Fix: give a string or a number`,
    ]);
  });
});

describe('compile, on generated specs', () => {
  test('valid specs (one app) compile without errors or gate failures (which include the strict schema), deterministically', () => {
    let run = 0;
    fc.assert(fc.property(validSpecs(1), specs => {
      const result = compile(specs, PLATFORM, { now: NOW });
      expect(result.errors).toEqual([]);
      expect(result.gate?.failures).toEqual([]);
      // One platform file per app, one workloads file per environment, and the bootstrap when the platform names its repo.
      expect(Object.keys(result.files).length).toBe(specs.length + specs.reduce((n, s) => n + Object.keys(s.environments).length, 0) + (PLATFORM.repoURL ? 1 : 0));
      // Reading YAML back costs three times the compile: every tenth run here, every run below.
      if (run % 10 === 0) expectReadsBack(result);
      // A second compile on every fiftieth run: byte-identical files.
      if (run++ % 50 === 0) expect(compile(specs, PLATFORM, { now: NOW }).files).toStrictEqual(result.files);
    }), params(RUNS.valid));
  });

  test('valid specs (two apps side by side) compile to YAML that reads back as the objects in YAML 1.1 and 1.2', () => {
    fc.assert(fc.property(validSpecs(2), specs => {
      const result = compile(specs, PLATFORM, { now: NOW });
      expect(result.errors).toEqual([]);
      expectAccepted(result);
    }), params(RUNS.wide));
  });

  test('a single-field mutation never makes compile throw: it refuses with one-line errors and builds nothing, or it accepts', () => {
    const specAndMutation = validSpecs(1).chain(specs => mutationOf(specs).map(m => ({ specs, m })));
    let accepted = 0;
    fc.assert(fc.property(specAndMutation, ({ specs, m }) => {
      const mutated = applyMutation(specs, m);
      let result: CompileResult;
      try {
        result = compile(mutated as AppSpec[], PLATFORM, { now: NOW });
      } catch (e) {
        throw new Error(`compile threw: ${(e as Error)?.stack ?? e}`);
      }
      if (result.errors.length) expectRefused(result);
      else if (accepted++ % 10 === 0) expectAccepted(result);
      else expect(result.gate?.failures ?? []).toEqual([]);
    }), params(RUNS.mutation));
  });

  test('a targeted bad value in a workload kind, ingress, caller CIDR, kubernetesApi, access, secret or chart is refused, naming the field', () => {
    const arb = validSpecs(1).chain(specs => fc.record({ specs: fc.constant(specs), target: fc.constantFrom(...TARGETED), pick: fc.nat(7) }));
    fc.assert(fc.property(arb, ({ specs, target, pick }) => {
      const copy: any[] = JSON.parse(JSON.stringify(specs));
      target.apply(copy[0], pick);
      let result: CompileResult;
      try {
        result = compile(copy, PLATFORM, { now: NOW });
      } catch (e) {
        throw new Error(`${target.name}: compile threw: ${(e as Error)?.stack ?? e}`);
      }
      expectRefused(result);
      const named = result.errors.filter(e => target.expect.test(e));
      if (named.length === 0) throw new Error(`${target.name}: no refusal matches ${target.expect}; got ${JSON.stringify(result.errors)}`);
      // Where, what, the value and the fix: "[path] field: problem (got value). Fix: ...".
      for (const e of named) expect(e).toMatch(/^\[apps\/\S*\] [^:\s]+: .+ \(got .*\)\. Fix: ./);
      if (target.secret !== undefined) for (const e of result.errors) expect(e).not.toContain(target.secret);
    }), params(RUNS.targeted));
  });

  test('a credential written into an env value or an argument is refused without being printed', () => {
    const arb = validSpecs(1).chain(specs => {
      const services = Object.keys(specs[0].services);
      return fc.record({
        specs: fc.constant(specs),
        service: fc.constantFrom(...services),
        where: fc.constantFrom('env', 'env-credential-name', 'args', 'command'),
        variable: fc.constantFrom('LOG_LEVEL', 'DATABASE_URL', 'yes', 'X'),
        credential: credentialValue,
      });
    });
    fc.assert(fc.property(arb, ({ specs, service, where, variable, credential }) => {
      const copy: any = JSON.parse(JSON.stringify(specs));
      const svc = copy[0].services[service];
      let secret = credential.secret;
      if (where === 'env') svc.env = { ...svc.env, [variable]: credential.value };
      if (where === 'env-credential-name') {
        // A plain-looking value under a credential name: the whole value is the secret.
        secret = credential.secret;
        svc.env = { ...svc.env, DB_PASSWORD: secret };
      }
      if (where === 'args') svc.args = [...(svc.args ?? []), credential.value];
      if (where === 'command') svc.command = [credential.value, ...(svc.command ?? [])];
      const result = compile(copy, PLATFORM, { now: NOW });
      expect(result.errors.length).toBeGreaterThan(0);
      expectRefused(result);
      for (const e of result.errors) expect(e).not.toContain(secret);
    }), params(RUNS.credential));
  });
});
