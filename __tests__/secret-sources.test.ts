import { constants, createDecipheriv, privateDecrypt } from 'crypto';
import { App, Chart, Testing } from 'cdk8s';
import { goDurationSeconds, HardenedExternalSecret, HardenedExternalSecretProps } from '../constructs/external-secret';
import { HardenedSealedSecret, HardenedSealedSecretProps } from '../constructs/sealed-secret';
import { ScopedDeployer } from '../constructs/scoped-deployer';
import { TenantNamespace } from '../constructs/tenant-namespace';
import { canI, checkManifests } from '../policy';
import { CLUSTER_SECRET_STORES_ANNOTATION, SEALED_MIN_BYTES, sealedCiphertextProblem } from '../policy/secret-sources';
import { refusalOf } from './refusal';
import { sealed, sealingKeys } from './support/seal';

const NS = 'shop-production';
const DATA = [{ key: 'password', remoteKey: 'shop/db', property: 'password' }];

function setup(clusterSecretStores?: string[]) {
  const app = new App();
  const platform = new Chart(app, 'platform');
  const namespace = new TenantNamespace(platform, 'Namespace', { app: 'shop', environment: 'production', clusterSecretStores });
  const workloads = new Chart(app, 'workloads');
  return { app, platform, namespace, workloads };
}
const external = (props: Partial<HardenedExternalSecretProps> = {}) => {
  const { namespace, workloads } = setup();
  const es = new HardenedExternalSecret(workloads, 'db', { namespace, store: 'openbao', data: DATA, ...props });
  return { es, objects: Testing.synth(workloads) };
};
const sealedSecret = (props: Partial<HardenedSealedSecretProps> = {}) => {
  const { namespace, workloads } = setup();
  const ss = new HardenedSealedSecret(workloads, 'db', { namespace, encryptedData: { password: sealed(NS, 'db') }, ...props });
  return { ss, objects: Testing.synth(workloads) };
};

describe('sealedCiphertextProblem: kubeseal\'s format', () => {
  test('the test helper seals as kubeseal does: the private key opens it with the strict-scope label', () => {
    const { privateKey } = sealingKeys();
    const bytes = Buffer.from(sealed(NS, 'db', 'hunter2'), 'base64');
    const rsa = bytes.readUInt16BE(0);
    const session = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(`${NS}/db`) }, bytes.subarray(2, 2 + rsa));
    const body = bytes.subarray(2 + rsa);
    const decipher = createDecipheriv('aes-256-gcm', session, Buffer.alloc(12));
    decipher.setAuthTag(body.subarray(body.length - 16));
    expect(Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString()).toBe('hunter2');
    expect(() => privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(`${NS}/other`) }, bytes.subarray(2, 2 + rsa))).toThrow();
  });

  test('passes sealed values, empty ones included', () => {
    expect(sealedCiphertextProblem(sealed(NS, 'db'))).toBeUndefined();
    expect(sealedCiphertextProblem(sealed(NS, 'db', ''))).toBeUndefined();
    expect(Buffer.from(sealed(NS, 'db', ''), 'base64').length).toBe(SEALED_MIN_BYTES);
  });

  test.each([
    ['not a string', 42, /not a string but number/],
    ['plaintext', 'hunter2', /not standard base64/],
    ['URL-safe base64', sealed(NS, 'db').replace(/\+/g, '-').replace(/\//g, '_'), /not standard base64/],
    ['base64 without padding', Buffer.alloc(301, 1).toString('base64').replace(/=+$/, ''), /not standard base64/],
    ['base64 of a short text', Buffer.from('hunter2').toString('base64'), /decodes to 7 bytes/],
    ['base64 of a long text (a text\'s first bytes read as a huge RSA length)', Buffer.from('-----BEGIN PRIVATE KEY-----\n'.repeat(20)).toString('base64'), /RSA ciphertext of 11565 bytes/],
    ['an empty string', '', /decodes to 0 bytes/],
  ])('refuses %s', (_, value, message) => {
    expect(sealedCiphertextProblem(value)).toMatch(message);
  });
});

describe('HardenedExternalSecret', () => {
  test('emits an ExternalSecret of the namespace\'s SecretStore that owns its Secret and names each key', () => {
    const { es, objects } = external({ refreshInterval: '15m', type: 'kubernetes.io/basic-auth', data: [...DATA, { key: 'username', remoteKey: 'shop/db', property: 'user' }] });
    expect(es.keys).toEqual(['password', 'username']);
    expect(es.deliveredBy).toBe('ExternalSecret from SecretStore/openbao');
    expect(objects).toHaveLength(1);
    expect(objects[0].spec).toEqual({
      secretStoreRef: { kind: 'SecretStore', name: 'openbao' },
      refreshInterval: '15m',
      target: { name: 'db', creationPolicy: 'Owner', deletionPolicy: 'Retain', template: { type: 'kubernetes.io/basic-auth', metadata: { labels: { 'app.kubernetes.io/managed-by': 'cdk8s-guardrails' } } } },
      data: [
        { secretKey: 'password', remoteRef: { key: 'shop/db', property: 'password' } },
        { secretKey: 'username', remoteRef: { key: 'shop/db', property: 'user' } },
      ],
    });
    expect(objects[0].metadata).toEqual({ name: 'db', namespace: NS, labels: { 'app.kubernetes.io/managed-by': 'cdk8s-guardrails' } });
  });

  test('passes the gate, with its namespace', () => {
    const { namespace, platform, workloads } = setup();
    new HardenedExternalSecret(workloads, 'db', { namespace, store: 'openbao', data: DATA });
    const gate = checkManifests([...Testing.synth(platform), ...Testing.synth(workloads)]);
    expect(gate.findings).toEqual([]);
  });

  test('a ClusterSecretStore the platform allows, and the gate reads the same allow-list from the Namespace', () => {
    const { namespace, platform, workloads } = setup(['shared']);
    const es = new HardenedExternalSecret(workloads, 'db', { namespace, store: 'shared', storeKind: 'ClusterSecretStore', allowedClusterStores: ['shared'], data: DATA });
    expect(es.deliveredBy).toBe('ExternalSecret from ClusterSecretStore/shared');
    const objects = [...Testing.synth(platform), ...Testing.synth(workloads)];
    expect(objects.find(o => o.kind === 'Namespace')!.metadata.annotations).toEqual({ [CLUSTER_SECRET_STORES_ANNOTATION]: 'shared' });
    expect(checkManifests(objects).findings).toEqual([]);
  });

  test.each<[string, Partial<HardenedExternalSecretProps>, string, RegExp]>([
    ['a ClusterSecretStore not allowed', { storeKind: 'ClusterSecretStore', store: 'vault', allowedClusterStores: ['shared'] }, 'store', /ClusterSecretStore the platform does not allow \(it allows shared\)/],
    ['another store kind', { storeKind: 'Vault' as any }, 'storeKind', /must be SecretStore or ClusterSecretStore/],
    ['a store that is no name', { store: '../other' }, 'store', /must be the name of a SecretStore/],
    ['no data', { data: [] }, 'data', /at least one key/],
    ['no data at all', { data: undefined as any }, 'data', /at least one key/],
    ['an empty remote key', { data: [{ key: 'a', remoteKey: '' }] }, 'data[0].remoteKey', /non-empty string/],
    ['a property with a trailing space', { data: [{ key: 'a', remoteKey: 'x', property: 'pw ' }] }, 'data[0].property', /leading or trailing spaces/],
    ['a key with a slash', { data: [{ key: 'a/b', remoteKey: 'x' }] }, 'data[0].key', /./],
    ['a refresh of 30s', { refreshInterval: '30s' }, 'refreshInterval', /shorter than a minute/],
    ['a refresh of 59.9s in ms', { refreshInterval: '59999ms' }, 'refreshInterval', /shorter than a minute/],
    ['a refresh with a space', { refreshInterval: '1 h' }, 'refreshInterval', /not a Go duration/],
    ['a service-account-token type', { type: 'kubernetes.io/service-account-token' as any }, 'type', /not a type a delivered Secret may have/],
    ['an SSH type without the private key', { type: 'kubernetes.io/ssh-auth' }, 'data', /needs the key ssh-privatekey/],
    ['a name with a dot', { name: 'db.creds' }, 'name', /DNS-1123 label/],
  ])('refuses %s', (_, props, field, message) => {
    const e = refusalOf(() => external(props));
    expect(e.path).toBe('workloads/db');
    expect(e.field).toBe(field);
    expect(e.problem).toMatch(message);
  });

  test('takes Go durations the operator reads, and "0" or "0s" (read once)', () => {
    expect(goDurationSeconds('1h30m')).toBe(5400);
    expect(goDurationSeconds('1.5h')).toBe(5400);
    expect(goDurationSeconds('0')).toBe(0);
    expect(goDurationSeconds('1d')).toBeUndefined();
    expect(goDurationSeconds('-1h')).toBeUndefined();
    expect(external({ refreshInterval: '0s' }).objects[0].spec.refreshInterval).toBe('0s');
    expect(external({ refreshInterval: '1m' }).objects[0].spec.refreshInterval).toBe('1m');
  });
});

describe('HardenedSealedSecret', () => {
  test('emits a strict-scope SealedSecret with ciphertext only', () => {
    const tls = { 'tls.crt': sealed(NS, 'db'), 'tls.key': sealed(NS, 'db') };
    const { ss, objects } = sealedSecret({ encryptedData: tls, type: 'kubernetes.io/tls', labels: { team: 'shop' } });
    expect(ss.keys).toEqual(['tls.crt', 'tls.key']);
    const labels = { team: 'shop', 'app.kubernetes.io/managed-by': 'cdk8s-guardrails' };
    expect(objects).toEqual([{
      apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret',
      metadata: { name: 'db', namespace: NS, labels },
      spec: { encryptedData: tls, template: { type: 'kubernetes.io/tls', metadata: { labels } } },
    }]);
    expect(JSON.stringify(objects)).not.toContain('sealedsecrets.bitnami.com/');
  });

  test.each<[string, Partial<HardenedSealedSecretProps>, string, RegExp]>([
    ['no values', { encryptedData: {} }, 'encryptedData', /non-empty map/],
    ['a plaintext value', { encryptedData: { password: 'hunter2' } }, 'encryptedData.password', /not a sealed value: it is not standard base64/],
    ['a base64 plaintext value', { encryptedData: { password: 'aHVudGVyMg==' } }, 'encryptedData.password', /decodes to 7 bytes/],
    ['a key that is not a Secret key', { encryptedData: { 'a b': sealed(NS, 'db') } }, 'encryptedData', /has a key that/],
    ['a dockerconfigjson without its key', { type: 'kubernetes.io/dockerconfigjson' }, 'encryptedData', /needs the key \.dockerconfigjson/],
    ['a basic-auth without username or password', { type: 'kubernetes.io/basic-auth', encryptedData: { token: sealed(NS, 'db') } }, 'encryptedData', /at least one of the keys username, password/],
  ])('refuses %s', (_, props, field, message) => {
    const e = refusalOf(() => sealedSecret(props));
    expect(e.field).toBe(field);
    expect(e.problem).toMatch(message);
    expect(e.message).not.toContain('hunter2');
  });
});

describe('ScopedDeployer with delivered Secrets', () => {
  const { app, platform, namespace, workloads } = setup();
  new HardenedExternalSecret(workloads, 'db', { namespace, store: 'openbao', data: DATA });
  new HardenedSealedSecret(workloads, 'tls', { namespace, encryptedData: { 'tls.crt': sealed(NS, 'tls') } });
  new ScopedDeployer(platform, 'Deployer', { namespace, workloads });
  const objects = app.charts.flatMap(c => Testing.synth(c));
  const deployer = `system:serviceaccount:${NS}:deployer`;

  test('may create and change ExternalSecrets and SealedSecrets in its namespace', () => {
    for (const verb of ['create', 'update', 'patch', 'delete']) {
      expect(canI(objects, deployer, verb, 'external-secrets.io', 'externalsecrets', NS)).toBe(true);
      expect(canI(objects, deployer, verb, 'bitnami.com', 'sealedsecrets', NS)).toBe(true);
    }
  });

  test('may not read or write Secrets, stores, PushSecrets, or act in another namespace', () => {
    for (const verb of ['get', 'list', 'watch', 'create', 'update']) expect([verb, canI(objects, deployer, verb, '', 'secrets', NS)]).toEqual([verb, false]);
    for (const resource of ['secretstores', 'clustersecretstores', 'pushsecrets', 'clusterexternalsecrets']) {
      expect([resource, canI(objects, deployer, 'create', 'external-secrets.io', resource, NS)]).toEqual([resource, false]);
    }
    expect(canI(objects, deployer, 'create', 'external-secrets.io', 'externalsecrets', 'shop-staging')).toBe(false);
    expect(canI(objects, deployer, 'create', 'external-secrets.io', 'externalsecrets', undefined)).toBe(false);
  });
});
