/**
 * Expiry dates of time-boxed grants (a person's exec into pods): `YYYY-MM-DD`, a calendar day in
 * UTC. A grant that expires on a day ends at the start of that day (00:00 UTC): `expires:
 * 2026-03-01` is usable through 2026-02-28. Read by the TeamAccess construct (which refuses a bad
 * date before anything is built) and by the gate rule `rbac.exec-expiry` (which judges what is
 * written on a Role, whoever wrote it), so that both say the same thing about the same date.
 *
 * Nothing in the cluster expires the grant: RBAC has no notion of time. The gate turns CI red once
 * the date has passed, which forces the grant out of the spec; the Role stays in the cluster until
 * the platform chart is applied without it.
 */

/** The annotation on a Role that says until when it may be held. */
export const EXPIRES_ANNOTATION = 'guardrails.cdk8s.io/expires';

/** How far ahead an expiry may lie: a longer grant is a standing one, which exec must never be. */
export const MAX_EXPIRY_DAYS = 90;

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The instant a `YYYY-MM-DD` expiry ends the grant (00:00 UTC of that day), or why it is not one:
 * another spelling (`2026-3-1`, a time, a YAML timestamp that is not a string) or a day the
 * calendar does not have (`2027-02-30`, which `Date` would silently roll over to March 2).
 */
export function parseExpiry(value: unknown): { at: Date } | { problem: string } {
  if (typeof value !== 'string') return { problem: `is ${value === null ? 'null' : typeof value}, not a date written as "YYYY-MM-DD"` };
  const m = DATE.exec(value);
  if (!m) return { problem: 'is not a date written as "YYYY-MM-DD"' };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(year, month - 1, day));
  if (year < 1970 || at.getUTCFullYear() !== year || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) {
    return { problem: 'is not a day of the calendar' };
  }
  return { at };
}

/**
 * Why `value` is not an expiry a grant may carry at `now` (`undefined` when it is): unreadable,
 * already reached, or more than {@link MAX_EXPIRY_DAYS} days ahead.
 */
export function expiryProblem(value: unknown, now: Date): string | undefined {
  // An invalid clock compares false with every date, which would pass every expiry: fail closed.
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) return `cannot be judged: the clock (${String(now)}) is not a valid date`;
  const parsed = parseExpiry(value);
  if ('problem' in parsed) return parsed.problem;
  if (parsed.at.getTime() <= now.getTime()) return `has passed (the grant ended at ${value} 00:00 UTC; it is now ${now.toISOString()})`;
  const latest = new Date(now.getTime() + MAX_EXPIRY_DAYS * DAY_MS);
  if (parsed.at.getTime() > latest.getTime()) {
    return `is more than ${MAX_EXPIRY_DAYS} days ahead (the latest allowed now is ${latest.toISOString().slice(0, 10)})`;
  }
  return undefined;
}

/** The latest expiry allowed at `now`, as `YYYY-MM-DD`, for fixes. */
export function latestExpiry(now: Date): string {
  return new Date(now.getTime() + MAX_EXPIRY_DAYS * DAY_MS).toISOString().slice(0, 10);
}
