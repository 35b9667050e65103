import { Construct } from 'constructs';
import {
  ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy, ExternalSecretSpecTargetDeletionPolicy,
} from '../imports/external-secrets.io';
import { MANAGED_BY } from '../policy/annotations';
import { refuse } from '../policy/errors';
import { configMapKeyProblem, dnsSubdomainProblem } from '../policy/grammar';
import { DELIVERED_SECRET_TYPES, secretTypeKeysProblem } from '../policy/secret-sources';
import { ITenantNamespace } from './tenant-namespace';
import { checkDnsLabel, checkLabels, checkString } from './validate';

/** A type of Secret that a secret manager may deliver: see DELIVERED_SECRET_TYPES (no service-account token). */
export type DeliveredSecretType = 'Opaque' | 'kubernetes.io/tls' | 'kubernetes.io/dockerconfigjson' | 'kubernetes.io/basic-auth' | 'kubernetes.io/ssh-auth';

/** What a Secret made from a secret manager tells about itself, for the references to it and the report. */
export interface IDeliveredSecret {
  /** The Secret's name (and its maker's). */
  readonly name: string;
  readonly namespace: string;
  /** Its keys, sorted. */
  readonly keys: readonly string[];
  /** Who makes it, e.g. `ExternalSecret from SecretStore/openbao` or `SealedSecret`. */
  readonly deliveredBy: string;
}

/** One key of the Secret, copied from the store. */
export interface ExternalSecretKey {
  /** The key in the Secret, e.g. `password`: letters, digits, `-`, `_` and `.`. */
  readonly key: string;
  /** The secret's path or name in the store, e.g. `shop/db` (Vault/OpenBao KV path, AWS secret name). */
  readonly remoteKey: string;
  /** One field of a structured (JSON, KV) remote secret, e.g. `password`. @default - the whole remote value */
  readonly property?: string;
}

/** Where the store is and how often to read it; {@link HardenedExternalSecretProps} adds the namespace. */
export interface ExternalSecretSource {
  /**
   * The store to read, by name: a SecretStore of the namespace (the platform team's, which says
   * which vault, path and credentials this namespace reaches), e.g. `openbao`.
   */
  readonly store: string;
  /**
   * `ClusterSecretStore` only for a store the platform allows every tenant namespace
   * (`PlatformSpec.clusterSecretStores`): it answers every namespace with the platform's credentials.
   * @default 'SecretStore'
   */
  readonly storeKind?: 'SecretStore' | 'ClusterSecretStore';
  /**
   * How often the operator reads the store again, as a Go duration: `1h`, `15m`, `1h30m`; `0s`
   * reads it once. At least `1m`: the store (and its API quota) is shared by every namespace.
   * @default '1h'
   */
  readonly refreshInterval?: string;
  /** The Secret's keys and where each comes from; at least one. Only these keys: no `dataFrom` find (a wide grab of the store). */
  readonly data: ExternalSecretKey[];
  /** The Secret's type; its required keys must be in `data` (e.g. `tls.crt` and `tls.key`). @default 'Opaque' */
  readonly type?: DeliveredSecretType;
}

export interface HardenedExternalSecretProps extends ExternalSecretSource {
  /** The namespace the Secret is made in. */
  readonly namespace: ITenantNamespace;
  /** The Secret's name, and the ExternalSecret's: a DNS label. @default - the construct id */
  readonly name?: string;
  /** ClusterSecretStores the platform allows (`PlatformSpec.clusterSecretStores`). @default - none */
  readonly allowedClusterStores?: readonly string[];
  /** Extra labels for the ExternalSecret and its Secret. @default - none */
  readonly labels?: Record<string, string>;
}

/** Go durations (`time.ParseDuration`) as the operator reads refreshInterval. */
const GO_DURATION = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
/** The shortest refresh: every namespace reads the same store, whose API has a quota. */
export const MIN_REFRESH_SECONDS = 60;

/** Seconds of a Go duration, or `undefined` when it is not one. `0` alone is one too. */
export function goDurationSeconds(value: string): number | undefined {
  if (value === '0') return 0;
  if (!GO_DURATION.test(value)) return undefined;
  let total = 0;
  for (const [, n, unit] of value.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(n) * UNIT_SECONDS[unit];
  return total;
}

/**
 * A Secret copied from a secret manager by the External Secrets Operator: an `ExternalSecret`
 * (external-secrets.io/v1) that names each key it takes, reads a SecretStore of its namespace (a
 * ClusterSecretStore only when the platform allows it), and owns the Secret it makes
 * (`creationPolicy: Owner`: the operator creates it, garbage-collected with the ExternalSecret,
 * and never writes into a Secret someone else made). `deletionPolicy: Retain`: when the remote
 * secret disappears (a moved path, a store outage that reads as "not found"), the pods keep the
 * last values rather than losing them at their next restart; revoking a credential is done where
 * it is issued, by rotating it, not by deleting its copy. No `dataFrom` find (a wide grab of the
 * store), no templates (plaintext in Git), no service-account-token type.
 */
export class HardenedExternalSecret extends Construct implements IDeliveredSecret {
  public readonly name: string;
  public readonly namespace: string;
  public readonly keys: readonly string[];
  public readonly deliveredBy: string;
  public readonly object: ExternalSecret;

  constructor(scope: Construct, id: string, props: HardenedExternalSecretProps) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', props.name ?? id);
    if (!props.namespace || typeof props.namespace.name !== 'string') {
      refuse(this, 'namespace', props.namespace, 'must be a TenantNamespace', 'pass the TenantNamespace the Secret is made in');
    }
    this.namespace = props.namespace.name;
    const store = checkString(this, 'store', props.store);
    if (dnsSubdomainProblem(store) !== undefined) {
      refuse(this, 'store', store, 'must be the name of a SecretStore (a DNS-1123 subdomain)', 'name the store the platform team made for this namespace, e.g. "openbao"');
    }
    const kind = props.storeKind ?? 'SecretStore';
    if (kind !== 'SecretStore' && kind !== 'ClusterSecretStore') {
      refuse(this, 'storeKind', kind, 'must be SecretStore or ClusterSecretStore', 'leave storeKind out for the namespace\'s SecretStore');
    }
    const allowed = props.allowedClusterStores ?? [];
    if (kind === 'ClusterSecretStore' && !allowed.includes(store)) {
      refuse(this, 'store', store,
        `is a ClusterSecretStore the platform does not allow (it allows ${allowed.length ? allowed.join(', ') : 'none'}); a ClusterSecretStore answers every namespace with the platform's credentials`,
        'read a SecretStore of the namespace (leave storeKind out), or ask the platform team to add the store to clusterSecretStores');
    }
    const refresh = props.refreshInterval ?? '1h';
    const seconds = typeof refresh === 'string' ? goDurationSeconds(refresh) : undefined;
    if (seconds === undefined) {
      refuse(this, 'refreshInterval', refresh, 'is not a Go duration', 'write it like "1h", "15m" or "1h30m" ("0s" reads the store once)');
    }
    if (seconds > 0 && seconds < MIN_REFRESH_SECONDS) {
      refuse(this, 'refreshInterval', refresh, 'is shorter than a minute; every namespace reads the same store, whose API has a quota',
        'refresh every "1m" or more (rotate by changing the value in the store: the next refresh picks it up)');
    }
    this.keys = checkKeys(this, props.data);
    const type = props.type ?? 'Opaque';
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(DELIVERED_SECRET_TYPES, type)) {
      refuse(this, 'type', type, `is not a type a delivered Secret may have`, `use one of ${Object.keys(DELIVERED_SECRET_TYPES).join(', ')}`);
    }
    const typeProblem = secretTypeKeysProblem(type, this.keys);
    if (typeProblem) refuse(this, 'data', this.keys, typeProblem, `add a data entry for each key the ${type} type needs, or leave type out`);
    this.deliveredBy = `ExternalSecret from ${kind}/${store}`;

    const labels = { ...checkLabels(this, 'labels', props.labels ?? {}), ...MANAGED_BY };
    this.object = new ExternalSecret(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        secretStoreRef: { kind: kind as ExternalSecretSpecSecretStoreRefKind, name: store },
        refreshInterval: refresh,
        target: {
          name: this.name,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
          // A template of its type and labels only: no data templates, so the keys are the store's values as they are.
          template: { type, metadata: { labels } },
        },
        data: props.data.map(d => ({
          secretKey: d.key,
          remoteRef: { key: d.remoteKey, ...(d.property !== undefined ? { property: d.property } : {}) },
        })),
      },
    });
  }
}

function checkKeys(scope: Construct, data: unknown): string[] {
  if (!Array.isArray(data) || data.length === 0) {
    refuse(scope, 'data', data, 'must list at least one key', 'e.g. data: [{ key: "password", remoteKey: "shop/db", property: "password" }]');
  }
  const keys = new Set<string>();
  data.forEach((d: ExternalSecretKey, i) => {
    const field = `data[${i}]`;
    const key = checkString(scope, `${field}.key`, d?.key);
    const problem = configMapKeyProblem(key);
    if (problem) refuse(scope, `${field}.key`, key, problem, 'name the key with letters, digits, "-", "_" and ".", e.g. "password"');
    if (keys.has(key)) refuse(scope, `${field}.key`, key, 'is listed twice', 'give each key of the Secret one source');
    keys.add(key);
    for (const f of ['remoteKey', 'property'] as const) {
      if (f === 'property' && d[f] === undefined) continue;
      const value = checkString(scope, `${field}.${f}`, d[f]);
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(value) || value.trim() !== value) {
        refuse(scope, `${field}.${f}`, value, 'has control characters or leading or trailing spaces', `write the ${f === 'remoteKey' ? 'path of the secret in the store' : 'field'} as the store shows it, e.g. "shop/db"`);
      }
    }
  });
  return [...keys].sort();
}
