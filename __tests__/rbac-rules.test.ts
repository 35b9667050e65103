import { buildReport } from '../compiler/report';
import { checkManifests } from '../policy';
import { both, check, Fixture, Json, manifests, NS } from './fixtures/baseline';

// The RBAC rules as a whole: what a tenant's usual attempts add up to, where the findings sit so
// that one departure on the right object excuses exactly them, and what the report shows.

const G = 'rbac.authorization.k8s.io';
const rbacRules = (findings: { rule: string }[]) => [...new Set(findings.map(f => f.rule).filter(r => r.startsWith('rbac.')))].sort();
const bindTo = (name: string) => (f: Fixture) => { f.roleBinding.roleRef = { apiGroup: G, kind: 'ClusterRole', name }; };

test('a RoleBinding of a tenant ServiceAccount to the built-in cluster-admin, in its own namespace, is found by every right it hands out', () => {
  const result = check(bindTo('cluster-admin'));
  expect(rbacRules(result.failures)).toEqual(['rbac.escalation', 'rbac.own-namespace', 'rbac.secrets-access', 'rbac.token-minting']);
  expect(rbacRules(result.warnings)).toEqual(['rbac.pod-exec']);
  for (const f of result.findings.filter(f => f.rule.startsWith('rbac.'))) expect([f.object, f.field]).toEqual([`RoleBinding ${NS}/api`, 'subjects[0]']);
});

test('a RoleBinding to the built-in edit: escalation (impersonating service accounts), Secrets, tokens and exec', () => {
  const result = check(bindTo('edit'));
  expect(rbacRules(result.findings)).toEqual(['rbac.escalation', 'rbac.pod-exec', 'rbac.secrets-access', 'rbac.token-minting']);
});

test('a RoleBinding to the built-in view in its own namespace is fine', () => {
  expect(rbacRules(check(bindTo('view')).findings)).toEqual([]);
});

test('a tenant ClusterRole labelled aggregate-to-view is found on the role, and on every binding of view that it widens', () => {
  const result = check(both(bindTo('view'), f => f.extra.push({
    apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name: 'sneaky', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
    rules: [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }],
  })));
  expect(result.failures.filter(f => f.rule.startsWith('rbac.')).map(f => [f.rule, f.object])).toEqual([
    ['rbac.token-minting', `RoleBinding ${NS}/api`],
    ['rbac.aggregation', 'ClusterRole sneaky'],
  ]);
});

test('a waiver on the granting binding excuses its findings there, and only there', () => {
  const waive = (f: Fixture) => { f.roleBinding.metadata.annotations = { 'guardrails.cdk8s.io/waive.rbac.pod-exec': 'on-call debugging of the payment queue' }; };
  const result = check(both(f => { f.role.rules.push({ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }); }, waive));
  expect(result.waived.map(f => [f.rule, f.object])).toEqual([['rbac.pod-exec', `RoleBinding ${NS}/api`]]);
  expect(result.warnings).toEqual([]);
});

test('the ScopedDeployer\'s secrets exception on its Role excuses rbac.secrets-access, and nothing else', () => {
  const result = check(f => {
    f.role.rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create'] });
    f.role.metadata.annotations = { 'guardrails.cdk8s.io/exception.secrets': 'applies the TLS Secret rendered by the release pipeline' };
  });
  expect(result.waived.map(f => [f.rule, f.object, f.field])).toEqual([['rbac.secrets-access', `Role ${NS}/api`, 'rules[1]']]);
  expect(result.failures).toEqual([]);
});

test('own-namespace findings cannot be waived: the waiver is itself an error', () => {
  const result = check(f => {
    f.role.rules.push({ apiGroups: [''], resources: ['namespaces'], verbs: ['patch'] });
    f.roleBinding.metadata.annotations = { 'guardrails.cdk8s.io/waive.rbac.own-namespace': 'we relabel namespaces ourselves, trust us' };
  });
  expect(result.failures.map(f => f.rule).sort()).toEqual(['rbac.own-namespace', 'waiver.valid']);
});

test('subjects a tenant may try instead of its ServiceAccount are judged the same', () => {
  const subjects: Json[] = [
    { kind: 'User', name: `system:serviceaccount:${NS}:api`, apiGroup: G },
    { kind: 'Group', name: `system:serviceaccounts:${NS}`, apiGroup: G },
    { kind: 'Group', name: 'system:serviceaccounts', apiGroup: G },
    { kind: 'Group', name: 'system:authenticated', apiGroup: G },
    { kind: 'Group', name: 'system:unauthenticated', apiGroup: G },
    { kind: 'User', name: 'system:anonymous', apiGroup: G },
  ];
  for (const subject of subjects) {
    const result = check(f => { f.roleBinding.subjects = [subject]; f.role.rules.push({ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }); });
    expect([subject.name, result.failures.some(f => f.rule === 'rbac.token-minting')]).toEqual([subject.name, true]);
  }
});

test('a set that breaks the RBAC objects never crashes the rules', () => {
  const broken: Json[] = [
    { apiVersion: `${G}/v1`, kind: 'Role', metadata: { name: 'x', namespace: NS }, rules: 'everything' },
    { apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name: 'y' }, rules: [null, 5, { verbs: { a: 1 } }], aggregationRule: 'all' },
    { apiVersion: `${G}/v1`, kind: 'RoleBinding', metadata: { name: 'z', namespace: NS }, roleRef: 'x', subjects: [null, 'api'] },
    { apiVersion: `${G}/v1`, kind: 'ClusterRoleBinding', metadata: { name: 'w' }, roleRef: { kind: 'ClusterRole', name: ['y'] }, subjects: { kind: 'User' } },
    { apiVersion: `${G}/v1`, kind: 'ClusterRoleBinding', metadata: { name: '__proto__' }, roleRef: { kind: 'ClusterRole', name: 'constructor' }, subjects: [{ kind: 'User', name: 'toString' }] },
  ];
  const result = checkManifests([...manifests(), ...broken]);
  expect(rbacRules(result.failures)).toEqual(expect.arrayContaining(['rbac.invalid-rule', 'rbac.role-ref', 'rbac.subject']));
});

test('the report shows what built-in and aggregated roles grant', () => {
  const objects = manifests(bindTo('edit'));
  const report = buildReport(objects, checkManifests(objects));
  const grants = report.serviceAccounts.find(a => a.serviceAccount === `${NS}:api`)!.can.find(c => c.where === NS)!.grants;
  expect(grants).toContain('secrets: get, list, watch, create, update, patch, delete, deletecollection');
  expect(grants).toContain('serviceaccounts: get, list, watch, create, update, patch, delete, deletecollection, impersonate');
  expect(grants).toContain('namespaces: get, watch');
});

test('the report marks grants limited to named objects', () => {
  const objects = manifests(f => { f.role.rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['tls'] }); });
  const report = buildReport(objects, checkManifests(objects));
  const grants = report.serviceAccounts.find(a => a.serviceAccount === `${NS}:api`)!.can.find(c => c.where === NS)!.grants;
  expect(grants).toContain('secrets: get (named objects only)');
});
