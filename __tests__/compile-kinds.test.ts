import { AppSpec, ServiceSpec } from '../compiler/app-spec';
import { compile } from '../compiler/compile';
import { checkManifests } from '../policy/gate';
import { IMAGE } from './support/workloads';
import '../testing';

const http = [{ name: 'http', port: 8080 }];

/** One service of each kind, calling each other; the DaemonSet needs a baseline environment. */
function kinds(edit: (services: Record<string, any>) => void = () => undefined, podSecurity: 'baseline' | 'restricted' = 'baseline'): AppSpec {
  const services: Record<string, ServiceSpec> = {
    web: { image: IMAGE, ports: http, replicas: { production: 2 }, calls: ['db', 'agent'] },
    db: { kind: 'StatefulSet', image: IMAGE, ports: [{ name: 'pg', port: 5432 }], replicas: 3, volumeClaimTemplates: [{ name: 'data', mountPath: '/data', size: '1Gi' }], callers: [{ namespace: 'ops' }] },
    migrate: { kind: 'Job', image: IMAGE, calls: ['db'], backoffLimit: 1 },
    report: { kind: 'CronJob', image: IMAGE, schedule: '0 3 * * *', calls: ['db', 'web'], egress: [{ name: 'mail', cidr: '10.9.0.0/24', ports: [{ port: 587 }] }] },
    agent: { kind: 'DaemonSet', image: IMAGE, ports: [{ name: 'metrics', port: 9100 }], calls: ['web'] },
  };
  const spec = JSON.parse(JSON.stringify({
    name: 'kinds', repoURL: 'https://github.com/acme/kinds.git',
    environments: { production: { podSecurity, podSecurityReason: podSecurity === 'baseline' ? 'the node agent DaemonSet runs here' : undefined } },
    services,
  }));
  edit(spec.services);
  return spec;
}

const workloads = (result: ReturnType<typeof compile>) => result.objects.filter(o => o.metadata?.namespace === 'kinds-production');
/** The one object that `test` matches. */
function find(objects: any[], test: (o: any) => boolean): any {
  const found = objects.filter(test);
  expect(found).toHaveLength(1);
  return found[0];
}
const policy = (result: ReturnType<typeof compile>, name: string) => find(result.objects, o => o.kind === 'NetworkPolicy' && o.metadata.name === name);

describe('compile: one service of each kind', () => {
  test('builds each kind as its construct, with no gate failure and restricted pods', () => {
    const result = compile([kinds()]);
    expect(result.errors).toEqual([]);
    const byName = (kind: string) => workloads(result).filter(o => o.kind === kind).map(o => o.metadata.name).sort();
    expect(byName('Deployment')).toEqual(['web']);
    expect(byName('StatefulSet')).toEqual(['db']);
    expect(byName('Job')).toEqual(['migrate']);
    expect(byName('CronJob')).toEqual(['report']);
    expect(byName('DaemonSet')).toEqual(['agent']);
    expect(byName('ServiceAccount')).toEqual(['agent', 'db', 'deployer', 'migrate', 'report', 'web']);
    expect(byName('Service')).toEqual(['agent', 'db', 'web']);
    expect(byName('PodDisruptionBudget')).toEqual(['db', 'web']);
    expect(checkManifests(result.objects).failures).toEqual([]);
    expect(result).toPassGuardrails();
    expect(workloads(result)).toMeetPodSecurity('restricted');
    const labels = find(workloads(result), o => o.kind === 'Job').spec.template.metadata.labels;
    expect(labels).toMatchObject({ 'app.kubernetes.io/name': 'migrate', 'app.kubernetes.io/part-of': 'kinds' });
  });

  test('calls, callers and egress select every kind\'s pods by the same label', () => {
    const result = compile([kinds()]);
    expect(policy(result, 'allow-egress-migrate-to-db').spec).toMatchObject({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'migrate' } },
      egress: [{ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
    });
    expect(policy(result, 'allow-ingress-db-from-report').spec).toMatchObject({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'report' } } }] }],
    });
    expect(policy(result, 'allow-ingress-agent-from-web').spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'agent' } });
    expect(policy(result, 'allow-ingress-web-from-agent').spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'web' } });
    expect(policy(result, 'allow-ingress-db-from-ops').spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'db' } });
    expect(policy(result, 'allow-egress-report-to-mail').spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'report' } });
  });

  test('the deployer may apply each kind (daemonsets in this baseline environment)', () => {
    const role = find(compile([kinds()]).objects, o => o.kind === 'Role' && o.metadata.name === 'deployer');
    expect(role.rules.find((r: any) => r.apiGroups[0] === 'apps').resources).toEqual(['daemonsets', 'deployments', 'statefulsets']);
    expect(role.rules.find((r: any) => r.apiGroups[0] === 'batch').resources).toEqual(['cronjobs', 'jobs']);
  });

  test('the Deployment of a spec without kind is what it was', () => {
    const result = compile([kinds(s => { delete s.agent; s.web.calls = ['db']; }, 'restricted')]);
    expect(result.errors).toEqual([]);
    const web = find(workloads(result), o => o.kind === 'Deployment');
    expect(web.spec).toMatchObject({ replicas: 2, revisionHistoryLimit: 5, selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } });
  });
});

describe('compile: kind-specific fields are refused on other kinds, naming the field and the fix', () => {
  test.each([
    ['replicas on a Job', (s: any) => { s.migrate.replicas = 2; },
      '[apps/kinds/services/migrate] replicas: a Job runs its pod to completion, once; there is nothing to replicate (got 2). Fix: remove replicas, or set kind to "Deployment"'],
    ['replicas on a CronJob', (s: any) => { s.report.replicas = { production: 2 }; },
      '[apps/kinds/services/report] replicas: a CronJob runs one pod per scheduled run; there is nothing to replicate (got {"production":2}). Fix: remove replicas, or set kind to "Deployment"'],
    ['replicas on a DaemonSet', (s: any) => { s.agent.replicas = 3; },
      '[apps/kinds/services/agent] replicas: a DaemonSet runs one pod on every node, however many nodes there are (got 3). Fix: remove replicas, or set kind to "Deployment"'],
    ['ports on a Job', (s: any) => { s.migrate.ports = http; },
      '[apps/kinds/services/migrate] ports: a Job has no Service and nothing calls it (got [{"name":"http","port":8080}]). Fix: remove ports, or set kind to "Deployment"'],
    ['callers of a CronJob', (s: any) => { s.report.callers = [{ namespace: 'ops' }]; },
      '[apps/kinds/services/report] callers: a CronJob listens on no port, so nothing can call it (got [{"namespace":"ops"}]). Fix: remove callers, or set kind to "Deployment"'],
    ['a schedule on a Deployment', (s: any) => { s.web.schedule = '@daily'; },
      '[apps/kinds/services/web] schedule: applies to a CronJob only, and this service is a Deployment (got "@daily"). Fix: remove schedule, or set kind to "CronJob"'],
    ['claims on a Deployment', (s: any) => { s.web.volumeClaimTemplates = []; },
      '[apps/kinds/services/web] volumeClaimTemplates: applies to a StatefulSet only, and this service is a Deployment (got []). Fix: remove volumeClaimTemplates, or set kind to "StatefulSet"'],
    ['backoffLimit on a StatefulSet', (s: any) => { s.db.backoffLimit = 2; },
      '[apps/kinds/services/db] backoffLimit: applies to a Job or CronJob only, and this service is a StatefulSet (got 2). Fix: remove backoffLimit, or set kind to "Job"'],
    ['a CronJob without a schedule', (s: any) => { delete s.report.schedule; },
      '[apps/kinds/services/report] schedule: is required for a CronJob (got nothing). Fix: say when it runs, e.g. schedule: "0 3 * * *" or "@daily"'],
    ['a call to a Job', (s: any) => { s.web.calls = ['migrate']; },
      '[apps/kinds/services/web] calls[0]: is a Job, which listens on no port (got "migrate"). Fix: call a service with ports; a Job may itself call others'],
  ])('%s', (_, edit, error) => {
    const result = compile([kinds(edit)]);
    expect(result.errors).toEqual([error]);
    expect(result.files).toEqual({});
  });

  test('a bad schedule is refused by the CronJob construct, with the fix', () => {
    const result = compile([kinds(s => { s.report.schedule = '0 25 * * *'; })]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/ schedule: has hour "25", which is not "\*", a value in 0-23 or a range of them \(got "0 25 \* \* \*"\)\. Fix: write five fields/);
  });

  test('an unknown kind is refused by the spec schema', () => {
    expect(compile([kinds(s => { s.web.kind = 'ReplicaSet'; })]).errors.join('\n')).toMatch(/services\/web.*kind/);
  });

  test('a DaemonSet in a restricted environment, with the way to allow it', () => {
    const result = compile([kinds(() => undefined, 'restricted')]);
    expect(result.errors).toEqual([
      '[apps/kinds/services/agent] kind: puts a pod on every node, a platform workload that needs an environment of podSecurity "baseline" or "privileged", and environment production enforces "restricted" (got "DaemonSet"). '
      + 'Fix: use kind "Deployment", or give environment production podSecurity "baseline" and a podSecurityReason',
    ]);
  });
});
