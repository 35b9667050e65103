import * as fs from 'fs';
import * as path from 'path';
import { apps, platform } from '../apps';
import { compile } from '../compiler/compile';
import { buildReport, renderMarkdown } from '../compiler/report';
import { checkManifests, RULES } from '../constructs';
import { withRulesTable } from '../compiler/rules-doc';

const result = compile(apps, platform);
const report = buildReport(result.objects, result.gate!);
const REPORTS = path.join(__dirname, '..', 'reports');

test('the committed security report is what the example apps produce', () => {
  expect(fs.readFileSync(path.join(REPORTS, 'security-report.md'), 'utf8')).toBe(renderMarkdown(report));
  expect(JSON.parse(fs.readFileSync(path.join(REPORTS, 'security-report.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
});

test('lists every workload with its namespace level, user, root filesystem, capabilities and digest', () => {
  expect(report.workloads).toHaveLength(44);
  const proxy = report.workloads.find(w => w.namespace === 'edge-production')!;
  expect(proxy).toEqual({
    workload: 'Deployment proxy',
    namespace: 'edge-production',
    enforcedLevel: 'restricted',
    runAsUser: '101',
    readOnlyRootFilesystem: true,
    addedCapabilities: ['NET_BIND_SERVICE'],
    images: [{ container: 'proxy', repository: 'docker.io/nginxinc/nginx-unprivileged:1.27.2-alpine', digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) }],
    exceptions: [{ what: 'capability.NET_BIND_SERVICE', reason: expect.stringContaining(':80 and :443') }],
    waivers: [],
  });
});

test('says what each service account can do where, from canI', () => {
  const deployer = report.serviceAccounts.find(a => a.serviceAccount === 'shop-production:deployer')!;
  expect(deployer.can.map(c => c.where)).toEqual(['shop-production']);
  expect(deployer.can[0].grants).toContain('deployments.apps: get, list, watch, create, update, patch, delete');
  expect(deployer.can[0].grants.join()).not.toMatch(/secrets|pods\/exec|escalate|bind|impersonate/);
  expect(report.serviceAccounts.find(a => a.serviceAccount === 'shop-production:api')!.can).toEqual([]);
});

test('shows a cluster-wide grant and a waiver when the manifests hold them', () => {
  const objects = [
    ...result.objects,
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding',
      metadata: { name: 'reader', annotations: { 'guardrails.cdk8s.io/waive.rbac.cluster-binding': 'the backup agent reads every Secret' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'backup', namespace: 'shop-production' }] },
  ];
  const gate = checkManifests(objects);
  const withGrant = buildReport(objects, gate);
  const backup = withGrant.serviceAccounts.find(a => a.serviceAccount === 'shop-production:backup')!;
  expect(backup.can.find(c => c.where === 'cluster-wide')!.grants).toEqual(['secrets: get']);
  expect(withGrant.findings).toContainEqual(expect.objectContaining({ rule: 'rbac.cluster-binding', waiver: 'the backup agent reads every Secret' }));
  expect(renderMarkdown(withGrant)).toContain('| rbac.cluster-binding | ClusterRoleBinding reader | subjects\\[0\\] |');
  // Reading Secrets everywhere is not waived, so the gate still fails on it.
  expect(gate.failures.map(f => f.rule)).toContain('rbac.secrets-elsewhere');
});

test('lists each namespace\'s Pod Security labels, default deny and allows', () => {
  const shop = report.namespaces.find(n => n.namespace === 'shop-production')!;
  expect(shop.podSecurity).toEqual({ enforce: 'restricted', audit: 'restricted', warn: 'restricted' });
  expect(shop.defaultDeny).toEqual({ ingress: true, egress: true });
  expect(shop.allows).toContainEqual({
    policy: 'allow-egress-api-to-postgres', direction: 'egress', pods: 'app.kubernetes.io/name=api', peers: ['10.40.0.0/24'], ports: ['5432/TCP'],
  });
});

test('lists each AppProject\'s repos, destinations, sync identity and the kinds it may sync', () => {
  expect(report.appProjects.find(p => p.project === 'blog')).toEqual({
    project: 'blog',
    sourceRepos: ['https://github.com/acme/cluster-deploy.git'],
    destinations: ['https://kubernetes.default.svc blog-staging', 'https://kubernetes.default.svc blog-production'],
    syncAs: ['blog-staging: deployer', 'blog-production: deployer'],
    clusterResources: [],
    namespacedKinds: ['Service.', 'ServiceAccount.', 'Deployment.apps', 'PodDisruptionBudget.policy'],
  });
});

test('the README lists every rule of the catalogue with its id, severity, title and fix', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  expect(withRulesTable(readme)).toBe(readme);
  for (const rule of RULES) expect(readme).toContain(`| \`${rule.id}\` | ${rule.severity} |`);
});

test('a cluster-wide reader is one row, and a namespace shows up again only where it can do more', () => {
  const agent = report.serviceAccounts.find(a => a.serviceAccount === 'kubently:agent')!;
  expect(agent.can.map(c => c.where)).toEqual(['cluster-wide']);
  expect(agent.can[0].grants).toContain('pods: get, list, watch');
  const objects = [
    ...result.objects,
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'more', namespace: 'shop-production' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['delete'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'more', namespace: 'shop-production' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'more' },
      subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace: 'kubently' }] },
  ];
  const more = buildReport(objects, checkManifests(objects)).serviceAccounts.find(a => a.serviceAccount === 'kubently:agent')!;
  expect(more.can.map(c => c.where)).toEqual(['cluster-wide', 'shop-production']);
  expect(more.can[1].grants).toContain('configmaps: delete');
});
