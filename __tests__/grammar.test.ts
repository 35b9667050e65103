import {
  annotationKeyProblem, annotationsSizeProblem, dnsLabelProblem, dnsSubdomainProblem, envVarNameProblem, labelKeyProblem, labelValueProblem,
  portableEnvVarNameProblem, portNameProblem,
} from '../policy/grammar';

const ok = (check: (s: string) => string | undefined, values: string[]) => values.forEach(v => expect([v, check(v)]).toEqual([v, undefined]));
const bad = (check: (s: string) => string | undefined, values: string[]) => values.forEach(v => expect([v, check(v)]).toEqual([v, expect.stringMatching(/^is not /)]));

test('label keys: an optional DNS subdomain prefix of at most 253 and a name of at most 63 characters', () => {
  ok(labelKeyProblem, ['app', 'app.kubernetes.io/name', 'a', 'A_b.c-D', `${'a'.repeat(253)}/${'b'.repeat(63)}`, 'example.com/Under_Score']);
  bad(labelKeyProblem, ['', '<<', 'a\nb', '-a', 'a-', '/a', 'a/', 'a/b/c', 'Example.com/a', `${'a'.repeat(254)}/b`, 'b'.repeat(64), 'a b', 'ä', 'a\u200b']);
});

test('label values: empty, or at most 63 of the name characters', () => {
  ok(labelValueProblem, ['', 'shop', 'v1.2_3-x', 'A'.repeat(63)]);
  bad(labelValueProblem, ['A'.repeat(64), 'a\nb', '-a', 'a.', 'yes please', '<<', 'a\u202e']);
});

test('annotation keys: prefixes in any case, the name like a label key', () => {
  ok(annotationKeyProblem, ['Example.COM/Name', 'guardrails.cdk8s.io/exception.run-as-root']);
  bad(annotationKeyProblem, ['a b', 'a/b/c', '<<']);
});

test('all annotations of an object are at most 256 KiB', () => {
  expect(annotationsSizeProblem({ a: 'x'.repeat(256 * 1024 - 1) })).toBeUndefined();
  expect(annotationsSizeProblem({ a: 'x'.repeat(256 * 1024) })).toMatch(/262145 bytes, more than the 262144/);
});

test('DNS-1123 labels and subdomains', () => {
  ok(dnsLabelProblem, ['a', 'shop-production', '0a', 'a'.repeat(63)]);
  bad(dnsLabelProblem, ['', 'A', 'a.b', '-a', 'a-', 'a'.repeat(64)]);
  expect(dnsLabelProblem('a'.repeat(200), 253)).toBeUndefined();
  expect(dnsLabelProblem('a'.repeat(60), 50)).toMatch(/at most 50 characters/);
  ok(dnsSubdomainProblem, ['a.b-c.d', 'a'.repeat(253)]);
  bad(dnsSubdomainProblem, ['a..b', '.a', 'A.b', 'a'.repeat(254), 'a:b']);
});

test('port names are IANA service names', () => {
  ok(portNameProblem, ['http', 'h2c', 'a-b', 'a'.repeat(15)]);
  bad(portNameProblem, ['80', 'a--b', '-a', 'HTTP', 'a'.repeat(16)]);
});

test('env var names: what Kubernetes admits, and the stricter C identifiers our constructs write', () => {
  ok(envVarNameProblem, ['A', '_a', 'a.b', 'a-b', '.x', 'LOG_LEVEL']);
  bad(envVarNameProblem, ['1ST', '', 'a b', 'a=b']);
  ok(portableEnvVarNameProblem, ['A', '_a', 'LOG_LEVEL', 'x1']);
  bad(portableEnvVarNameProblem, ['a.b', 'a-b', '1ST', '']);
});
