import { escapeHidden, printValue } from './printable';

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
    // Paths, fields and problems may quote input too: escaped, so that no part can forge a line.
    super(escapeHidden(`[${path}] ${field}: ${problem} (got ${describe(value)}). Fix: ${fix}`));
    this.name = 'GuardrailError';
  }
}

/** Throws a {@link GuardrailError} for a field of `scope`. */
export function refuse(scope: Scope, field: string, value: unknown, problem: string, fix: string): never {
  const path = typeof scope === 'string' ? scope : scope.node.path;
  throw new GuardrailError(path, field, value, problem, fix);
}

/** The value as written (see {@link printValue}); `nothing` when there is none. */
function describe(value: unknown): string {
  return value === undefined ? 'nothing' : printValue(value);
}
