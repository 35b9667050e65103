import { Chart, Testing } from 'cdk8s';
import { GuardrailError } from '../policy/errors';
import { POD_SECURITY_VERSION } from '../policy/pod-security';
import { TenantNamespace, TenantNamespaceProps } from '../constructs/tenant-namespace';
import { refusalOf } from './refusal';

const BASE: TenantNamespaceProps = { app: 'shop', environment: 'production' };

function synth(props: Partial<TenantNamespaceProps> = {}): any[] {
  const chart = new Chart(Testing.app(), 'test');
  new TenantNamespace(chart, 'ns', { ...BASE, ...props });
  return Testing.synth(chart);
}

/** The GuardrailError thrown while building the namespace; fails the test if none is thrown. */
function refusal(props: Partial<TenantNamespaceProps>): GuardrailError {
  const chart = new Chart(Testing.app(), 'test');
  return refusalOf(() => new TenantNamespace(chart, 'ns', { ...BASE, ...props }));
}

function only(objects: any[], kind: string): any {
  const found = objects.filter(o => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

const DNS_FIX = 'Fix: use lower-case letters, digits and "-", starting and ending with a letter or digit';

describe('TenantNamespace: names', () => {
  test('names the namespace {app}-{environment}', () => {
    const chart = new Chart(Testing.app(), 'test');
    const ns = new TenantNamespace(chart, 'ns', BASE);
    expect(ns.name).toBe('shop-production');
    expect(ns.podSecurity).toBe('restricted');
    expect(only(Testing.synth(chart), 'Namespace').metadata.name).toBe('shop-production');
  });

  test('refuses an app name with upper-case letters', () => {
    const err = refusal({ app: 'Shop' });
    expect(err.message).toBe(`[test/ns] app: must be a DNS-1123 label of at most 63 characters (got "Shop"). ${DNS_FIX}`);
  });

  test('refuses an environment name with an underscore', () => {
    const err = refusal({ environment: 'prod_eu' });
    expect(err.message).toBe(`[test/ns] environment: must be a DNS-1123 label of at most 63 characters (got "prod_eu"). ${DNS_FIX}`);
  });

  test('refuses names that start or end with a hyphen', () => {
    expect(refusal({ app: '-shop' }).message).toContain('[test/ns] app: must be a DNS-1123 label');
    expect(refusal({ environment: 'staging-' }).message).toContain('[test/ns] environment: must be a DNS-1123 label');
  });

  test('refuses an app name longer than 63 characters on its own', () => {
    const app = 'a'.repeat(64);
    expect(refusal({ app }).message).toBe(`[test/ns] app: must be a DNS-1123 label of at most 63 characters (got "${app}"). ${DNS_FIX}`);
  });

  test('refuses valid parts whose combined name is longer than 63 characters', () => {
    const app = 'a'.repeat(40);
    const environment = 'b'.repeat(23); // 40 + 1 + 23 = 64
    const err = refusal({ app, environment });
    expect(err.message).toBe(`[test/ns] app/environment: the namespace name "{app}-{environment}" is longer than 63 characters `
      + `(got "${app}-${environment}"). Fix: shorten the app or environment name, or set the namespace name exactly`);
  });

  test('accepts a combined name of exactly 63 characters', () => {
    const objects = synth({ app: 'a'.repeat(40), environment: 'b'.repeat(22) });
    expect(only(objects, 'Namespace').metadata.name).toHaveLength(63);
  });
});

describe('TenantNamespace: Pod Security Admission labels', () => {
  test('enforces, audits and warns restricted, each pinned to a version, by default', () => {
    const labels = only(synth(), 'Namespace').metadata.labels;
    expect(labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': POD_SECURITY_VERSION,
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': POD_SECURITY_VERSION,
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': POD_SECURITY_VERSION,
    });
    expect(POD_SECURITY_VERSION).toMatch(/^v1\.\d+$/);
    for (const mode of ['enforce', 'audit', 'warn']) {
      expect(labels[`pod-security.kubernetes.io/${mode}-version`]).not.toBe('latest');
    }
  });

  test.each(['baseline', 'privileged'] as const)('keeps audit and warn at restricted when enforce is %s', podSecurity => {
    const labels = only(synth({ podSecurity, podSecurityReason: 'the node agent reads host state' }), 'Namespace').metadata.labels;
    expect(labels['pod-security.kubernetes.io/enforce']).toBe(podSecurity);
    expect(labels['pod-security.kubernetes.io/enforce-version']).toBe(POD_SECURITY_VERSION);
    expect(labels['pod-security.kubernetes.io/audit']).toBe('restricted');
    expect(labels['pod-security.kubernetes.io/audit-version']).toBe(POD_SECURITY_VERSION);
    expect(labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(labels['pod-security.kubernetes.io/warn-version']).toBe(POD_SECURITY_VERSION);
  });

  test('refuses a podSecurity value that is not a Pod Security level', () => {
    const err = refusal({ podSecurity: 'strict' as any });
    expect(err.message).toBe('[test/ns] podSecurity: must be one of privileged, baseline, restricted (got "strict"). '
      + 'Fix: choose one of privileged, baseline, restricted');
  });
});

describe('TenantNamespace: quota and limits', () => {
  test('the quota forbids LoadBalancer and NodePort Services', () => {
    const quota = only(synth(), 'ResourceQuota');
    expect(quota.metadata.namespace).toBe('shop-production');
    expect(quota.spec.hard['services.loadbalancers']).toBe('0');
    expect(quota.spec.hard['services.nodeports']).toBe('0');
  });

  test('the quota still forbids LoadBalancers and NodePorts when other totals are overridden', () => {
    const quota = only(synth({ quota: { requestsCpu: '8', requestsMemory: '16Gi', limitsMemory: '32Gi', services: 50 } }), 'ResourceQuota');
    expect(quota.spec.hard).toEqual({
      'requests.cpu': '8',
      'requests.memory': '16Gi',
      'limits.memory': '32Gi',
      'pods': '50',
      'services': '50',
      'persistentvolumeclaims': '10',
      'services.loadbalancers': '0',
      'services.nodeports': '0',
    });
  });

  test.each([
    ['requestsCpu', 'four'],
    ['requestsMemory', '8GB'],
    ['limitsMemory', '16 Gi'],
    ['requestsStorage', '1TB'],
  ] as const)('refuses quota.%s %p as not a Kubernetes quantity', (field, value) => {
    const err = refusal({ quota: { [field]: value } });
    expect(err.message).toBe(`[test/ns] quota.${field}: must be a Kubernetes quantity (got "${value}"). `
      + 'Fix: write it like "250m" (CPU) or "256Mi" (memory)');
  });

  test('requests.storage is not limited unless requestsStorage is set', () => {
    expect(only(synth(), 'ResourceQuota').spec.hard['requests.storage']).toBeUndefined();
    expect(only(synth({ quota: { requestsStorage: '500Gi' } }), 'ResourceQuota').spec.hard['requests.storage']).toBe('500Gi');
  });

  test('refuses a quota of zero pods', () => {
    const err = refusal({ quota: { pods: 0 } });
    expect(err.message).toBe('[test/ns] quota.pods: must be a whole number from 1 to 10000 (got 0). '
      + 'Fix: set quota.pods to an integer in that range');
  });

  test('the LimitRange gives every container requests and a memory limit', () => {
    const limits = only(synth(), 'LimitRange');
    expect(limits.metadata.namespace).toBe('shop-production');
    expect(limits.spec.limits).toEqual([{
      type: 'Container',
      defaultRequest: { cpu: '100m', memory: '128Mi' },
      default: { memory: '256Mi' },
      max: { memory: '4Gi' },
    }]);
  });
});

describe('TenantNamespace: a level above restricted', () => {
  test.each(['baseline', 'privileged'] as const)('%s is refused without a reason', podSecurity => {
    const err = refusal({ podSecurity });
    expect([err.path, err.field]).toEqual(['test/ns', 'podSecurityReason']);
    expect(err.message).toContain('Fix: say in podSecurityReason');
  });

  test('a reason of zero-width spaces and a reason on two lines are refused', () => {
    expect(refusal({ podSecurity: 'baseline', podSecurityReason: '\u200b'.repeat(20) }).message).toContain('0 visible characters');
    expect(refusal({ podSecurity: 'baseline', podSecurityReason: 'first line here\n| forged | row |' }).message).toContain('more than one line');
  });

  test('the reason is annotated on the Namespace, where the gate and the report read it', () => {
    const ns = only(synth({ podSecurity: 'privileged', podSecurityReason: '  the CNI agent needs host networking  ' }), 'Namespace');
    expect(ns.metadata.annotations).toEqual({ 'guardrails.cdk8s.io/exception.pod-security-level': 'the CNI agent needs host networking' });
  });

  test('a reason without a relaxed level is refused, and restricted writes no annotation', () => {
    expect(refusal({ podSecurityReason: 'because we might need it' }).field).toBe('podSecurityReason');
    expect(only(synth(), 'Namespace').metadata.annotations).toBeUndefined();
  });

  test('an exact name replaces {app}-{environment}, and must be a DNS label', () => {
    expect(only(synth({ name: 'honeydue' }), 'Namespace').metadata.name).toBe('honeydue');
    expect(refusal({ name: 'Honey_Due' }).field).toBe('name');
  });
});

