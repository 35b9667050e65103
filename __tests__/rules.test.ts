import * as fs from 'fs';
import * as path from 'path';
import { GateResult, RULES } from '../policy';
import { C0, D, DEPLOYMENT, Mutation, RuleFixtures, WAIVE, addCronJob, addEphemeral, addInit, api, apiSc, both, check, podSc, setLevel } from './fixtures/baseline';

// Kyverno-style fixtures for the whole rule catalogue, one file per rule family in fixtures/: one
// hardened baseline that passes every rule, and for every rule id at least one `bad` mutation
// (which must be reported by exactly that rule at exactly that field) and one `good` near miss
// (which must not be reported by it).

const FIXTURES: Record<string, RuleFixtures> = Object.assign({}, ...fs.readdirSync(path.join(__dirname, 'fixtures'))
  .filter(f => f.endsWith('.ts') && f !== 'baseline.ts')
  .map(f => require(path.join(__dirname, 'fixtures', f)).FIXTURES));

const severityOf = (id: string) => RULES.find(r => r.id === id)!.severity;

test('the baseline breaks no rule', () => {
  const result = check();
  expect(result.findings).toEqual([]);
});

test('a hardened Pod with an ephemeral container, a CronJob and an init container beside the baseline break no rule', () => {
  const result = check(f => { addEphemeral(f); addCronJob(f); addInit(f); });
  expect(result.findings).toEqual([]);
});

test('every rule in the catalogue has bad and good fixtures, and no fixture names a rule that does not exist', () => {
  expect(Object.keys(FIXTURES).sort()).toEqual(RULES.map(r => r.id).sort());
  for (const [id, { bad, good }] of Object.entries(FIXTURES)) {
    expect([id, bad.length > 0, good.length > 0]).toEqual([id, true, true]);
  }
});

describe.each(Object.entries(FIXTURES))('%s', (id, { bad, good }) => {
  const bucket = severityOf(id) === 'warning' ? 'warnings' : 'failures';

  test.each(bad.map(c => [c.name, c] as const))(`reports %s in ${bucket}`, (_, c) => {
    const result = check(c.mutate, c.now);
    const found = result.findings.filter(f => f.rule === id);
    expect(found.map(f => f.field)).toEqual(c.fields);
    for (const f of found) {
      expect(f.object).toBe(c.object ?? DEPLOYMENT);
      expect(f.waiver).toBeUndefined();
      expect(result[bucket]).toContain(f);
      if (c.message) expect(f.message).toMatch(c.message);
    }
  });

  test.each(good.map(c => [c.name, c] as const))('passes %s', (_, c) => {
    // Passing includes being excused by a well-formed exception that sits on the object.
    expect(check(c.mutate, c.now).findings.filter(f => f.rule === id && !f.waiver)).toEqual([]);
  });
});

describe('Pod Security level', () => {
  const rootPod: Mutation = f => { podSc(f).runAsUser = 0; delete apiSc(f).allowPrivilegeEscalation; };
  const pss = (r: GateResult) => r.findings.filter(f => f.rule.startsWith('pss.'));

  test('comes from the namespace label: the same pod fails in a restricted namespace and passes in a baseline one', () => {
    expect(pss(check(rootPod)).map(f => [f.rule, f.field])).toEqual([
      ['pss.restricted.privilege-escalation', `${C0}.securityContext.allowPrivilegeEscalation`],
      ['pss.restricted.run-as-user', `${D}.securityContext.runAsUser`],
    ]);
    expect(pss(check(both(setLevel('baseline'), rootPod)))).toEqual([]);
  });

  test('is restricted for a namespace that is not defined', () => {
    const result = check(both(rootPod, f => { f.deployment.metadata.namespace = 'shop-unknown'; }));
    const found = pss(result);
    expect(found.map(f => [f.rule, f.object])).toEqual([
      ['pss.restricted.privilege-escalation', 'Deployment shop-unknown/api'],
      ['pss.restricted.run-as-user', 'Deployment shop-unknown/api'],
    ]);
    for (const f of found) expect(f.message).toContain('namespace shop-unknown enforces restricted');
  });

  test('is restricted for a namespace whose enforce label names no level', () => {
    expect(pss(check(both(setLevel('strict'), rootPod))).map(f => f.rule))
      .toEqual(['pss.restricted.privilege-escalation', 'pss.restricted.run-as-user']);
  });
});

describe('waivers', () => {
  const tagged: Mutation = f => { api(f).image = 'ghcr.io/acme/api:1.0.0'; };
  const waive = (rule: string, reason: string): Mutation => f => { f.deployment.metadata.annotations = { [`${WAIVE}${rule}`]: reason }; };

  test('a valid waiver moves the finding to waived with its reason, out of failures', () => {
    const result = check(both(tagged, waive('image.digest-pinned', '  vendor image, mirrored by digest in Harbor ')));
    expect(result.waived.map(f => [f.rule, f.field, f.waiver])).toEqual([
      ['image.digest-pinned', `${C0}.image`, 'vendor image, mirrored by digest in Harbor'],
    ]);
    expect(result.failures).toEqual([]);
    expect(result.findings).toEqual(result.waived);
  });

  test('a valid waiver of a warning moves it out of warnings', () => {
    const result = check(both(f => { delete api(f).readinessProbe; }, waive('hardening.probes', 'a queue consumer with no port')));
    expect(result.warnings).toEqual([]);
    expect(result.waived.map(f => f.rule)).toEqual(['hardening.probes']);
  });

  test('a waiver with a short reason excuses nothing and is itself reported by waiver.valid', () => {
    const result = check(both(tagged, waive('image.digest-pinned', 'vendor')));
    expect(result.waived).toEqual([]);
    expect(result.failures.map(f => [f.rule, f.field])).toEqual([
      ['image.digest-pinned', `${C0}.image`],
      ['waiver.valid', `metadata.annotations.${WAIVE}image.digest-pinned`],
    ]);
  });

  test('a waiver naming an unknown rule id excuses nothing and is reported by waiver.valid', () => {
    const result = check(both(tagged, waive('image.digest', 'vendor image, mirrored by digest in Harbor')));
    expect(result.waived).toEqual([]);
    expect(result.failures.map(f => [f.rule, f.field])).toEqual([
      ['image.digest-pinned', `${C0}.image`],
      ['waiver.valid', `metadata.annotations.${WAIVE}image.digest`],
    ]);
    expect(result.failures[1].message).toMatch(/no rule has the id image\.digest/);
  });

  test('a waiver excuses only the rule it names', () => {
    const result = check(both(tagged, f => { apiSc(f).privileged = true; }, waive('image.digest-pinned', 'vendor image, mirrored by digest in Harbor')));
    expect(result.failures.map(f => f.rule)).toEqual(['pss.baseline.privileged']);
    expect(result.waived.map(f => f.rule)).toEqual(['image.digest-pinned']);
  });
});
