import { matches, PATTERNS, PatternName } from './schema/patterns';

/**
 * The string grammars of Kubernetes (k8s.io/apimachinery/pkg/util/validation) as checks that say
 * what is wrong: each returns a problem ("is not ...") or undefined. They test the patterns the
 * schema validators use (`policy/schema/patterns.ts`), so constructs, rules and schemas agree.
 */

const problem = (name: PatternName, value: string) => (matches(name, value) ? undefined : `is not ${PATTERNS[name].rule}`);

/**
 * A DNS-1123 label (namespace, Service and most object names). `maxLength` below 63 leaves room
 * for a prefix; 253 admits the label-shaped names of objects whose names may be subdomains.
 */
export function dnsLabelProblem(value: string, maxLength = 63): string | undefined {
  // A subdomain without dots is one label of up to 253 characters.
  return matches('dnsSubdomain', value) && !value.includes('.') && value.length <= maxLength ? undefined
    : `is not a DNS-1123 label of at most ${maxLength} characters (lower-case letters, digits and "-", starting and ending with a letter or digit)`;
}

/** A DNS-1123 subdomain (at most 253 characters): service account, Secret and ConfigMap names. */
export const dnsSubdomainProblem = (value: string) => problem('dnsSubdomain', value);

/** A label key: `[prefix/]name`, a DNS subdomain prefix of at most 253 and a name of at most 63 characters. */
export const labelKeyProblem = (key: string) => problem('labelKey', key);

/** A label value: empty, or at most 63 letters, digits, `-`, `_` and `.`, alphanumeric at both ends. */
export const labelValueProblem = (value: string) => problem('labelValue', value);

/** An annotation key: the grammar of label keys (the prefix compared case-insensitively). */
export const annotationKeyProblem = (key: string) => problem('annotationKey', key);

/** What the API server admits for all annotations of an object together: keys and values, in bytes. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

export function annotationsSizeProblem(annotations: Record<string, string>): string | undefined {
  const bytes = Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  return bytes > ANNOTATIONS_MAX_BYTES ? `add up to ${bytes} bytes, more than the ${ANNOTATIONS_MAX_BYTES} the API server admits for an object's annotations` : undefined;
}

/** An IANA service name (port names): at most 15 lower-case letters, digits and single "-", with a letter. */
export const portNameProblem = (name: string) => problem('portName', name);

/** What Kubernetes admits as an environment variable name (1.28 `IsEnvVarName`): `[-._a-zA-Z][-._a-zA-Z0-9]*`. */
export const envVarNameProblem = (name: string) => problem('envVarName', name);

/** A C identifier, which shells and most runtimes can read back, unlike `a.b` or `a-b`. */
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The stricter names our constructs write: a Kubernetes env var name that is also a C identifier. */
export function portableEnvVarNameProblem(name: string): string | undefined {
  return envVarNameProblem(name) ?? (C_IDENTIFIER.test(name) ? undefined : 'is not a C identifier (letters, digits and "_", not starting with a digit), which every shell and runtime can read');
}

/** A ConfigMap or Secret key (a file name in its volume): at most 253 of `-._a-zA-Z0-9`, not `.`, `..` or starting with `..`. */
export function configMapKeyProblem(key: string): string | undefined {
  return key.length > 0 && key.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(key) && key !== '.' && !key.startsWith('..') ? undefined
    : 'is not a ConfigMap key (at most 253 letters, digits, "-", "_" and ".", not "." and not starting with "..")';
}
