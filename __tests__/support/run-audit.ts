import { audit } from '../../compiler/audit';

/** `audit(args)` in process, with what it printed on each stream and its exit code. */
export function runAudit(...args: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = audit(args, { out: l => out.push(l), err: l => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
