/** Where a refused input sits: a construct (anything with a `node.path`) or a path written out. */
export type Scope = { readonly node: { readonly path: string } } | string;

/**
 * A refused input. The message always names where (construct path), what (field), the bad
 * value and how to fix it, so that a user can act on it without reading our source.
 */
export class GuardrailError extends Error {
  constructor(
    public readonly path: string,
    public readonly field: string,
    public readonly value: unknown,
    public readonly problem: string,
    public readonly fix: string,
  ) {
    super(`[${path}] ${field}: ${problem} (got ${describe(value)}). Fix: ${fix}`);
    this.name = 'GuardrailError';
  }
}

/** Throws a {@link GuardrailError} for a field of `scope`. */
export function refuse(scope: Scope, field: string, value: unknown, problem: string, fix: string): never {
  const path = typeof scope === 'string' ? scope : scope.node.path;
  throw new GuardrailError(path, field, value, problem, fix);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON would print them as null, which is not what the user wrote.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  // Specs written in TypeScript may hold what JSON cannot write: functions, BigInts, cycles.
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) return `${typeof value === 'object' ? 'an object' : `a ${typeof value}`} that JSON cannot write`;
  return json.length > 200 ? `${json.slice(0, 197)}...` : json;
}
