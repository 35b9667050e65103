import { Chart, Testing } from 'cdk8s';
import { AppSpec, definePlatform } from '../compiler/app-spec';
import { compile } from '../compiler/compile';
import { RESERVED_NAMESPACE_KEYS, TenantNamespace, TenantNamespaceProps } from '../constructs/tenant-namespace';
import { checkManifests } from '../policy/gate';
import { refusalOf } from './refusal';
import { IMAGE } from './support/workloads';

const BASE: TenantNamespaceProps = { app: 'shop', environment: 'production' };

function namespaceOf(props: Partial<TenantNamespaceProps> = {}): any {
  const chart = new Chart(Testing.app(), 'test');
  new TenantNamespace(chart, 'ns', { ...BASE, ...props });
  return Testing.synth(chart).find(o => o.kind === 'Namespace');
}

const refusal = (props: Partial<TenantNamespaceProps>) =>
  refusalOf(() => new TenantNamespace(new Chart(Testing.app(), 'test'), 'ns', { ...BASE, ...props })).message;

describe('TenantNamespace: extra labels and annotations', () => {
  test('are written on the Namespace next to the guardrails\' own', () => {
    const ns = namespaceOf({
      podSecurity: 'baseline', podSecurityReason: 'the node agent runs here',
      labels: { 'team': 'payments', 'example.com/cost-center': 'cc-42' },
      annotations: { 'example.com/owner': 'payments@example.com', 'scheduler.alpha.kubernetes.io/node-selector': 'pool=apps' },
    });
    expect(ns.metadata.labels).toMatchObject({
      'team': 'payments', 'example.com/cost-center': 'cc-42', 'app.kubernetes.io/part-of': 'shop',
      'pod-security.kubernetes.io/enforce': 'baseline', 'guardrails.cdk8s.io/environment': 'production',
    });
    expect(ns.metadata.annotations).toEqual({
      'example.com/owner': 'payments@example.com', 'scheduler.alpha.kubernetes.io/node-selector': 'pool=apps',
      'guardrails.cdk8s.io/exception.pod-security-level': 'the node agent runs here',
    });
  });

  test('none given, none written', () => {
    const ns = namespaceOf({ labels: {}, annotations: {} });
    expect(ns.metadata.annotations).toBeUndefined();
    expect(Object.keys(ns.metadata.labels).sort()).toEqual(Object.keys(namespaceOf().metadata.labels).sort());
  });

  test.each([
    ['pod-security.kubernetes.io/enforce', /labels\.pod-security\.kubernetes\.io\/enforce: sets a key under pod-security\.kubernetes\.io\/, which the guardrails set.*Fix: set the level with podSecurity/s],
    ['pod-security.kubernetes.io/warn-version', /Fix: set the level with podSecurity/],
    ['kubernetes.io/metadata.name', /sets kubernetes\.io\/metadata\.name.*the API server sets it to the namespace name/s],
    ['guardrails.cdk8s.io/environment', /sets a key under guardrails\.cdk8s\.io\//],
    ['app.kubernetes.io/managed-by', /sets app\.kubernetes\.io\/managed-by.*set for you/s],
    ['app.kubernetes.io/part-of', /sets app\.kubernetes\.io\/part-of/],
  ])('label %s is reserved', (key, problem) => {
    expect(refusal({ labels: { [key]: 'privileged' } })).toMatch(problem);
  });

  test.each([
    'pod-security.kubernetes.io/enforce', 'Pod-Security.Kubernetes.IO/audit', 'guardrails.cdk8s.io/exception.pod-security-level',
    'GUARDRAILS.cdk8s.io/waive.network.default-deny', 'kubernetes.io/metadata.name', 'app.kubernetes.io/part-of',
  ])('annotation %s is reserved', key => {
    expect(refusal({ annotations: { [key]: 'a reason of enough length' } })).toMatch(/annotations\..*: sets .*which the guardrails set and no environment may override/);
  });

  test('the reserved keys are exported', () => {
    expect(RESERVED_NAMESPACE_KEYS).toContain('pod-security.kubernetes.io/');
  });

  test('keys and values follow the Kubernetes grammars', () => {
    expect(refusal({ labels: { 'bad key!': 'x' } })).toMatch(/labels: has a key that is not a label key/);
    expect(refusal({ labels: { team: 'not a value' } })).toMatch(/labels\.team: is not a label value/);
    expect(refusal({ labels: { team: 3 as any } })).toMatch(/labels\.team: is not a string/);
    expect(refusal({ labels: ['team'] as any })).toMatch(/labels: must be a map/);
    expect(refusal({ annotations: { 'a/b/c': 'x' } })).toMatch(/annotations: has a key that is not an annotation key/);
    expect(refusal({ annotations: { owner: true as any } })).toMatch(/annotations\.owner: is not a string/);
    expect(refusal({ annotations: 'owner=me' as any })).toMatch(/annotations: must be a map of annotation key to value/);
    expect(refusal({ annotations: { big: 'x'.repeat(300 * 1024) } })).toMatch(/annotations: add up to \d+ bytes/);
  });
});

describe('compile: an environment\'s labels and annotations', () => {
  const app = (environment: Record<string, unknown>): AppSpec => ({
    name: 'shop', repoURL: 'https://github.com/acme/shop.git',
    environments: { production: { namespace: 'shop', ...environment } },
    services: { api: { image: IMAGE, ports: [{ name: 'http', port: 8080 }] } },
  });

  test('reach the Namespace, which passes the gate', () => {
    const result = compile([app({ labels: { team: 'payments' }, annotations: { 'example.com/owner': 'payments' } })], definePlatform({}));
    expect(result.errors).toEqual([]);
    const ns = result.objects.find(o => o.kind === 'Namespace')!;
    expect(ns.metadata).toMatchObject({ name: 'shop', labels: { team: 'payments' }, annotations: { 'example.com/owner': 'payments' } });
    expect(checkManifests(result.objects).failures).toEqual([]);
  });

  test('a reserved key is refused with the fix', () => {
    const result = compile([app({ labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } })], definePlatform({}));
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^\[apps\/shop\/environments\/production\] labels\.pod-security\.kubernetes\.io\/enforce: sets a key under pod-security\.kubernetes\.io\/.*Fix: set the level with podSecurity/s);
  });

  test('the spec schema types them as maps of strings', () => {
    const result = compile([app({ labels: { team: 1 } })], definePlatform({}));
    expect(result.errors.join('\n')).toMatch(/labels/);
  });
});
