import { Json, namespaceOf, PodTemplate } from './model';

/**
 * Secrets delivered from a secret manager, as the gate, the constructs and the report read them:
 * an External Secrets Operator `ExternalSecret` (external-secrets.io/v1), which copies keys of a
 * store into a Secret, and a Bitnami `SealedSecret` (bitnami.com/v1alpha1), whose values are
 * encrypted in Git for the controller's key and one namespace/name. Which Secret each produces,
 * with which keys, and which pods read which Secrets. No cdk8s here.
 */

export const EXTERNAL_SECRETS_GROUP = 'external-secrets.io';
export const SEALED_SECRETS_GROUP = 'bitnami.com';

/**
 * On a tenant Namespace (written by the compiler from the platform's `clusterSecretStores`): the
 * ClusterSecretStores its ExternalSecrets may read, comma-separated. A ClusterSecretStore is the
 * platform's and reachable from every namespace its conditions admit; the gate admits a
 * reference to one only when this annotation of the ExternalSecret's namespace names it. The
 * Namespace is the platform's object (the deployer may not write it, included YAML may not carry
 * `guardrails.cdk8s.io/` annotations), which is why the allow-list is written there.
 */
export const CLUSTER_SECRET_STORES_ANNOTATION = 'guardrails.cdk8s.io/cluster-secret-stores';

/** The annotation prefix of the Sealed Secrets controller (scope, ownership, takeover). */
export const SEALED_SECRETS_ANNOTATION_PREFIX = 'sealedsecrets.bitnami.com/';

/**
 * Sealed Secrets' ciphertext (bitnami-labs/sealed-secrets pkg/crypto HybridEncrypt): a 2-byte
 * big-endian length of the RSA ciphertext, the RSA-OAEP ciphertext of a 32-byte AES session key
 * (as long as the modulus: 512 bytes for the controller's default 4096-bit key), then the AES-GCM
 * ciphertext of the value with its 16-byte tag. We take RSA keys from 2048 to 8192 bits: below
 * 2048 bits is no longer a safe key, and no text can pass for a ciphertext, since its first two
 * bytes would read as a length of at least 8192 (a printable character is 0x20 or more).
 */
export const SEALED_RSA_MIN_BYTES = 256;
export const SEALED_RSA_MAX_BYTES = 1024;
const GCM_TAG_BYTES = 16;
/** The shortest ciphertext: a 2048-bit key and an empty value. */
export const SEALED_MIN_BYTES = 2 + SEALED_RSA_MIN_BYTES + GCM_TAG_BYTES;
/** Standard base64 with padding, as kubeseal writes it (`base64.StdEncoding`): no line breaks, no URL alphabet. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Why `value` is not a sealed value (`it ...`), or `undefined` when it is base64 of a plausible ciphertext. */
export function sealedCiphertextProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `it is not a string but ${value === null ? 'null' : typeof value}`;
  if (!BASE64.test(value)) return 'it is not standard base64 (A-Z, a-z, 0-9, "+", "/", "=" padding, one line), as kubeseal writes it';
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < SEALED_MIN_BYTES) {
    return `it decodes to ${bytes.length} bytes, and a sealed value is at least ${SEALED_MIN_BYTES} (2-byte length, a 2048-bit RSA-OAEP session key, the AES-GCM tag)`;
  }
  const rsa = bytes.readUInt16BE(0);
  if (rsa < SEALED_RSA_MIN_BYTES || rsa > SEALED_RSA_MAX_BYTES) {
    return `its first two bytes give an RSA ciphertext of ${rsa} bytes, where a sealed value has ${SEALED_RSA_MIN_BYTES} to ${SEALED_RSA_MAX_BYTES} (a 2048- to 8192-bit key)`;
  }
  if (bytes.length < 2 + rsa + GCM_TAG_BYTES) {
    return `it decodes to ${bytes.length} bytes, shorter than its ${rsa}-byte RSA ciphertext and the AES-GCM tag`;
  }
  return undefined;
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const groupOf = (o: Json) => (typeof o?.apiVersion === 'string' && o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.indexOf('/')) : '');

/** Whether `o` is a `kind` of External Secrets Operator (any version). */
export const isExternalSecrets = (o: Json, ...kinds: string[]) => groupOf(o) === EXTERNAL_SECRETS_GROUP && kinds.includes(o?.kind);
/** Whether `o` is a SealedSecret (any version). */
export const isSealedSecret = (o: Json) => groupOf(o) === SEALED_SECRETS_GROUP && o?.kind === 'SealedSecret';

/** The ClusterSecretStores a namespace admits, from its Namespace object's annotation. */
export function allowedClusterStores(namespace: Json | undefined): string[] {
  const value = namespace?.metadata?.annotations?.[CLUSTER_SECRET_STORES_ANNOTATION];
  return typeof value === 'string' ? value.split(',').map(s => s.trim()).filter(Boolean) : [];
}

/** A store an ExternalSecret reads from, and where it is named. */
export interface StoreReference {
  /** `SecretStore` or `ClusterSecretStore` (as written; `SecretStore` when left out). */
  readonly kind: string;
  readonly name: unknown;
  /** Where the reference sits, e.g. `spec.secretStoreRef` or `spec.dataFrom[0].sourceRef.storeRef`. */
  readonly field: string;
  /** Whether this source is a `find`, which takes every secret of the store that matches. */
  readonly find?: boolean;
  /** Whether it is `spec.secretStoreRef` again, for a `dataFrom` entry without a store of its own. */
  readonly inherited?: boolean;
}

/**
 * Every store an ExternalSecret reads from: `spec.secretStoreRef`, and each `data[]` and
 * `dataFrom[]` entry's `sourceRef.storeRef`, which overrides it for that entry. A `dataFrom` find
 * with no store of its own is listed again as `spec.secretStoreRef`, `inherited`, at its own field
 * (what it takes depends on the store); other entries without one read `spec.secretStoreRef`.
 */
export function storeReferences(es: Json): StoreReference[] {
  const spec = isObject(es?.spec) ? es.spec : {};
  const ref = (r: unknown, field: string, find?: boolean): StoreReference =>
    ({ kind: isObject(r) && r.kind !== undefined ? String(r.kind) : 'SecretStore', name: isObject(r) ? r.name : undefined, field, ...(find ? { find } : {}) });
  const main = isObject(spec.secretStoreRef) ? ref(spec.secretStoreRef, 'spec.secretStoreRef') : undefined;
  const entries = (list: 'data' | 'dataFrom') => (Array.isArray(spec[list]) ? spec[list] as unknown[] : []).flatMap((e, i): StoreReference[] => {
    const find = list === 'dataFrom' && isObject(e) && e.find !== undefined;
    const own = isObject(e) && isObject(e.sourceRef) ? e.sourceRef.storeRef : undefined;
    if (isObject(own)) return [ref(own, `spec.${list}[${i}].sourceRef.storeRef`, find)];
    if (isObject(e) && isObject(e.sourceRef) && e.sourceRef.generatorRef !== undefined) return [];
    return main && find ? [{ ...main, field: `spec.${list}[${i}]`, find, inherited: true }] : [];
  });
  return [...(main ? [main] : []), ...entries('data'), ...entries('dataFrom')];
}

/** A Secret that an ExternalSecret or SealedSecret makes. */
export interface DeliveredSecret {
  /** The ExternalSecret or SealedSecret. */
  readonly object: Json;
  readonly namespace: string;
  /** The Secret's name. */
  readonly name: string;
  readonly via: 'ExternalSecret' | 'SealedSecret';
  /** `SecretStore/<name>` or `ClusterSecretStore/<name>`, for an ExternalSecret. */
  readonly stores: string[];
  /** Its keys, sorted; `undefined` when they cannot be read from the object (dataFrom, templates). */
  readonly keys: string[] | undefined;
}

/** The Secret an ExternalSecret or SealedSecret produces, or `undefined` for any other object. */
export function deliveredSecret(o: Json): DeliveredSecret | undefined {
  const spec = isObject(o?.spec) ? o.spec : {};
  if (isExternalSecrets(o, 'ExternalSecret')) {
    const target = isObject(spec.target) ? spec.target : {};
    const template = isObject(target.template) ? target.template : undefined;
    const templated = template !== undefined && (isObject(template.data) && Object.keys(template.data).length > 0
      || Array.isArray(template.templateFrom) && template.templateFrom.length > 0);
    const data = Array.isArray(spec.data) ? spec.data as unknown[] : [];
    const fromAll = Array.isArray(spec.dataFrom) && spec.dataFrom.length > 0;
    return {
      object: o,
      namespace: namespaceOf(o),
      name: String(typeof target.name === 'string' && target.name !== '' ? target.name : o.metadata?.name),
      via: 'ExternalSecret',
      stores: [...new Set(storeReferences(o).map(r => `${r.kind}/${String(r.name)}`))],
      keys: fromAll || templated ? undefined : [...new Set(data.map(d => (isObject(d) ? String(d.secretKey) : '?')))].sort(),
    };
  }
  if (isSealedSecret(o)) {
    const template = isObject(spec.template) ? spec.template : {};
    return {
      object: o,
      namespace: namespaceOf(o),
      name: String(o.metadata?.name),
      via: 'SealedSecret',
      stores: [],
      keys: spec.data !== undefined ? undefined
        : [...new Set([...Object.keys(isObject(spec.encryptedData) ? spec.encryptedData : {}), ...Object.keys(isObject(template.data) ? template.data : {})])].sort(),
    };
  }
  return undefined;
}

/** A pod's reference to a Secret, with the key when it names one. */
export interface SecretReference {
  readonly name: string;
  /** A key the pod reads; undefined for a whole Secret (envFrom, a volume without items). */
  readonly key?: string;
  /** Where, in the object, e.g. `spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef`. */
  readonly field: string;
  /** Whether the pod starts without it (`optional: true`). */
  readonly optional: boolean;
}

/** Every Secret a pod reads: env secretKeyRef, envFrom secretRef, secret volumes and projected secret sources. */
export function secretReferencesOf(pod: PodTemplate): SecretReference[] {
  const out: SecretReference[] = [];
  const add = (ref: unknown, nameField: string, field: string, items?: unknown, key?: unknown) => {
    if (!isObject(ref) || typeof ref[nameField] !== 'string') return;
    const optional = ref.optional === true;
    const base = { name: ref[nameField] as string, optional };
    if (typeof key === 'string') out.push({ ...base, key, field });
    else if (Array.isArray(items) && items.length > 0) items.forEach((it, i) => { if (isObject(it) && typeof it.key === 'string') out.push({ ...base, key: it.key, field: `${field}.items[${i}]` }); });
    else out.push({ ...base, field });
  };
  for (const { container, path } of pod.containers) {
    (Array.isArray(container.env) ? container.env as unknown[] : []).forEach((e, i) => {
      const ref = isObject(e) && isObject(e.valueFrom) ? e.valueFrom.secretKeyRef : undefined;
      if (isObject(ref)) add(ref, 'name', `${path}.env[${i}].valueFrom.secretKeyRef`, undefined, ref.key);
    });
    (Array.isArray(container.envFrom) ? container.envFrom as unknown[] : []).forEach((e, i) => {
      if (isObject(e)) add(e.secretRef, 'name', `${path}.envFrom[${i}].secretRef`);
    });
  }
  (Array.isArray(pod.spec.volumes) ? pod.spec.volumes as unknown[] : []).forEach((v, i) => {
    if (!isObject(v)) return;
    const field = `${pod.specPath}.volumes[${i}]`;
    if (isObject(v.secret)) add(v.secret, 'secretName', `${field}.secret`, v.secret.items);
    const sources = isObject(v.projected) && Array.isArray(v.projected.sources) ? v.projected.sources as unknown[] : [];
    sources.forEach((s, j) => { if (isObject(s) && isObject(s.secret)) add(s.secret, 'name', `${field}.projected.sources[${j}].secret`, s.secret.items); });
  });
  return out;
}

/**
 * The Secret types a delivered Secret may have, with the keys the API server requires of each
 * (`all` of them, or at least one of `oneOf`). No `kubernetes.io/service-account-token`: the token
 * controller would mint a never-expiring token into it (secret.service-account-token).
 */
export const DELIVERED_SECRET_TYPES: Readonly<Record<string, { readonly all?: readonly string[]; readonly oneOf?: readonly string[] }>> = {
  'Opaque': {},
  'kubernetes.io/tls': { all: ['tls.crt', 'tls.key'] },
  'kubernetes.io/dockerconfigjson': { all: ['.dockerconfigjson'] },
  'kubernetes.io/basic-auth': { oneOf: ['username', 'password'] },
  'kubernetes.io/ssh-auth': { all: ['ssh-privatekey'] },
};

/** Why `keys` do not make a Secret of `type` (`it ...`), or `undefined` when they do. */
export function secretTypeKeysProblem(type: string, keys: readonly string[]): string | undefined {
  const need = DELIVERED_SECRET_TYPES[type];
  if (!need) return undefined;
  const missing = (need.all ?? []).filter(k => !keys.includes(k));
  if (missing.length) return `a ${type} Secret needs the key${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which it does not deliver`;
  if (need.oneOf && !need.oneOf.some(k => keys.includes(k))) return `a ${type} Secret needs at least one of the keys ${need.oneOf.join(', ')}`;
  return undefined;
}
