import { escapeHidden, printValue } from '../policy/printable';
import { GuardrailError } from '../policy/errors';

test('prints what JSON would turn into null or drop as itself', () => {
  expect(printValue(NaN)).toBe('NaN');
  expect(printValue(Infinity)).toBe('Infinity');
  expect(printValue(-Infinity)).toBe('-Infinity');
  expect(printValue(-0)).toBe('-0');
  expect(printValue(10n)).toBe('10n');
  expect(printValue(Symbol('x'))).toBe('Symbol(x)');
  expect(printValue(function worker() { return 1; })).toBe('[function worker]');
  expect(printValue({ a: undefined, b: [NaN, undefined], c: () => 1 })).toBe('{"a":undefined,"b":[NaN,undefined],"c":[function c]}');
});

test('keeps JSON for the rest, and cuts long values', () => {
  expect(printValue({ name: 'api', replicas: 2, on: true, none: null, list: ['a'] })).toBe('{"name":"api","replicas":2,"on":true,"none":null,"list":["a"]}');
  expect(printValue(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
  const long = printValue('x'.repeat(500));
  expect(long).toHaveLength(200);
  expect(long.endsWith('...')).toBe(true);
});

test('never throws: cycles, and getters that throw', () => {
  const o: any = { name: 'a' };
  o.self = o;
  o.list = [o];
  expect(printValue(o)).toBe('{"name":"a","self":[circular],"list":[[circular]]}');
  const shared = { x: 1 };
  expect(printValue([shared, shared])).toBe('[{"x":1},{"x":1}]');
  expect(printValue({ get boom() { throw new Error('no'); } })).toBe('a value that cannot be read');
});

test('escapes line breaks, controls, bidi and invisible characters, so nothing can forge a line or hide', () => {
  expect(printValue('a\nFix: b')).toBe('"a\\nFix: b"');
  expect(printValue('a\u2028b\u0085c\u007f')).toBe('"a\\u2028b\\u0085c\\u007f"');
  expect(printValue('admin\u200b')).toBe('"admin\\u200b"');
  expect(printValue('\u202Egnp.exe')).toBe('"\\u202egnp.exe"');
  expect(printValue({ ['k\u200d']: 'tag\u{E0041}' })).toBe('{"k\\u200d":"tag\\u{e0041}"}');
  expect(printValue(Symbol('a\nb'))).toBe('Symbol(a\\u000ab)');
  expect(escapeHidden('a\u00a0b\u3164c\ufe0f', true)).toBe('a\\u{a0}b\\u{3164}c\\u{fe0f}');
  expect(escapeHidden('plain text, émigré, 日本')).toBe('plain text, émigré, 日本');
});

test('an error message is one line whatever the input says', () => {
  const e = new GuardrailError('apps/x\n[apps/y]', 'env.A\nB', 'v\r\n[forged] x: y', 'is bad\u202e', 'fix it');
  expect(e.message.split(/[\n\r\u2028\u2029\u0085]/)).toHaveLength(1);
  expect(e.message).toBe('[apps/x\\u000a[apps/y]] env.A\\u000aB: is bad\\u202e (got "v\\r\\n[forged] x: y"). Fix: fix it');
});
