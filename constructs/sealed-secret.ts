import { Construct } from 'constructs';
import { SealedSecret } from '../imports/bitnami.com';
import { MANAGED_BY } from '../policy/annotations';
import { refuse } from '../policy/errors';
import { configMapKeyProblem } from '../policy/grammar';
import { DELIVERED_SECRET_TYPES, sealedCiphertextProblem, secretTypeKeysProblem } from '../policy/secret-sources';
import { DeliveredSecretType, IDeliveredSecret } from './external-secret';
import { ITenantNamespace } from './tenant-namespace';
import { checkDnsLabel, checkLabels } from './validate';

/** Values sealed with kubeseal; {@link HardenedSealedSecretProps} adds the namespace. */
export interface SealedSecretSource {
  /**
   * Key of the Secret to its value as kubeseal prints it (base64 ciphertext), sealed for this
   * namespace and the Secret's name with strict scope, kubeseal's default:
   * `kubeseal --raw --namespace <ns> --name <name> --from-file=<file>`. Never the plaintext.
   */
  readonly encryptedData: Record<string, string>;
  /** The Secret's type; its required keys must be sealed (e.g. `tls.crt` and `tls.key`). @default 'Opaque' */
  readonly type?: DeliveredSecretType;
}

export interface HardenedSealedSecretProps extends SealedSecretSource {
  /** The namespace the Secret is unsealed in: part of what each value is sealed for. */
  readonly namespace: ITenantNamespace;
  /** The Secret's name, and the SealedSecret's: part of what each value is sealed for. A DNS label. @default - the construct id */
  readonly name?: string;
  /** Extra labels for the SealedSecret and its Secret. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * A Secret whose values are sealed in Git for the Sealed Secrets controller's key: a `SealedSecret`
 * (bitnami.com/v1alpha1) with strict scope only (no `sealedsecrets.bitnami.com/namespace-wide` or
 * `cluster-wide` annotation, so a value unseals under this namespace and name alone and cannot be
 * replayed elsewhere), ciphertext only (every value checked to be kubeseal's format, none in
 * `spec.template.data`, no legacy `spec.data`), owned by the SealedSecret.
 */
export class HardenedSealedSecret extends Construct implements IDeliveredSecret {
  public readonly name: string;
  public readonly namespace: string;
  public readonly keys: readonly string[];
  public readonly deliveredBy = 'SealedSecret';
  public readonly object: SealedSecret;

  constructor(scope: Construct, id: string, props: HardenedSealedSecretProps) {
    super(scope, id);
    this.name = checkDnsLabel(this, 'name', props.name ?? id);
    if (!props.namespace || typeof props.namespace.name !== 'string') {
      refuse(this, 'namespace', props.namespace, 'must be a TenantNamespace', 'pass the TenantNamespace the Secret is unsealed in');
    }
    this.namespace = props.namespace.name;
    const data = props.encryptedData;
    if (typeof data !== 'object' || data === null || Array.isArray(data) || Object.keys(data).length === 0) {
      refuse(this, 'encryptedData', data, 'must be a non-empty map of key to sealed value', `seal each value: kubeseal --raw --namespace ${this.namespace} --name ${this.name} --from-file=<file>`);
    }
    for (const [key, value] of Object.entries(data)) {
      const problem = configMapKeyProblem(key);
      if (problem) refuse(this, 'encryptedData', key, `has a key that ${problem}`, 'name the key with letters, digits, "-", "_" and ".", e.g. "password"');
      const notSealed = sealedCiphertextProblem(value);
      // Never the value itself: it may be the plaintext written in the wrong place.
      if (notSealed) {
        refuse(this, `encryptedData.${key}`, '<redacted>', `is not a sealed value: ${notSealed}`,
          `seal it for this namespace and name: echo -n "<value>" | kubeseal --raw --namespace ${this.namespace} --name ${this.name} --from-file=/dev/stdin`);
      }
    }
    this.keys = Object.keys(data).sort();
    const type = props.type ?? 'Opaque';
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(DELIVERED_SECRET_TYPES, type)) {
      refuse(this, 'type', type, 'is not a type a delivered Secret may have', `use one of ${Object.keys(DELIVERED_SECRET_TYPES).join(', ')}`);
    }
    const typeProblem = secretTypeKeysProblem(type, this.keys);
    if (typeProblem) refuse(this, 'encryptedData', this.keys, typeProblem, `seal a value for each key the ${type} type needs, or leave type out`);

    const labels = { ...checkLabels(this, 'labels', props.labels ?? {}), ...MANAGED_BY };
    this.object = new SealedSecret(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        encryptedData: { ...data },
        // The Secret's type and labels only: no data (plaintext), no annotations (scope, ownership).
        template: { type, metadata: { labels } },
      },
    });
  }
}
