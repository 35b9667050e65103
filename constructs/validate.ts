import { IConstruct } from 'constructs';
import { REASON_RULE, reasonProblem } from '../policy/departures';
import { refuse } from '../policy/errors';
import { QUANTITY } from '../policy/quantity';
import { dnsLabelProblem, labelKeyProblem, labelValueProblem } from '../policy/grammar';

// Props may be computed or parsed from JSON, so the types the compiler saw are re-checked here.

/** RFC 1123 label: what Kubernetes requires of namespace, service and most object names. */
export function checkDnsLabel(scope: IConstruct | string, field: string, value: unknown, maxLength = 63): string {
  if (typeof value !== 'string' || dnsLabelProblem(value, maxLength) !== undefined) {
    refuse(scope, field, value, `must be a DNS-1123 label of at most ${maxLength} characters`,
      'use lower-case letters, digits and "-", starting and ending with a letter or digit');
  }
  return value;
}

/** Labels given by a user: keys and values in the Kubernetes grammar, so none can break the object or its YAML. */
export function checkLabels(scope: IConstruct | string, field: string, labels: unknown): Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    refuse(scope, field, labels, 'must be a map of label key to value', 'write it like { "app.kubernetes.io/part-of": "shop" }');
  }
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) refuse(scope, field, key, `has a key that ${keyProblem}`, 'use a key like "app.kubernetes.io/part-of" or "team"');
    const valueProblem = typeof value === 'string' ? labelValueProblem(value) : 'is not a string';
    if (valueProblem) refuse(scope, `${field}.${key}`, value, valueProblem, 'use at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, e.g. "shop"');
  }
  return labels as Record<string, string>;
}

export function checkString(scope: IConstruct | string, field: string, value: unknown, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    refuse(scope, field, value, allowEmpty ? 'must be a string' : 'must be a non-empty string', `set ${field} to a string`);
  }
  return value;
}

export function checkInteger(scope: IConstruct | string, field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    refuse(scope, field, value, `must be a whole number from ${min} to ${max}`, `set ${field} to an integer in that range`);
  }
  return value;
}

/** A reason for a departure: the same test as the gate's (10 visible characters, one line). */
export function checkReason(scope: IConstruct | string, field: string, value: unknown): string {
  const problem = reasonProblem(value);
  if (problem !== undefined) {
    refuse(scope, field, value, `an exception needs ${REASON_RULE}${value === undefined ? '' : ` (${problem})`}`,
      `say in ${field}, on one line, why this workload needs it, e.g. "binds port 443 inside the container"`);
  }
  return (value as string).trim();
}

export function checkQuantity(scope: IConstruct | string, field: string, value: unknown): string {
  if (typeof value !== 'string' || !QUANTITY.test(value)) {
    refuse(scope, field, value, 'must be a Kubernetes quantity', 'write it like "250m" (CPU) or "256Mi" (memory)');
  }
  return value;
}

export function checkOneOf<T extends string>(scope: IConstruct | string, field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    refuse(scope, field, value, `must be one of ${allowed.join(', ')}`, `choose one of ${allowed.join(', ')}`);
  }
  return value as T;
}
