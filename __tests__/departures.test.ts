import { checkManifests, EXCEPTIONS, reasonProblem, RULES } from '../policy';
import { apiSc, both, C0, manifests, Mutation, NS } from './fixtures/baseline';

const gate = (...mutations: Mutation[]) => checkManifests(manifests(both(...mutations)));
const addCapability = (cap: string): Mutation => f => { apiSc(f).capabilities.add = [...(apiSc(f).capabilities.add ?? []), cap]; };
const annotate = (annotations: Record<string, string>): Mutation => f => { f.deployment.metadata.annotations = annotations; };

test('every construct exception relaxes rules that exist and may be relaxed', () => {
  for (const [what, { rules }] of Object.entries(EXCEPTIONS)) {
    for (const id of rules) {
      const rule = RULES.find(r => r.id === id);
      expect([what, id, rule !== undefined && rule.waivable !== false]).toEqual([what, id, true]);
    }
  }
});

test('an exception for one capability excuses that capability only', () => {
  const result = gate(addCapability('NET_BIND_SERVICE'), addCapability('CHOWN'),
    annotate({ 'guardrails.cdk8s.io/exception.capability.NET_BIND_SERVICE': 'listens on :443 inside the pod' }));
  expect(result.waived.map(f => [f.rule, f.field])).toEqual([['hardening.added-capabilities', `${C0}.securityContext.capabilities.add[0]`]]);
  expect(result.failures.map(f => [f.rule, f.field])).toEqual([
    ['pss.restricted.capabilities', `${C0}.securityContext.capabilities.add[1]`],
    ['hardening.added-capabilities', `${C0}.securityContext.capabilities.add[1]`],
  ]);
});

test('a departure excuses findings only on the object it sits on', () => {
  const result = gate(f => { apiSc(f).readOnlyRootFilesystem = false; },
    f => { f.namespace.metadata.annotations = { 'guardrails.cdk8s.io/waive.hardening.read-only-root': 'the whole namespace runs legacy apps' }; });
  expect(result.failures.map(f => f.rule)).toEqual(['hardening.read-only-root']);
  expect(result.departures).toEqual([expect.objectContaining({ object: `Namespace ${NS}`, excuses: 0 })]);
});

test('an exception written on a workload and on its pod template is one departure, counted with what it excuses', () => {
  const reason = 'the vendor binary writes its pid file to /';
  const result = gate(f => { apiSc(f).readOnlyRootFilesystem = false; }, annotate({ 'guardrails.cdk8s.io/exception.writable-root-filesystem': reason }),
    f => { f.deployment.spec.template.metadata.annotations = { 'guardrails.cdk8s.io/exception.writable-root-filesystem': reason }; });
  expect(result.failures).toEqual([]);
  expect(result.departures).toEqual([{
    object: `Deployment ${NS}/api`, annotation: 'guardrails.cdk8s.io/exception.writable-root-filesystem', kind: 'exception',
    rules: ['hardening.read-only-root'], reason, excuses: 1,
  }]);
});

test('a malformed departure excuses nothing and is listed with its problem', () => {
  const result = gate(f => { apiSc(f).readOnlyRootFilesystem = false; }, annotate({ 'guardrails.cdk8s.io/waive.hardening.read-only-root': '\u200b'.repeat(12) }));
  expect(result.failures.map(f => f.rule)).toEqual(['hardening.read-only-root', 'waiver.valid']);
  expect(result.departures[0]).toMatchObject({ excuses: 0, problem: expect.stringMatching(/visible characters/) });
});

describe('a reason', () => {
  test.each([
    ['ten visible characters', 'batch-like', undefined],
    ['words in another script', 'nur für den Übergang', undefined],
    ['an empty string', '', /has 0 visible/],
    ['spaces and tabs', ' \t    \t      ', /has 0 visible/],
    ['zero-width joiners between letters', 'a\u200db\u200dc\u200dd\u200de', /has 5 visible/],
    ['a line separator', 'first half\u2028second half', /more than one line/],
    ['a carriage return', 'first half\rsecond half', /more than one line/],
    ['a number', 1234567890123, /not a string/],
    ['blank braille patterns', '\u2800'.repeat(12), /has 0 visible/],
    ['bare combining marks', '\u0301'.repeat(12), /has 0 visible/],
    ['private-use characters', '\ue000'.repeat(12), /has 0 visible/],
    ['lone surrogates', '\ud800'.repeat(12), /has 0 visible/],
  ])('%s', (_, reason, problem) => {
    const got = reasonProblem(reason);
    if (problem === undefined) expect(got).toBeUndefined(); else expect(got).toMatch(problem);
  });
});
