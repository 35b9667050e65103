import { App, Chart, Testing } from 'cdk8s';
import { TeamAccess, TeamAccessProps, TeamAccessSpec, viewerRules, operatorRules } from '../constructs/team-access';
import { TenantNamespace } from '../constructs/tenant-namespace';
import { checkManifests } from '../policy/gate';
import { canI } from '../policy/rbac';
import { TENANT_KINDS } from '../policy/tenant-kinds';
import { refusalOf } from './refusal';

const NS = 'shop-production';
/** The clock of every test here: exec may be granted until 2026-04-15 at the latest. */
const NOW = new Date('2026-01-15T12:00:00Z');
const EXEC = { reason: 'debugging the checkout incident INC-42', expires: '2026-02-01' };

function build(members: TeamAccessSpec[], extra: Partial<TeamAccessProps> = {}) {
  const app = new App();
  const chart = new Chart(app, 'platform');
  const namespace = new TenantNamespace(chart, 'Namespace', { app: 'shop', environment: 'production' });
  const access = new TeamAccess(chart, 'Access', { namespace, members, now: NOW, ...extra });
  return { access, objects: Testing.synth(chart) };
}

const refusal = (members: unknown, extra: Partial<TeamAccessProps> = {}) => refusalOf(() => build(members as TeamAccessSpec[], extra));

describe('TeamAccess: what each role can do, as the authorizer decides it', () => {
  const { objects } = build([
    { user: 'alice@example.com', role: 'viewer' },
    { group: 'shop-oncall', role: 'operator' },
    { user: 'bob@example.com', role: 'viewer', exec: EXEC },
  ], { oidc: { usernamePrefix: 'oidc:', groupsPrefix: 'oidc:' } });
  const alice = 'oidc:alice@example.com';
  const bob = 'oidc:bob@example.com';
  // A member of the on-call group, as the API server authenticates them.
  const carol = 'oidc:carol@example.com';
  const oncall = { groups: ['oidc:shop-oncall', 'system:authenticated'] };

  test('a viewer reads pod logs, lists deployments, events and replicasets, and nothing of another namespace', () => {
    expect(canI(objects, alice, 'get', '', 'pods/log', NS)).toBe(true);
    expect(canI(objects, alice, 'list', 'apps', 'deployments', NS)).toBe(true);
    expect(canI(objects, alice, 'watch', 'apps', 'replicasets', NS)).toBe(true);
    expect(canI(objects, alice, 'list', '', 'events', NS)).toBe(true);
    expect(canI(objects, alice, 'list', 'events.k8s.io', 'events', NS)).toBe(true);
    expect(canI(objects, alice, 'get', '', 'configmaps', NS)).toBe(true);
    expect(canI(objects, alice, 'get', '', 'pods/log', 'shop-staging')).toBe(false);
    expect(canI(objects, alice, 'list', 'apps', 'deployments')).toBe(false);
  });

  test('a viewer cannot read Secrets, exec, attach, port-forward, patch, scale or delete', () => {
    for (const verb of ['get', 'list', 'watch']) expect([verb, canI(objects, alice, verb, '', 'secrets', NS)]).toEqual([verb, false]);
    for (const resource of ['pods/exec', 'pods/attach', 'pods/portforward']) {
      for (const verb of ['create', 'get']) expect([verb, resource, canI(objects, alice, verb, '', resource, NS)]).toEqual([verb, resource, false]);
    }
    expect(canI(objects, alice, 'patch', 'apps', 'deployments', NS)).toBe(false);
    expect(canI(objects, alice, 'update', 'apps', 'deployments/scale', NS)).toBe(false);
    expect(canI(objects, alice, 'delete', '', 'pods', NS)).toBe(false);
  });

  test('an operator (through the group) restarts and scales Deployments and StatefulSets and deletes a pod', () => {
    // kubectl rollout restart: a patch of the Deployment's pod template annotations.
    expect(canI(objects, carol, 'patch', 'apps', 'deployments', NS, oncall)).toBe(true);
    expect(canI(objects, carol, 'patch', 'apps', 'statefulsets', NS, oncall)).toBe(true);
    // kubectl scale: the scale subresource.
    for (const verb of ['get', 'update', 'patch']) {
      expect([verb, canI(objects, carol, verb, 'apps', 'deployments/scale', NS, oncall)]).toEqual([verb, true]);
      expect([verb, canI(objects, carol, verb, 'apps', 'statefulsets/scale', NS, oncall)]).toEqual([verb, true]);
    }
    expect(canI(objects, carol, 'delete', '', 'pods', NS, oncall)).toBe(true);
    expect(canI(objects, carol, 'get', '', 'pods/log', NS, oncall)).toBe(true);
  });

  test('an operator cannot read Secrets, exec, create or delete workloads, wipe pods at once, or touch RBAC', () => {
    expect(canI(objects, carol, 'get', '', 'secrets', NS, oncall)).toBe(false);
    expect(canI(objects, carol, 'create', '', 'pods/exec', NS, oncall)).toBe(false);
    expect(canI(objects, carol, 'create', 'apps', 'deployments', NS, oncall)).toBe(false);
    expect(canI(objects, carol, 'delete', 'apps', 'deployments', NS, oncall)).toBe(false);
    expect(canI(objects, carol, 'deletecollection', '', 'pods', NS, oncall)).toBe(false);
    expect(canI(objects, carol, 'create', 'batch', 'jobs', NS, oncall)).toBe(false);
    expect(canI(objects, carol, 'patch', 'apps', 'daemonsets', NS, oncall)).toBe(false);
    expect(canI(objects, carol, 'bind', 'rbac.authorization.k8s.io', 'roles', NS, oncall)).toBe(false);
    expect(canI(objects, carol, 'patch', 'rbac.authorization.k8s.io', 'roles', NS, oncall)).toBe(false);
    expect(canI(objects, carol, 'patch', '', 'namespaces', NS, oncall)).toBe(false);
  });

  test('the exec holder can create pods/exec and nothing more of it (no attach, port-forward or WebSocket get)', () => {
    expect(canI(objects, bob, 'create', '', 'pods/exec', NS)).toBe(true);
    expect(canI(objects, bob, 'get', '', 'pods/exec', NS)).toBe(false);
    expect(canI(objects, bob, 'create', '', 'pods/attach', NS)).toBe(false);
    expect(canI(objects, bob, 'create', '', 'pods/portforward', NS)).toBe(false);
    expect(canI(objects, bob, 'create', '', 'pods/exec', 'shop-staging')).toBe(false);
    // Without the prefix the API server adds, the name is someone else.
    expect(canI(objects, 'bob@example.com', 'create', '', 'pods/exec', NS)).toBe(false);
  });

  test('the exec holder can exec until the expiry, and the gate fails from that day on', () => {
    const gateAt = (iso: string) => checkManifests(objects, { now: new Date(iso) });
    expect(gateAt('2026-01-31T23:59:59Z').failures).toEqual([]);
    const after = gateAt('2026-02-01T00:00:00Z').failures;
    expect(after.map(f => [f.rule, f.object, f.field])).toEqual([
      ['rbac.exec-expiry', expect.stringMatching(/^Role shop-production\/team-exec-[0-9a-f]{10}$/), 'metadata.annotations.guardrails.cdk8s.io/expires'],
    ]);
    expect(after[0].message).toMatch(/"2026-02-01" has passed.*to User oidc:bob@example.com in shop-production/);
  });

  test('the set passes the gate: the exec warning is excused by its exception, which the report counts', () => {
    const gate = checkManifests(objects, { now: NOW });
    expect(gate.failures).toEqual([]);
    expect(gate.warnings).toEqual([]);
    expect(gate.waived.map(f => [f.rule, f.waiver])).toEqual([['rbac.pod-exec', EXEC.reason]]);
    expect(gate.departures.filter(d => d.annotation.endsWith('pods-exec')).map(d => d.excuses)).toEqual([1]);
  });
});

describe('TeamAccess: the roles it writes', () => {
  test('a Role and a RoleBinding per role held, the exec Role per person, with subjects prefixed', () => {
    const { objects } = build([
      { user: 'alice@example.com', role: 'viewer' },
      { group: 'shop-readers', role: 'viewer' },
      { group: 'shop-oncall', role: 'operator', exec: EXEC },
    ], { oidc: { usernamePrefix: 'oidc:', groupsPrefix: 'corp:' } });
    const rbac = objects.filter(o => o.kind === 'Role' || o.kind === 'RoleBinding');
    expect(rbac.map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      `Role ${NS}/team-viewer`, `RoleBinding ${NS}/team-viewer`,
      `Role ${NS}/team-operator`, `RoleBinding ${NS}/team-operator`,
      expect.stringMatching(/^Role shop-production\/team-exec-[0-9a-f]{10}$/), expect.stringMatching(/^RoleBinding shop-production\/team-exec-[0-9a-f]{10}$/),
    ]);
    const binding = (name: string) => rbac.find(o => o.kind === 'RoleBinding' && o.metadata.name.startsWith(name))!;
    expect(binding('team-viewer').subjects).toEqual([
      { kind: 'User', name: 'oidc:alice@example.com', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'Group', name: 'corp:shop-readers', apiGroup: 'rbac.authorization.k8s.io' },
    ]);
    expect(binding('team-operator').subjects).toEqual([{ kind: 'Group', name: 'corp:shop-oncall', apiGroup: 'rbac.authorization.k8s.io' }]);
    const execRole = rbac.find(o => o.kind === 'Role' && o.metadata.name.startsWith('team-exec-'))!;
    expect(execRole.rules).toEqual([{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }]);
    expect(execRole.metadata.annotations).toEqual({
      'guardrails.cdk8s.io/exception.pods-exec': EXEC.reason,
      'guardrails.cdk8s.io/expires': '2026-02-01',
    });
    expect(binding('team-exec-').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: execRole.metadata.name });
    expect(binding('team-exec-').subjects).toEqual([{ kind: 'Group', name: 'corp:shop-oncall', apiGroup: 'rbac.authorization.k8s.io' }]);
  });

  test('without prefixes the names are bound as written; a role nobody holds is not written', () => {
    const { objects } = build([{ group: 'shop-oncall', role: 'operator' }]);
    expect(objects.filter(o => o.kind === 'RoleBinding').map(o => [o.metadata.name, o.subjects[0].name])).toEqual([['team-operator', 'shop-oncall']]);
  });

  test('the exec Role name is stable for a person and differs between people', () => {
    const nameOf = (m: TeamAccessSpec) => build([m]).access.grants[0].exec!.role;
    expect(nameOf({ user: 'a@example.com', role: 'viewer', exec: EXEC })).toBe(nameOf({ user: 'a@example.com', role: 'operator', exec: { ...EXEC, expires: '2026-03-01' } }));
    expect(nameOf({ user: 'a@example.com', role: 'viewer', exec: EXEC })).not.toBe(nameOf({ user: 'b@example.com', role: 'viewer', exec: EXEC }));
    expect(nameOf({ user: 'a@example.com', role: 'viewer', exec: EXEC })).not.toBe(nameOf({ group: 'a@example.com', role: 'viewer', exec: EXEC }));
  });

  test('no rule names Secrets or a wildcard, and the viewer reads every tenant kind', () => {
    for (const rules of [viewerRules(), operatorRules()]) {
      const flat = rules.flatMap(r => [...r.apiGroups, ...r.resources, ...r.verbs]);
      expect(flat.filter(x => x.includes('*'))).toEqual([]);
      expect(rules.filter(r => r.apiGroups.includes('') && r.resources.includes('secrets'))).toEqual([]);
      expect(rules.flatMap(r => r.verbs).filter(v => ['escalate', 'bind', 'impersonate', 'deletecollection', 'create'].includes(v))).toEqual([]);
    }
    for (const { group, resource } of Object.values(TENANT_KINDS)) {
      expect([resource, viewerRules().some(r => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes('list'))]).toEqual([resource, true]);
    }
  });
});

describe('TeamAccess refuses', () => {
  test.each<[string, unknown, RegExp]>([
    ['no member', [], /members: must list at least one person or group/],
    ['members that are not a list', { user: 'a', role: 'viewer' }, /members: must list at least one/],
    ['both user and group', [{ user: 'a@example.com', group: 'g', role: 'viewer' }], /members\[0\]: must name exactly one of user and group/],
    ['neither user nor group', [{ role: 'viewer' }], /members\[0\]: must name exactly one of user and group/],
    ['an unknown field (a typo of role)', [{ user: 'a@example.com', rol: 'viewer' }], /members\[0\]\.rol: is not a field of an access entry/],
    ['an unknown field set through JSON __proto__', JSON.parse('[{"user":"a@example.com","role":"viewer","__proto__":{"role":"admin"}}]'), /members\[0\]\.__proto__: is not a field/],
    ['an unknown role', [{ user: 'a@example.com', role: 'admin' }], /members\[0\]\.role: must be one of viewer, operator/],
    ['a missing role', [{ user: 'a@example.com' }], /members\[0\]\.role: must be one of viewer, operator/],
    ['an empty user', [{ user: '', role: 'viewer' }], /members\[0\]\.user: must not be empty/],
    ['a user that is not a string', [{ user: 42, role: 'viewer' }], /members\[0\]\.user: must be a string/],
    ['a system: group (everyone)', [{ group: 'system:authenticated', role: 'viewer' }], /members\[0\]\.group: starts with "system:"/],
    ['a system: group in another case', [{ group: 'SYSTEM:masters', role: 'operator' }], /starts with "system:"/],
    ['a system: user', [{ user: 'system:anonymous', role: 'viewer' }], /members\[0\]\.user: starts with "system:"/],
    ['a wildcard', [{ group: '*', role: 'viewer' }], /members\[0\]\.group: holds "\*"/],
    ['a zero-width space', [{ user: 'alice\u200b@example.com', role: 'viewer' }], /invisible or control character/],
    ['a right-to-left override', [{ group: 'shop-\u202eoncall', role: 'viewer' }], /invisible or control character/],
    ['a trailing space', [{ user: 'alice@example.com ', role: 'viewer' }], /starts or ends with a space/],
    ['the same person twice', [{ user: 'a@example.com', role: 'viewer' }, { user: 'a@example.com', role: 'operator' }], /members\[1\]\.user: is already listed at members\[0\]/],
    ['exec without a reason', [{ user: 'a@example.com', role: 'viewer', exec: { expires: '2026-02-01' } }], /members\[0\]\.exec\.reason: an exception needs a reason/],
    ['exec with a short reason', [{ user: 'a@example.com', role: 'viewer', exec: { reason: 'debug', expires: '2026-02-01' } }], /exec\.reason/],
    ['exec without an expiry', [{ user: 'a@example.com', role: 'viewer', exec: { reason: EXEC.reason } }], /exec\.expires: is undefined, not a date/],
    ['exec that expired', [{ user: 'a@example.com', role: 'viewer', exec: { ...EXEC, expires: '2026-01-15' } }], /exec\.expires: has passed .*no later than 2026-04-15/],
    ['exec more than 90 days ahead', [{ user: 'a@example.com', role: 'viewer', exec: { ...EXEC, expires: '2026-04-16' } }], /more than 90 days ahead/],
    ['exec until a day the calendar does not have', [{ user: 'a@example.com', role: 'viewer', exec: { ...EXEC, expires: '2026-02-30' } }], /not a day of the calendar/],
    ['exec until 2027-02-30', [{ user: 'a@example.com', role: 'viewer', exec: { ...EXEC, expires: '2027-02-30' } }], /not a day of the calendar/],
    ['exec until a date in another spelling', [{ user: 'a@example.com', role: 'viewer', exec: { ...EXEC, expires: '01/02/2026' } }], /not a date written as "YYYY-MM-DD"/],
    ['exec with an unknown field', [{ user: 'a@example.com', role: 'viewer', exec: { ...EXEC, attach: true } }], /exec\.attach: is not a field of exec/],
    ['exec that is not an object', [{ user: 'a@example.com', role: 'viewer', exec: true }], /exec: must be an object/],
  ])('%s', (_, members, message) => {
    const e = refusal(members);
    expect(e.message).toMatch(message);
    expect(e.path).toBe('platform/Access');
    expect(e.message).toContain('Fix: ');
  });

  test.each<[string, unknown, RegExp]>([
    ['a system: username prefix', { usernamePrefix: 'system:' }, /oidc\.usernamePrefix: starts with "system:"/],
    ['"-" (the API server flag for no prefix)', { groupsPrefix: '-' }, /oidc\.groupsPrefix: is "-"/],
    ['an unknown field', { userPrefix: 'oidc:' }, /oidc\.userPrefix: is not a field of oidc/],
    ['a prefix with a hidden character', { usernamePrefix: 'oidc\u200b:' }, /invisible or control character/],
  ])('an OIDC setting: %s', (_, oidc, message) => {
    expect(refusal([{ user: 'a@example.com', role: 'viewer' }], { oidc: oidc as any }).message).toMatch(message);
  });

  test('an invalid clock', () => {
    expect(refusal([{ user: 'a@example.com', role: 'viewer' }], { now: new Date('no') }).message).toMatch(/now: must be a valid Date/);
  });
});
