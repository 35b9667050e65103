/**
 * The string syntaxes the API server checks (k8s.io/apimachinery/pkg/util/validation), as
 * JavaScript regular expressions. The schema generator writes them into the generated validators
 * and the validator wrapper reads them back to turn "must match pattern" into a message a person
 * can act on, so each pattern lives here once. Length limits are lookaheads, so that one pattern
 * gives one finding.
 */

/** A DNS-1123 subdomain label piece: lowercase alphanumerics and '-', alphanumeric at both ends. */
const LABEL_PIECE = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
/** The same, any case (annotation key prefixes are lowercased before the check). */
const ANY_CASE_PIECE = '[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?';
/** The name part of a qualified name: alphanumerics, '-', '_', '.', alphanumeric at both ends. */
const NAME_PART = '[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?';

export interface NamedPattern {
  readonly source: string;
  /** What the value must be, completing "<field> is not valid: ...". */
  readonly rule: string;
}

export const PATTERNS = {
  dnsLabel: {
    source: `^(?=.{1,63}$)${LABEL_PIECE}$`,
    rule: 'a DNS-1123 label: at most 63 lowercase alphanumerics or "-", starting and ending alphanumeric',
  },
  dnsSubdomain: {
    source: `^(?=.{1,253}$)${LABEL_PIECE}(?:\\.${LABEL_PIECE})*$`,
    rule: 'a DNS-1123 subdomain: at most 253 characters, dot-separated lowercase alphanumerics or "-", each part starting and ending alphanumeric',
  },
  dns1035Label: {
    source: '^(?=.{1,63}$)[a-z](?:[-a-z0-9]*[a-z0-9])?$',
    rule: 'a DNS-1035 label: at most 63 lowercase alphanumerics or "-", starting with a letter and ending alphanumeric',
  },
  labelKey: {
    source: `^(?:(?=[^/]{1,253}/)${LABEL_PIECE}(?:\\.${LABEL_PIECE})*/)?(?=[^/]{1,63}$)${NAME_PART}$`,
    rule: 'a label key: an optional DNS subdomain prefix and "/", then a name of at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric',
  },
  annotationKey: {
    source: `^(?:(?=[^/]{1,253}/)${ANY_CASE_PIECE}(?:\\.${ANY_CASE_PIECE})*/)?(?=[^/]{1,63}$)${NAME_PART}$`,
    rule: 'an annotation key: an optional DNS subdomain prefix and "/", then a name of at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric',
  },
  labelValue: {
    source: `^(?:(?=.{1,63}$)${NAME_PART})?$`,
    rule: 'a label value: empty, or at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric',
  },
  portName: {
    source: '^(?=.{1,15}$)(?=[^a-z]*[a-z])(?!.*--)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$',
    rule: 'an IANA service name: at most 15 lowercase alphanumerics or "-", with a letter, no "--", starting and ending alphanumeric',
  },
  envVarName: {
    source: '^[-._a-zA-Z][-._a-zA-Z0-9]*$',
    rule: 'an environment variable name: letters, digits, "_", "-" or ".", not starting with a digit',
  },
  quantity: {
    source: '^[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$',
    rule: 'a quantity: a number with an optional suffix (m, k, M, G, Ki, Mi, Gi, ..., or e<exponent>), e.g. 100m, 1.5, 256Mi',
  },
  base64: {
    // Go's base64 decoder skips CR and LF, so wrapped base64 is valid.
    source: '^[\\r\\n]*(?:(?:[A-Za-z0-9+/][\\r\\n]*){4})*(?:(?:[A-Za-z0-9+/][\\r\\n]*){2}=[\\r\\n]*=|(?:[A-Za-z0-9+/][\\r\\n]*){3}=)?[\\r\\n]*$',
    rule: 'standard base64 (A-Z, a-z, 0-9, "+", "/", padded with "=")',
  },
  rfc3339: {
    source: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})$',
    rule: 'an RFC 3339 time, e.g. 2024-01-31T12:00:00Z',
  },
} as const satisfies Record<string, NamedPattern>;

export type PatternName = keyof typeof PATTERNS;

/** The pattern of a field where "" means "not set" (e.g. an unnamed port, the request's namespace). */
export function emptyOr(name: PatternName): NamedPattern {
  const { source, rule } = PATTERNS[name];
  return { source: `^(?:${source.slice(1, -1)})?$`, rule: `empty or ${rule}` };
}

const BY_SOURCE = new Map<string, NamedPattern>(Object.keys(PATTERNS)
  .flatMap(name => [PATTERNS[name as PatternName], emptyOr(name as PatternName)]).map(p => [p.source, p]));

/** The named pattern with this source, if it is one of ours (CRDs bring their own patterns). */
export function patternBySource(source: string): NamedPattern | undefined {
  return BY_SOURCE.get(source);
}

const compiled = new Map<PatternName, RegExp>();

/** Whether `value` matches the named pattern. */
export function matches(name: PatternName, value: string): boolean {
  let re = compiled.get(name);
  if (!re) compiled.set(name, re = new RegExp(PATTERNS[name].source, 'u'));
  return re.test(value);
}
