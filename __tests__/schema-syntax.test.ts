import { checkManifests } from '../policy';
import { matches, PatternName } from '../policy/schema/patterns';
import { classify } from '../policy/schema';

// The string syntaxes of policy/schema/patterns.ts against the good and bad values of upstream's
// own tests (k8s.io/apimachinery/pkg/util/validation and pkg/api/resource), an oracle the patterns
// were not written from.

const a = (n: number) => 'a'.repeat(n);

const CASES: Record<PatternName, { good: string[]; bad: string[] }> = {
  dnsLabel: {
    good: ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', a(63)],
    bad: ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
      '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', a(64), 'a\n'],
  },
  dnsSubdomain: {
    good: ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a.a', 'ab.a', 'abc.a',
      'a1.a', 'a-1.a', 'a--1--2--b.a', 'a.1', 'ab.1', '0.a', '1-a.a', '0.1', '1--a--b--2.1', 'a.b.c.d.e', 'aa.bb.cc.dd.ee',
      '1.2.3.4.5', '11.22.33.44.55', a(253)],
    bad: ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
      '.', 'a.', '.a', 'a..b', '1.', '.1', '1..2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'A.a', 'aB.a', 'ab.A', 'A1.a',
      'a1.A', 'A.1', 'aB.1', 'A1.1', '1A.1', '0.A', '01.A', '012.A', '1A.a', '1a.A', 'A.B.C.D.E', 'AA.BB.CC.DD.EE',
      'a.B.c.d.e', 'aa.bB.cc.dd.ee', 'a@b', 'a,b', 'a_b', 'a;b', 'a:b', 'a%b', 'a?b', 'a$b', a(254)],
  },
  dns1035Label: {
    good: ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', a(63)],
    bad: ['0', '01', '012', '1a', '1-a', '1--a--b--2', '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1',
      '_', 'a_', '_a', 'a_b', '.', 'a.', '.a', 'a.b', ' ', 'a b', a(64)],
  },
  labelKey: {
    good: ['simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple',
      'now-with-dashes/now-with-dashes', 'now.with.dots/simple', 'now-with.dashes-and.dots/simple', '1-num.2-num/3-num',
      '1234/5678', '1.2.3.4/5678', 'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo',
      a(63), `${a(253)}/${'b'.repeat(63)}`],
    bad: ['nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc',
      'example_com/abc', 'example.com/', '/simple', a(64), `${a(254)}/abc`, ''],
  },
  annotationKey: {
    // Annotation keys are lowercased before the qualified-name check, so a mixed-case prefix passes.
    good: ['simple', 'example.com/Uppercase_Is_OK_123', 'Example.com/abc', 'kubectl.kubernetes.io/last-applied-configuration'],
    bad: ['only/one/slash', 'example_com/abc', 'example.com/', '/simple', a(64), 'nospecialchars%^=@', ''],
  },
  labelValue: {
    good: ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', a(63), ''],
    bad: ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash',
      'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.', a(64)],
  },
  portName: {
    good: ['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c', '1-a-2-b-3'],
    bad: ['longerthan15characters', '', a(16), '12345', '1-2-3-4', '-begin', 'end-', 'two--hyphens', 'whois++'],
  },
  envVarName: {
    good: ['A', 'ABC', 'AbC123', '_', 'a_b', 'a-b', 'a.b', '-a', '.a'],
    bad: ['', '1A', '1', 'A B', 'A=B', 'a$b'],
  },
  quantity: {
    good: ['0', '1', '-1', '+1', '1.', '.5', '0.5', '100m', '1k', '1Ki', '1.5Gi', '1e3', '1E3', '1e-3', '1E', '2n', '3u', '256Mi', '1Ei'],
    bad: ['', 'Ki', '1.1.1', '1 Gi', '1Gb', '1KI', '1ki', '1e', '1e1.5', '--1', 'one', '1Mi ', ' 1'],
  },
  base64: {
    good: ['', 'YQ==', 'YWI=', 'YWJj', 'aHVudGVyMg==', 'YWJj\nZGVm', 'AgBy3i4OJSWK+PiTySYZZA=='],
    bad: ['a', 'YQ=', 'YWJj=', 'hunter2', 'YW Jj', 'YQ==YQ=='],
  },
  rfc3339: {
    good: ['2024-01-31T12:00:00Z', '2024-01-31T12:00:00.123456Z', '2024-01-31T12:00:00+02:00'],
    bad: ['2024-01-31', '2024-01-31 12:00:00Z', '2024-01-31T12:00:00', 'yesterday'],
  },
};

describe.each(Object.entries(CASES))('%s', (name, { good, bad }) => {
  test.each(good)('accepts %j', value => expect(matches(name as PatternName, value)).toBe(true));
  test.each(bad)('refuses %j', value => expect(matches(name as PatternName, value)).toBe(false));
});

describe('the syntaxes are checked where the API server checks them', () => {
  const NS = 'shop-production';
  const findings = (o: any) => checkManifests([o]).findings.filter(f => f.rule === 'schema.valid').map(f => f.field);
  const pod = (spec: any, metadata: any = {}) => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: NS, ...metadata },
    spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
  });

  test('label keys and values, in metadata, nodeSelector, and selectors anywhere (here an affinity term)', () => {
    expect(findings(pod({
      nodeSelector: { 'Kubernetes.io/os': 'linux' },
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{
        topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'a b' }, matchExpressions: [{ key: '-x', operator: 'Exists' }] },
      }] } },
    }, { labels: { 'app.kubernetes.io/name': 'ok', tier: '-bad' } })).sort()).toEqual([
      'metadata.labels.tier',
      'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].key',
      'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels.app',
      'spec.nodeSelector.Kubernetes.io/os',
    ]);
  });

  test('namespace, container, volume, port and env names', () => {
    expect(findings(pod({
      containers: [{ name: 'C', image: 'busybox', ports: [{ name: 'http-port-number-1', containerPort: 80 }], env: [{ name: '1X', value: 'y' }],
        volumeMounts: [{ name: 'Data', mountPath: '/data' }] }],
      volumes: [{ name: 'Data', emptyDir: {} }],
    }, { namespace: 'Shop' })).sort()).toEqual([
      'metadata.namespace', 'spec.containers[0].env[0].name', 'spec.containers[0].name', 'spec.containers[0].ports[0].name', 'spec.volumes[0].name',
    ]);
  });

  test('"" is "not set" for a namespace and a port name, and a required name for a container', () => {
    expect(findings(pod({ containers: [{ name: '', image: 'busybox', ports: [{ name: '', containerPort: 80 }] }] }, { namespace: '' })))
      .toEqual(['spec.containers[0].name']);
    expect(findings({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ name: '', port: 80 }] } })).toEqual([]);
  });

  test('a Service selector is a label map', () => {
    expect(findings({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: NS }, spec: { selector: { app: 'a/b' }, ports: [{ port: 80 }] } }))
      .toEqual(['spec.selector.app']);
  });
});

describe('apiVersion and kind', () => {
  test.each([
    ['apps/v1', 'Deployment', 'known'],
    ['v1', 'ConfigMap', 'known'],
    ['argoproj.io/v1alpha1', 'ApplicationSet', 'known'],
    ['extensions/v1beta1', 'Ingress', 'removed'],
    ['networking.k8s.io/v1beta1', 'Ingress', 'removed'],
    ['policy/v1beta1', 'PodSecurityPolicy', 'removed'],
    ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', 'removed'],
    ['flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema', 'removed'],
    ['apps/v1beta2', 'Anything', 'removed'],
    ['authentication.k8s.io/v1beta1', 'TokenReview', 'removed'],
    ['authentication.k8s.io/v1beta1', 'SelfSubjectReview', 'known'],
    ['apps/v1', 'Pod', 'unknown-kind'],
    ['v1', 'Ingress', 'unknown-kind'],
    ['batch/v2', 'Job', 'unknown-kind'],
    ['apps/V1', 'Deployment', 'unknown-kind'],
    ['app/v1', 'Deployment', 'unknown-kind'],
    ['', 'Pod', 'unknown-kind'],
    ['v1', '', 'unknown-kind'],
    ['external-secrets.io/v1beta1', 'ExternalSecret', 'unknown-kind'],
    ['external-secrets.io/v1beta1', 'SecretStore', 'unknown-crd'],
    ['monitoring.coreos.com/v1', 'ServiceMonitor', 'unknown-crd'],
    ['snapshot.storage.k8s.io/v1', 'VolumeSnapshot', 'unknown-crd'],
    ['example.com/v1alpha', 'Widget', 'unknown-crd'],
    ['example.com/', 'Widget', 'unknown-kind'],
    ['/v1', 'Widget', 'unknown-kind'],
  ])('%s %s is %s', (apiVersion, kind, status) => {
    expect(classify(apiVersion, kind).status).toBe(status);
  });
});
