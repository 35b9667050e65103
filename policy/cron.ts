/**
 * The schedule grammar of a Kubernetes CronJob (`spec.schedule`): five fields (minute, hour, day of
 * month, month, day of week), each `*`, `?` (day fields), a number or name, a range `a-b`, a step
 * `*\/n` or `a-b/n` or `a/n`, or a comma list of them; or one of the macros. Time zones belong in
 * `spec.timeZone`: `TZ=` and `CRON_TZ=` in the schedule are refused, as the API server does.
 */

/** The macros the CronJob controller reads, and what each means. */
export const CRON_MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names for the values from `min` on. */
  readonly names?: readonly string[];
  /** Whether `?` (no specific value) is allowed. */
  readonly any?: boolean;
}

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, any: true },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 7 is Sunday too.
  { name: 'day of week', min: 0, max: 7, names: DAYS, any: true },
];

function valueOf(field: CronField, text: string): number | undefined {
  if (/^[0-9]{1,2}$/.test(text)) {
    const n = parseInt(text, 10);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return named >= 0 ? field.min + named : undefined;
}

function fieldProblem(field: CronField, text: string): string | undefined {
  const range = field.names ? `${field.min}-${field.max} or ${field.names[0]}-${field.names[field.names.length - 1]}` : `${field.min}-${field.max}`;
  for (const item of text.split(',')) {
    const [base, step, extra] = item.split('/');
    if (extra !== undefined || (step !== undefined && !/^[0-9]{1,2}$/.test(step)) || step === '0' || step === '00') {
      return `has ${field.name} "${item}" with a bad step (write "*/15" or "0-30/5")`;
    }
    if (base === '*' || (base === '?' && field.any && step === undefined)) continue;
    const [from, to, more] = base.split('-');
    const a = valueOf(field, from);
    const b = to === undefined ? a : valueOf(field, to);
    if (more !== undefined || a === undefined || b === undefined || b < a) {
      return `has ${field.name} "${item}", which is not ${field.any ? '"*", "?", ' : '"*", '}a value in ${range} or a range of them`;
    }
  }
  return undefined;
}

/** Why `schedule` is not a CronJob schedule, or undefined when it is one. */
export function cronScheduleProblem(schedule: string): string | undefined {
  const text = schedule.trim();
  if (/^(CRON_)?TZ=/.test(text)) return 'names a time zone in the schedule, which the API server refuses (set timeZone instead)';
  if (text.startsWith('@')) {
    return Object.prototype.hasOwnProperty.call(CRON_MACROS, text) ? undefined
      : `is not one of the macros ${Object.keys(CRON_MACROS).join(', ')}`;
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return `has ${parts.length} field${parts.length === 1 ? '' : 's'}, not the 5 of minute, hour, day of month, month and day of week`;
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(FIELDS[i], parts[i]);
    if (problem) return problem;
  }
  return undefined;
}
