import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { cronScheduleProblem } from '../policy/cron';
import { refuse } from '../policy/errors';
import { PodSecurityLevel } from '../policy/pod-security';
import { checkInteger, checkOneOf, checkString } from './validate';
import { sameCopies } from './copies';
import { HardenedPod, IHardenedWorkload } from './hardened-pod';
import { checkJobRun, HardenedJobProps, JOB_NO_PORTS } from './hardened-job';

export interface HardenedCronJobProps extends HardenedJobProps {
  /** When to run: five cron fields (`"0 3 * * *"`, `"*\/15 * * * MON-FRI"`) or a macro (`@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`). */
  readonly schedule: string;
  /** IANA time zone of the schedule, e.g. `Europe/Berlin`. @default - the controller's, UTC on most clusters */
  readonly timeZone?: string;
  /** What to do when a run is due while the previous one still runs: skip it, run both, or replace it. @default 'Forbid' */
  readonly concurrencyPolicy?: 'Forbid' | 'Allow' | 'Replace';
  /** Finished Jobs kept. @asType integer @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** Failed Jobs kept, for their logs. @asType integer @default 1 */
  readonly failedJobsHistoryLimit?: number;
  /**
   * Seconds after its time a missed run may still start; later, it is skipped. This also keeps
   * the controller from giving up on a CronJob that missed more than 100 runs (after an outage).
   * @asType integer @default 600
   */
  readonly startingDeadlineSeconds?: number;
}

/**
 * A CronJob whose runs are HardenedJob runs ({@link checkJobRun}) of the one {@link HardenedPod}:
 * a checked schedule, no overlapping runs by default, bounded history, and no Service or ports.
 */
export class HardenedCronJob extends Construct implements IHardenedWorkload {
  public readonly name: string;
  public readonly namespace: string;
  /** Labels that select this workload's pods (for NetworkPolicies). */
  public readonly selector: Record<string, string>;
  /** Always empty: a CronJob listens on no port. */
  public readonly ports: [] = [];
  /** The Pod Security level the pods need, given their exceptions. */
  public readonly podSecurityNeeded: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: HardenedCronJobProps) {
    super(sameCopies(scope, 'HardenedCronJob'), id);
    const schedule = checkString(this, 'schedule', props.schedule);
    const problem = cronScheduleProblem(schedule);
    if (problem) {
      refuse(this, 'schedule', schedule, problem, 'write five fields, minute hour day-of-month month day-of-week, e.g. "0 3 * * *", or a macro such as "@daily"');
    }
    const timeZone = props.timeZone === undefined ? undefined : checkTimeZone(this, props.timeZone);
    const concurrencyPolicy = checkOneOf(this, 'concurrencyPolicy', props.concurrencyPolicy ?? 'Forbid', ['Forbid', 'Allow', 'Replace'] as const);
    const successfulJobsHistoryLimit = checkInteger(this, 'successfulJobsHistoryLimit', props.successfulJobsHistoryLimit ?? 3, 0, 100);
    const failedJobsHistoryLimit = checkInteger(this, 'failedJobsHistoryLimit', props.failedJobsHistoryLimit ?? 1, 0, 100);
    // The controller looks every 10 seconds: a shorter deadline can skip runs that were on time.
    const startingDeadlineSeconds = checkInteger(this, 'startingDeadlineSeconds', props.startingDeadlineSeconds ?? 600, 10, 86400);
    const run = checkJobRun(this, props);
    const pod = new HardenedPod(this, id, props, { noPorts: JOB_NO_PORTS, restartPolicy: run.restartPolicy });
    this.name = pod.name;
    this.namespace = pod.namespace;
    this.selector = pod.selector;
    this.podSecurityNeeded = pod.podSecurityNeeded;
    new k8s.KubeCronJob(this, 'Resource', {
      metadata: pod.metadata(pod.annotations),
      spec: {
        schedule,
        ...(timeZone !== undefined ? { timeZone } : {}),
        concurrencyPolicy,
        startingDeadlineSeconds,
        successfulJobsHistoryLimit,
        failedJobsHistoryLimit,
        jobTemplate: {
          metadata: { labels: pod.labels, annotations: pod.annotations },
          spec: { ...run.spec, template: pod.template },
        },
      },
    });
  }
}

/** An IANA time zone name the runtime knows, e.g. `Europe/Berlin`, `Etc/UTC`. */
function checkTimeZone(scope: Construct, value: unknown): string {
  const zone = checkString(scope, 'timeZone', value);
  let known = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone);
  try {
    if (known) new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    known = false;
  }
  if (!known) refuse(scope, 'timeZone', zone, 'is not an IANA time zone', 'name one from the tz database, e.g. "Europe/Berlin" or "Etc/UTC"');
  return zone;
}
