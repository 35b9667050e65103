import { Testing } from 'cdk8s';
import { HardenedJob, HardenedJobProps } from '../constructs/hardened-job';
import { HardenedCronJob } from '../constructs/hardened-cronjob';
import { checkManifests } from '../policy/gate';
import { refusalOf } from './refusal';
import { environment, IMAGE, only } from './support/workloads';
import '../testing';

type Props = Omit<HardenedJobProps, 'namespace'>;

function build(props: Partial<Props> = {}) {
  const env = environment();
  new HardenedJob(env.chart, 'migrate', { namespace: env.namespace, image: IMAGE, ...props });
  return { ...env, objects: Testing.synth(env.chart) };
}
const refusal = (props: Partial<Props> | Record<string, unknown>) => {
  const env = environment();
  return refusalOf(() => new HardenedJob(env.chart, 'migrate', { namespace: env.namespace, image: IMAGE, ...props }));
};

describe('HardenedJob: defaults', () => {
  test('three retries within an hour, cleaned up after a day, restartPolicy Never; a Job and its ServiceAccount, no Service', () => {
    const { objects } = build();
    expect(objects.map(o => o.kind).sort()).toEqual(['Job', 'ServiceAccount']);
    const job = only(objects, 'Job');
    expect(job.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 });
    expect(job.spec.selector).toBeUndefined();
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'migrate' });
  });

  test('its pod is the hardened pod (restricted, no token, no readiness probe without ports)', () => {
    const { objects } = build();
    const pod = only(objects, 'Job').spec.template;
    expect(pod.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'migrate' });
    expect(pod.spec).toMatchObject({ serviceAccountName: 'migrate', automountServiceAccountToken: false, enableServiceLinks: false });
    expect(pod.spec.containers[0].readinessProbe).toBeUndefined();
    expect(only(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(objects).toMeetPodSecurity('restricted');
  });

  test('run settings are taken as given; OnFailure restarts the container in its pod', () => {
    const { objects } = build({ backoffLimit: 0, activeDeadlineSeconds: 60, ttlSecondsAfterFinished: 0, restartPolicy: 'OnFailure' });
    const job = only(objects, 'Job');
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 60, ttlSecondsAfterFinished: 0 });
    expect(job.spec.template.spec.restartPolicy).toBe('OnFailure');
  });

  test('exceptions are written on the Job and its pods', () => {
    const env = environment('baseline');
    new HardenedJob(env.chart, 'migrate', { namespace: env.namespace, image: IMAGE, exceptions: { runAsRoot: { reason: 'the migration tool insists on UID 0' } } });
    const job = only(Testing.synth(env.chart), 'Job');
    expect(job.metadata.annotations).toEqual({ 'guardrails.cdk8s.io/exception.run-as-root': 'the migration tool insists on UID 0' });
    expect(job.spec.template.metadata.annotations).toEqual(job.metadata.annotations);
  });
});

describe('HardenedJob: refusals name the field and the fix', () => {
  test.each([
    [{ ports: [{ name: 'http', port: 8080 }] }, /^\[test\/migrate\] ports: must be empty: a Job has no Service and nothing calls it.*Fix: remove ports/],
    [{ backoffLimit: -1 }, /^\[test\/migrate\] backoffLimit: must be a whole number from 0 to 100.*Fix: set backoffLimit/],
    [{ activeDeadlineSeconds: 0 }, /^\[test\/migrate\] activeDeadlineSeconds: must be a whole number from 1 to 604800/],
    [{ ttlSecondsAfterFinished: 1e9 }, /^\[test\/migrate\] ttlSecondsAfterFinished: must be a whole number from 0 to 604800/],
    [{ restartPolicy: 'Always' }, /^\[test\/migrate\] restartPolicy: must be one of Never, OnFailure.*Fix: choose one of Never, OnFailure/],
    [{ image: 'migrate:latest' }, /^\[test\/migrate\] image: is not pinned by digest/],
  ])('%j', (props, message) => {
    expect(refusal(props as Partial<Props>).message).toMatch(message);
  });
});

describe('HardenedJob: parallelism and completions', () => {
  test('left out unless set, so Jobs written before them keep their manifests', () => {
    const job = only(build().objects, 'Job');
    expect(job.spec.parallelism).toBeUndefined();
    expect(job.spec.completions).toBeUndefined();
  });

  test('are written as given, and the Job still passes the gate', () => {
    const env = build({ parallelism: 4, completions: 20 });
    expect(only(env.objects, 'Job').spec).toMatchObject({ parallelism: 4, completions: 20 });
    expect(env.app).toPassGuardrails();
  });

  test.each([
    [{ parallelism: 0 }, /parallelism: must be a whole number from 1 to 100.*Fix: set parallelism to an integer in that range; for more pods, split the work/],
    [{ parallelism: 101 }, /parallelism: must be a whole number from 1 to 100/],
    [{ completions: 2.5 }, /completions: must be a whole number from 1 to 100/],
    [{ completions: '3' }, /completions: must be a whole number from 1 to 100 \(got "3"\)/],
    [{ parallelism: 5, completions: 3 }, /parallelism: is above completions \(3\).*Fix: set parallelism to at most 3, or raise completions/],
  ])('refuses %j', (props, message) => {
    expect(refusal(props as Partial<Props>).message).toMatch(message);
  });

  test('a CronJob\'s runs take them in its job template', () => {
    const env = environment();
    new HardenedCronJob(env.chart, 'report', { namespace: env.namespace, image: IMAGE, schedule: '@daily', parallelism: 2, completions: 2 });
    expect(only(Testing.synth(env.chart), 'CronJob').spec.jobTemplate.spec).toMatchObject({ parallelism: 2, completions: 2 });
    expect(refusalOf(() => new HardenedCronJob(env.chart, 'other', { namespace: env.namespace, image: IMAGE, schedule: '@daily', parallelism: 200 })).message)
      .toMatch(/\[test\/other\] parallelism: must be a whole number from 1 to 100/);
  });
});

describe('HardenedJob: the gate', () => {
  test('passes with its namespace, network and deployer, which may create jobs', () => {
    const env = build({ env: { TARGET: 'db' } });
    const deployer = env.deployer();
    expect(checkManifests(env.app.charts.flatMap(c => c.toJson())).failures).toEqual([]);
    expect(env.app).toPassGuardrails();
    expect(env.app).toGrant(deployer, 'create', 'jobs.batch', 'shop-production');
  });
});
