import { Testing } from 'cdk8s';
import { HardenedCronJob, HardenedCronJobProps } from '../constructs/hardened-cronjob';
import { cronScheduleProblem } from '../policy/cron';
import { checkManifests } from '../policy/gate';
import { refusalOf } from './refusal';
import { environment, IMAGE, only } from './support/workloads';
import '../testing';

type Props = Omit<HardenedCronJobProps, 'namespace'>;

function build(props: Partial<Props> = {}) {
  const env = environment();
  new HardenedCronJob(env.chart, 'report', { namespace: env.namespace, image: IMAGE, schedule: '0 3 * * *', ...props });
  return { ...env, objects: Testing.synth(env.chart) };
}
const refusal = (props: Partial<Props> | Record<string, unknown>) => {
  const env = environment();
  return refusalOf(() => new HardenedCronJob(env.chart, 'report', { namespace: env.namespace, image: IMAGE, schedule: '0 3 * * *', ...props }));
};

describe('HardenedCronJob: defaults', () => {
  test('no overlapping runs, a 10-minute start deadline, 3 successful and 1 failed Job kept, the Job defaults for each run', () => {
    const { objects } = build();
    expect(objects.map(o => o.kind).sort()).toEqual(['CronJob', 'ServiceAccount']);
    const cron = only(objects, 'CronJob');
    expect(cron.spec).toMatchObject({
      schedule: '0 3 * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 600, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
    });
    expect(cron.spec.timeZone).toBeUndefined();
    expect(cron.spec.jobTemplate.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'report' });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 });
    expect(cron.spec.jobTemplate.spec.template.spec).toMatchObject({ restartPolicy: 'Never', serviceAccountName: 'report', automountServiceAccountToken: false });
    expect(objects).toMeetPodSecurity('restricted');
  });

  test('schedule settings are taken as given', () => {
    const { objects } = build({
      schedule: '@hourly', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Replace', startingDeadlineSeconds: 30,
      successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 5, backoffLimit: 1,
    });
    expect(only(objects, 'CronJob').spec).toMatchObject({
      schedule: '@hourly', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Replace', startingDeadlineSeconds: 30,
      successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 5, jobTemplate: { spec: { backoffLimit: 1 } },
    });
  });
});

describe('cron schedules', () => {
  test.each(['*/15 * * * *', '0 3 * * MON-FRI', '0 0 1 jan,jul *', '5,35 8-18/2 ? * 7', '@daily', '@weekly', '@yearly', '@annually', '@monthly', '@midnight'])(
    'accepts %j', schedule => expect(cronScheduleProblem(schedule)).toBeUndefined());

  test.each([
    ['* * * *', 'has 4 fields, not the 5 of minute, hour, day of month, month and day of week'],
    ['60 * * * *', 'has minute "60"'],
    ['0 24 * * *', 'has hour "24"'],
    ['0 0 0 * *', 'has day of month "0"'],
    ['0 0 * 13 *', 'has month "13"'],
    ['0 0 * * 8', 'has day of week "8"'],
    ['? * * * *', 'has minute "?"'],
    ['5-1 * * * *', 'has minute "5-1"'],
    ['*/0 * * * *', 'with a bad step'],
    ['@every 5m', 'is not one of the macros'],
    ['TZ=Europe/Berlin 0 3 * * *', 'set timeZone instead'],
  ])('refuses %j', (schedule, problem) => expect(cronScheduleProblem(schedule)).toContain(problem));
});

describe('HardenedCronJob: refusals name the field and the fix', () => {
  test.each([
    [{ schedule: 'daily' }, /^\[test\/report\] schedule: has 1 field, not the 5 .*Fix: write five fields, minute hour day-of-month month day-of-week/],
    [{ schedule: undefined }, /^\[test\/report\] schedule: must be a non-empty string/],
    [{ timeZone: 'Mars/Olympus' }, /^\[test\/report\] timeZone: is not an IANA time zone.*Fix: name one from the tz database/],
    [{ concurrencyPolicy: 'Queue' }, /^\[test\/report\] concurrencyPolicy: must be one of Forbid, Allow, Replace/],
    [{ startingDeadlineSeconds: 5 }, /^\[test\/report\] startingDeadlineSeconds: must be a whole number from 10 to 86400/],
    [{ successfulJobsHistoryLimit: 101 }, /^\[test\/report\] successfulJobsHistoryLimit: must be a whole number from 0 to 100/],
    [{ failedJobsHistoryLimit: -1 }, /^\[test\/report\] failedJobsHistoryLimit: must be a whole number from 0 to 100/],
    [{ backoffLimit: 1000 }, /^\[test\/report\] backoffLimit: must be a whole number from 0 to 100/],
    [{ ports: [{ name: 'http', port: 80 }] }, /^\[test\/report\] ports: must be empty: a Job has no Service/],
  ])('%j', (props, message) => {
    expect(refusal(props as Partial<Props>).message).toMatch(message);
  });
});

describe('HardenedCronJob: the gate', () => {
  test('passes with its namespace, network and deployer, which may create cronjobs', () => {
    const env = build();
    const deployer = env.deployer();
    expect(checkManifests(env.app.charts.flatMap(c => c.toJson())).failures).toEqual([]);
    expect(env.app).toPassGuardrails();
    expect(env.app).toGrant(deployer, 'create', 'cronjobs.batch', 'shop-production');
  });
});
