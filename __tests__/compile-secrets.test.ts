import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AppSpec, PlatformSpec } from '../compiler/app-spec';
import { compile } from '../compiler/compile';
import { buildReport, renderMarkdown } from '../compiler/report';
import { canI, checkManifests, CLUSTER_SECRET_STORES_ANNOTATION } from '../policy';
import { sealed } from './support/seal';
import { IMAGE } from './support/workloads';

// An environment's `secrets` from JSON-shaped specs as a user writes them: the ExternalSecrets and
// SealedSecrets built, the deployer's rights, the references of services checked against the keys
// each Secret delivers, every refusal at the spec's own path and field, and the report.

const NS = 'kb-production';
const WHERE = '[apps/kb/environments/production]';
const EXTERNAL = { store: 'openbao', data: [{ key: 'password', remoteKey: 'kb/db', property: 'password' }, { key: 'username', remoteKey: 'kb/db', property: 'username' }] };

/** App `kb` whose production environment has `secrets` and whose service `api` is edited by `edit`. */
function app(secrets: Record<string, any>, edit: (api: Record<string, any>) => void = () => undefined): AppSpec {
  const spec = JSON.parse(JSON.stringify({
    name: 'kb', repoURL: 'https://github.com/acme/kb.git',
    environments: { production: { secrets }, staging: {} },
    services: { api: { image: IMAGE, ports: [{ name: 'http', port: 8080 }] } },
  }));
  edit(spec.services.api);
  return spec;
}
const ofKind = (objects: any[], kind: string, namespace = NS) => objects.filter(o => o.kind === kind && o.metadata?.namespace === namespace);
const errorsOf = (spec: AppSpec, platform?: PlatformSpec) => compile([spec], platform).errors;
const deployer = `system:serviceaccount:${NS}:deployer`;

describe('compile: an environment\'s secrets', () => {
  const TLS = { 'tls.crt': sealed(NS, 'tls', 'cert'), 'tls.key': sealed(NS, 'tls', 'key') };
  const result = compile([app({ db: { external: EXTERNAL }, tls: { sealed: { encryptedData: TLS, type: 'kubernetes.io/tls' } } }, api => {
    api.env = { DB_PASSWORD: { secretKeyRef: { name: 'db', key: 'password' } } };
    api.envFrom = [{ secretRef: 'db' }];
    api.volumes = [{ name: 'tls', mountPath: '/etc/tls', secret: { secretName: 'tls', items: [{ key: 'tls.crt', path: 'tls.crt' }] } }];
  })]);

  test('builds an ExternalSecret and a SealedSecret in the environment\'s workloads, and passes the gate', () => {
    expect(result.errors).toEqual([]);
    expect(result.gate!.findings.filter(f => f.rule.startsWith('secret.'))).toEqual([]);
    const [es] = ofKind(result.objects, 'ExternalSecret');
    expect(es).toEqual({
      apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret',
      metadata: { name: 'db', namespace: NS, labels: { 'app.kubernetes.io/managed-by': 'cdk8s-guardrails' } },
      spec: {
        secretStoreRef: { kind: 'SecretStore', name: 'openbao' },
        refreshInterval: '1h',
        target: { name: 'db', creationPolicy: 'Owner', deletionPolicy: 'Retain', template: { type: 'Opaque', metadata: { labels: { 'app.kubernetes.io/managed-by': 'cdk8s-guardrails' } } } },
        data: [
          { secretKey: 'password', remoteRef: { key: 'kb/db', property: 'password' } },
          { secretKey: 'username', remoteRef: { key: 'kb/db', property: 'username' } },
        ],
      },
    });
    const [ss] = ofKind(result.objects, 'SealedSecret');
    expect(ss.apiVersion).toBe('bitnami.com/v1alpha1');
    expect(ss.metadata).toEqual({ name: 'tls', namespace: NS, labels: { 'app.kubernetes.io/managed-by': 'cdk8s-guardrails' } });
    expect(ss.spec).toEqual({ encryptedData: TLS, template: { type: 'kubernetes.io/tls', metadata: { labels: { 'app.kubernetes.io/managed-by': 'cdk8s-guardrails' } } } });
    // In the workloads file, which the environment's deployer applies; the other environment has none.
    expect(result.files['apps/kb/production/workloads.k8s.yaml']).toContain('kind: ExternalSecret');
    expect(result.files['apps/kb/production/workloads.k8s.yaml']).toContain('kind: SealedSecret');
    expect(ofKind(result.objects, 'ExternalSecret', 'kb-staging')).toEqual([]);
  });

  test('the deployer may create ExternalSecrets and SealedSecrets, but not read or write Secrets or stores', () => {
    const rbac = result.objects;
    expect(canI(rbac, deployer, 'create', 'external-secrets.io', 'externalsecrets', NS)).toBe(true);
    expect(canI(rbac, deployer, 'create', 'bitnami.com', 'sealedsecrets', NS)).toBe(true);
    for (const verb of ['get', 'list', 'create', 'update']) expect([verb, canI(rbac, deployer, verb, '', 'secrets', NS)]).toEqual([verb, false]);
    for (const resource of ['secretstores', 'clustersecretstores', 'pushsecrets', 'clusterexternalsecrets']) {
      expect([resource, canI(rbac, deployer, 'create', 'external-secrets.io', resource, NS)]).toEqual([resource, false]);
    }
    // Nor in another tenant's namespace.
    expect(canI(rbac, deployer, 'create', 'external-secrets.io', 'externalsecrets', 'kb-staging')).toBe(false);
  });

  test('the pod references the delivered Secrets', () => {
    const [deployment] = ofKind(result.objects, 'Deployment');
    const c = deployment.spec.template.spec.containers[0];
    expect(c.env).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]);
    expect(c.envFrom).toEqual([{ secretRef: { name: 'db' } }]);
  });

  test('the report lists each delivered Secret: namespace, name, maker, keys, and the workloads that read it', () => {
    const report = buildReport(result.objects, result.gate!);
    expect(report.secrets).toEqual([
      { namespace: NS, name: 'db', deliveredBy: 'ExternalSecret from SecretStore/openbao', keys: ['password', 'username'], readBy: ['Deployment api'] },
      { namespace: NS, name: 'tls', deliveredBy: 'SealedSecret', keys: ['tls.crt', 'tls.key'], readBy: ['Deployment api'] },
    ]);
    const page = renderMarkdown(report);
    expect(page).toContain('## Secrets');
    expect(page).toContain(`| ${NS} | db | ExternalSecret from SecretStore/openbao | password, username | Deployment api |`);
  });
});

describe('compile: references to a key a delivered Secret does not have', () => {
  test('are refused with both the reference and the Secret named, in env, sidecars, volume items and projected sources', () => {
    const errors = errorsOf(app({ db: { external: EXTERNAL }, tls: { sealed: { encryptedData: { 'tls.crt': sealed(NS, 'tls') } } } }, api => {
      api.env = { DB_PASSWORD: { secretKeyRef: { name: 'db', key: 'pasword' } } };
      api.sidecars = [{ name: 'proxy', image: IMAGE, env: { TOKEN: { secretKeyRef: { name: 'db', key: 'token' } } } }];
      api.volumes = [
        { name: 'tls', mountPath: '/etc/tls', secret: { secretName: 'tls', items: [{ key: 'tls.key', path: 'tls.key' }] } },
        { name: 'all', mountPath: '/etc/all', projected: { sources: [{ secret: { name: 'db', items: [{ key: 'host', path: 'host' }] } }] } },
      ];
    }));
    expect(errors).toEqual([
      '[apps/kb/services/api] env.DB_PASSWORD.secretKeyRef.key: is not a key of Secret db, which environments.production.secrets.db delivers (ExternalSecret from SecretStore/openbao) with the keys password, username (got "pasword"). Fix: use one of password, username, or add the key to environments.production.secrets.db',
      expect.stringMatching(/^\[apps\/kb\/services\/api\] sidecars\[0\]\.env\.TOKEN\.secretKeyRef\.key: is not a key of Secret db, .* \(got "token"\)/),
      expect.stringMatching(/^\[apps\/kb\/services\/api\] volumes\[0\]\.secret\.items\[0\]\.key: is not a key of Secret tls, which environments\.production\.secrets\.tls delivers \(SealedSecret\) with the keys tls\.crt \(got "tls\.key"\)/),
      expect.stringMatching(/^\[apps\/kb\/services\/api\] volumes\[1\]\.projected\.sources\[0\]\.secret\.items\[0\]\.key: is not a key of Secret db/),
    ]);
  });

  test('leave alone Secrets made outside (not in secrets) and the environments that do not deliver it', () => {
    // staging has no `db`: the reference is to a Secret made there by other means.
    expect(errorsOf(app({ db: { external: EXTERNAL } }, api => { api.env = { A: { secretKeyRef: { name: 'other', key: 'x' } }, B: { secretKeyRef: { name: 'db', key: 'password' } } }; }))).toEqual([]);
  });

  test('are checked against an included ExternalSecret\'s keys too', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    const file = path.join(dir, 'es.yaml');
    fs.writeFileSync(file, [
      'apiVersion: external-secrets.io/v1', 'kind: ExternalSecret', 'metadata: { name: cache }',
      'spec:', '  secretStoreRef: { name: openbao }', '  data: [{ secretKey: url, remoteRef: { key: kb/cache } }]', '',
    ].join('\n'));
    try {
      const spec = app({}, api => { api.env = { CACHE: { secretKeyRef: { name: 'cache', key: 'password' } } }; });
      (spec.environments.production as any).include = [file];
      expect(errorsOf(spec)).toEqual([expect.stringMatching(/env\.CACHE\.secretKeyRef\.key: is not a key of Secret cache, .*\(included ExternalSecret cache from SecretStore\/openbao\) with the keys url/)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compile: refusals of a secret source, at the spec field', () => {
  const one = (source: any, platform?: PlatformSpec) => errorsOf(app({ db: source }), platform);

  test.each([
    ['neither source', {}, 'secrets.db: must have exactly one of external and sealed'],
    ['both sources', { external: EXTERNAL, sealed: { encryptedData: { a: sealed(NS, 'db') } } }, 'secrets.db: must have exactly one of external and sealed'],
    ['no keys', { external: { store: 'openbao', data: [] } }, 'secrets.db.external.data: must list at least one key'],
    ['a key twice', { external: { store: 'openbao', data: [{ key: 'a', remoteKey: 'x' }, { key: 'a', remoteKey: 'y' }] } }, 'secrets.db.external.data[1].key: is listed twice'],
    ['a key that is not a Secret key', { external: { store: 'openbao', data: [{ key: 'a/b', remoteKey: 'x' }] } }, 'secrets.db.external.data[0].key:'],
    ['a remote key with a line break', { external: { store: 'openbao', data: [{ key: 'a', remoteKey: 'x\ny' }] } }, 'secrets.db.external.data[0].remoteKey: has control characters'],
    ['a store name that is no object name', { external: { ...EXTERNAL, store: 'Open Bao' } }, 'secrets.db.external.store: must be the name of a SecretStore'],
    ['a refresh of a second', { external: { ...EXTERNAL, refreshInterval: '1s' } }, 'secrets.db.external.refreshInterval: is shorter than a minute'],
    ['a refresh in days (not a Go duration)', { external: { ...EXTERNAL, refreshInterval: '1d' } }, 'secrets.db.external.refreshInterval: is not a Go duration'],
    ['a TLS type without its keys', { external: { ...EXTERNAL, type: 'kubernetes.io/tls' } }, 'secrets.db.external.data: a kubernetes.io/tls Secret needs the keys tls.crt, tls.key'],
    ['a plaintext sealed value', { sealed: { encryptedData: { password: 'hunter2' } } }, 'secrets.db.sealed.encryptedData.password: is not a sealed value: it is not standard base64'],
    ['a base64 plaintext sealed value', { sealed: { encryptedData: { password: Buffer.from('correct horse battery staple').toString('base64') } } }, 'secrets.db.sealed.encryptedData.password: is not a sealed value: it decodes to 28 bytes'],
    ['no sealed values', { sealed: { encryptedData: {} } }, 'secrets.db.sealed.encryptedData: must be a non-empty map'],
  ])('%s', (_, source, message) => {
    const errors = one(source);
    expect(errors).toHaveLength(1);
    expect(errors[0].startsWith(`${WHERE} ${message}`)).toBe(true);
  });

  test('a sealed value is never printed back', () => {
    const [error] = one({ sealed: { encryptedData: { password: 'correct-horse-battery-staple' } } });
    expect(error).toContain('(got "<redacted>")');
    expect(error).not.toContain('correct-horse');
  });

  test('a Secret name that is no DNS label', () => {
    expect(errorsOf(app({ 'DB.creds': { external: EXTERNAL } }))[0]).toMatch(/^\[apps\/kb\/environments\/production\] secrets\.DB\.creds: is not a DNS-1123 label/);
  });

  test('unknown fields of a source are refused by the spec schema', () => {
    expect(one({ external: { ...EXTERNAL, dataFrom: [{ find: { name: { regexp: '.*' } } }] } })[0]).toMatch(/dataFrom: is not a known field/);
    expect(one({ sealed: { encryptedData: { a: sealed(NS, 'db') }, template: { data: { a: 'x' } } } })[0]).toMatch(/template: is not a known field/);
    expect(one({ external: { ...EXTERNAL, type: 'kubernetes.io/service-account-token' } })[0]).toMatch(/type: /);
  });

  test('a Secret that shares its name with a service builds both', () => {
    const spec = app({ api: { external: EXTERNAL } });
    expect(errorsOf(spec)).toEqual([]);
  });
});

describe('compile: ClusterSecretStores', () => {
  const cluster = { external: { ...EXTERNAL, store: 'shared', storeKind: 'ClusterSecretStore' } };

  test('are refused unless the platform allows them', () => {
    expect(errorsOf(app({ db: cluster }))).toEqual([
      expect.stringMatching(/^\[apps\/kb\/environments\/production\] secrets\.db\.external\.store: is a ClusterSecretStore the platform does not allow \(it allows none\)/),
    ]);
    expect(errorsOf(app({ db: cluster }), { clusterSecretStores: ['other'] })[0]).toMatch(/it allows other\)/);
  });

  test('an allowed one is built and passes the gate, which reads the allow-list from the Namespace', () => {
    const result = compile([app({ db: cluster })], { clusterSecretStores: ['shared', 'vault'] });
    expect(result.errors).toEqual([]);
    const namespace = result.objects.find(o => o.kind === 'Namespace' && o.metadata.name === NS)!;
    expect(namespace.metadata.annotations[CLUSTER_SECRET_STORES_ANNOTATION]).toBe('shared,vault');
    expect(ofKind(result.objects, 'ExternalSecret')[0].spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'shared' });
    // The same objects with the Namespace's allow-list gone: the gate refuses the reference.
    const without = result.objects.map(o => (o === namespace ? { ...o, metadata: { ...o.metadata, annotations: {} } } : o));
    expect(checkManifests(without).failures.map(f => [f.rule, f.field])).toEqual([['secret.external-store', 'spec.secretStoreRef.kind']]);
  });

  test('the platform\'s list is checked', () => {
    expect(compile([app({})], { clusterSecretStores: ['a,b'] }).errors[0]).toMatch(/^\[platform\] clusterSecretStores\[0\]: must be the name of a ClusterSecretStore/);
    expect(compile([app({})], { clusterSecretStores: ['a', 'a'] }).errors[0]).toMatch(/^\[platform\] clusterSecretStores\[1\]: is listed twice/);
  });

  test('a tenant cannot write the allow-list on its own Namespace', () => {
    const spec = app({});
    (spec.environments.production as any).annotations = { [CLUSTER_SECRET_STORES_ANNOTATION]: 'shared' };
    expect(errorsOf(spec)[0]).toMatch(/annotations\.guardrails\.cdk8s\.io\/cluster-secret-stores: sets a key under guardrails\.cdk8s\.io\//);
  });
});

describe('compile: included ExternalSecrets and SealedSecrets', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const include = (yaml: string, platform?: PlatformSpec) => {
    const file = path.join(dir, 'secrets.yaml');
    fs.writeFileSync(file, yaml);
    const spec = app({});
    (spec.environments.production as any).include = [file];
    return compile([spec], platform);
  };
  const ES = (spec: string) => `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: { name: db }\nspec:\n${spec}`;

  test('are accepted, and the deployer may apply them', () => {
    const result = include(`${ES('  secretStoreRef: { name: openbao }\n  data: [{ secretKey: password, remoteRef: { key: kb/db } }]\n')}---\n`
      + `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: { name: tls }\nspec:\n  encryptedData: { tls.crt: ${sealed(NS, 'tls')} }\n`);
    expect(result.errors).toEqual([]);
    const role = result.objects.find(o => o.kind === 'Role' && o.metadata.namespace === NS && o.metadata.name === 'deployer')!;
    expect(role.rules).toEqual(expect.arrayContaining([
      expect.objectContaining({ apiGroups: ['external-secrets.io'], resources: ['externalsecrets'] }),
      expect.objectContaining({ apiGroups: ['bitnami.com'], resources: ['sealedsecrets'] }),
    ]));
  });

  test('are judged by the same gate rules', () => {
    const errors = include(`${ES('  secretStoreRef: { kind: ClusterSecretStore, name: vault }\n  target: { creationPolicy: Merge, name: deployer-token }\n  dataFrom: [{ find: { name: { regexp: ".*" } } }]\n')}---\n`
      + `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: tls\n  annotations: { sealedsecrets.bitnami.com/cluster-wide: "true" }\nspec:\n  encryptedData: { a: aGVsbG8= }\n`).errors;
    expect(errors.map(e => e.split(' ').slice(0, 3).join(' '))).toEqual([
      'error secret.sealed-scope [SealedSecret',
      'error secret.sealed-ciphertext [SealedSecret',
      'error secret.external-store [ExternalSecret',
      'error secret.external-find [ExternalSecret',
      'error secret.external-target [ExternalSecret',
    ]);
  });

  test('a stated waiver does not excuse a ClusterSecretStore the platform does not allow', () => {
    const file = path.join(dir, 'es.yaml');
    fs.writeFileSync(file, ES('  secretStoreRef: { kind: ClusterSecretStore, name: vault }\n  data: [{ secretKey: a, remoteRef: { key: x } }]\n'));
    const spec = app({});
    (spec.environments.production as any).include = [{ file, departures: [{ object: 'ExternalSecret/db', waive: 'secret.external-store', reason: 'the vault team said it is fine' }] }];
    expect(compile([spec]).errors.join('\n')).toMatch(/secret\.external-store cannot be waived/);
  });

  test('PushSecrets, ClusterExternalSecrets and SecretStores are not the tenant\'s', () => {
    for (const kind of ['PushSecret', 'SecretStore', 'ClusterExternalSecret']) {
      const errors = include(`apiVersion: external-secrets.io/v1\nkind: ${kind}\nmetadata: { name: x }\nspec: {}\n`).errors;
      expect([kind, errors.join('\n')]).toEqual([kind, expect.stringMatching(new RegExp(`kind: is not a kind that the deployer .* \\(got "external-secrets.io/v1 ${kind}/x"\\)`))]);
    }
  });
});
