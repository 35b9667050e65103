import { AppSpec, definePlatform, PlatformSpec } from '../compiler/app-spec';
import { compile } from '../compiler/compile';
import { buildReport, renderMarkdown } from '../compiler/report';
import { canI } from '../policy/rbac';
import { IMAGE } from './support/workloads';

const NOW = new Date('2026-01-15T12:00:00Z');
const EXEC = { reason: 'debugging the checkout incident INC-42', expires: '2026-02-01' };

function shop(access: unknown, staging?: unknown): AppSpec {
  return JSON.parse(JSON.stringify({
    name: 'shop', repoURL: 'https://github.com/acme/shop.git',
    environments: { production: { access }, staging: staging === undefined ? {} : { access: staging } },
    services: { api: { image: IMAGE, ports: [{ name: 'http', port: 8080 }] } },
  }));
}

const OIDC: PlatformSpec = definePlatform({ oidc: { usernamePrefix: 'oidc:', groupsPrefix: 'oidc:' } });

describe('compile: access for people', () => {
  test('an environment\'s access becomes Roles and RoleBindings in the platform chart, with the platform\'s OIDC prefixes', () => {
    const result = compile([shop([
      { user: 'alice@example.com', role: 'viewer' },
      { group: 'shop-oncall', role: 'operator', exec: EXEC },
    ], [{ group: 'shop-dev', role: 'operator' }])], OIDC, { now: NOW });
    expect(result.errors).toEqual([]);
    const platform = result.files['platform/shop.k8s.yaml'];
    expect(platform).toContain('name: team-viewer');
    // In the platform chart only: the deployer never applies RBAC.
    for (const [file, yaml] of Object.entries(result.files)) {
      if (file.startsWith('apps/')) expect([file, /team-(viewer|operator|exec)/.test(yaml)]).toEqual([file, false]);
    }
    const bindings = result.objects.filter(o => o.kind === 'RoleBinding' && o.metadata.name.startsWith('team-'));
    expect(bindings.map(b => [b.metadata.namespace, b.metadata.name.replace(/[0-9a-f]{10}$/, '<hash>'), b.subjects.map((s: any) => `${s.kind} ${s.name}`)])).toEqual([
      ['shop-production', 'team-viewer', ['User oidc:alice@example.com']],
      ['shop-production', 'team-operator', ['Group oidc:shop-oncall']],
      ['shop-production', 'team-exec-<hash>', ['Group oidc:shop-oncall']],
      ['shop-staging', 'team-operator', ['Group oidc:shop-dev']],
    ]);
    const objects = result.objects;
    expect(canI(objects, 'oidc:alice@example.com', 'list', 'apps', 'deployments', 'shop-production')).toBe(true);
    expect(canI(objects, 'oidc:alice@example.com', 'list', 'apps', 'deployments', 'shop-staging')).toBe(false);
    const dev = { groups: ['oidc:shop-dev', 'system:authenticated'] };
    expect(canI(objects, 'oidc:dana@example.com', 'patch', 'apps', 'deployments/scale', 'shop-staging', dev)).toBe(true);
    expect(canI(objects, 'oidc:dana@example.com', 'create', '', 'pods/exec', 'shop-staging', dev)).toBe(false);
    expect(result.gate!.failures).toEqual([]);
  });

  test('the report lists every person\'s grant under People, with the exec expiry and reason', () => {
    const result = compile([shop([
      { user: 'alice@example.com', role: 'viewer' },
      { group: 'shop-oncall', role: 'operator', exec: EXEC },
    ])], OIDC, { now: NOW });
    const report = buildReport(result.objects, result.gate!);
    expect(report.people.map(p => [p.namespace, p.subject, p.role, p.exec?.expires ?? null])).toEqual([
      ['shop-production', 'Group oidc:shop-oncall', expect.stringMatching(/^Role team-exec-[0-9a-f]{10}$/), '2026-02-01'],
      ['shop-production', 'Group oidc:shop-oncall', 'Role team-operator', null],
      ['shop-production', 'User oidc:alice@example.com', 'Role team-viewer', null],
    ]);
    const exec = report.people[0];
    expect(exec.exec).toEqual({ expires: '2026-02-01', reason: EXEC.reason });
    expect(exec.can).toEqual(['pods/exec: create']);
    expect(report.people[2].can).toContain('pods/log: get, list, watch');
    // Core Secrets never (ExternalSecret and SealedSecret objects, tenant kinds, hold no secret value).
    expect(report.people.flatMap(p => p.can).filter(c => /^secrets[:. ]/.test(c))).toEqual([]);
    expect(report.people[1].can).toContain('deployments.apps: get, list, patch, watch');
    expect(report.summary.people).toBe(3);
    const md = renderMarkdown(report);
    expect(md).toContain('## People');
    expect(md).toMatch(/\| shop-production \| Group oidc:shop-oncall \| Role team-exec-[0-9a-f]{10} \| pods\/exec: create \| until 2026-02-01: debugging the checkout incident INC-42 \|/);
  });

  test('refusals name the environment\'s access entry, the value and the fix', () => {
    const result = compile([shop([{ group: 'system:authenticated', role: 'viewer' }, { user: 'bob@example.com', role: 'viewer', exec: { ...EXEC, expires: '2027-02-30' } }])], OIDC, { now: NOW });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^\[apps\/shop\/environments\/production\] access\[0\]\.group: starts with "system:".*\(got "system:authenticated"\)\. Fix: /);
    const expired = compile([shop([{ user: 'bob@example.com', role: 'viewer', exec: { ...EXEC, expires: '2026-01-10' } }])], OIDC, { now: NOW });
    expect(expired.errors).toEqual([expect.stringMatching(/^\[apps\/shop\/environments\/production\] access\[0\]\.exec\.expires: has passed/)]);
  });

  test('an unknown field of an access entry or of oidc is refused by the spec schema', () => {
    const typo = compile([shop([{ user: 'alice@example.com', role: 'viewer', roles: 'operator' }])], OIDC, { now: NOW });
    expect(typo.errors.join('\n')).toMatch(/roles/);
    const badOidc = compile([shop([{ user: 'alice@example.com', role: 'viewer' }])], { oidc: { usernamePrefix: 'oidc:', prefix: 'x' } } as any, { now: NOW });
    expect(badOidc.errors.join('\n')).toMatch(/prefix/);
    const systemPrefix = compile([shop([{ user: 'alice@example.com', role: 'viewer' }])], { oidc: { usernamePrefix: 'system:' } }, { now: NOW });
    expect(systemPrefix.errors).toEqual([expect.stringMatching(/^\[platform\] oidc\.usernamePrefix: starts with "system:"/)]);
  });

  test('an empty access list grants nothing; no access writes no team role', () => {
    for (const access of [[], undefined]) {
      const result = compile([shop(access)], OIDC, { now: NOW });
      expect(result.errors).toEqual([]);
      expect(result.objects.filter(o => String(o.metadata?.name).startsWith('team-'))).toEqual([]);
    }
  });
});
