import { constants, createCipheriv, generateKeyPairSync, KeyObject, publicEncrypt, randomBytes } from 'crypto';

/**
 * kubeseal's encryption (bitnami-labs/sealed-secrets pkg/crypto HybridEncrypt), in Node: a random
 * AES-256 session key sealed with RSA-OAEP (SHA-256, label `namespace/name` for strict scope),
 * then the value with AES-GCM under a zero nonce; out: 2-byte big-endian RSA length, the RSA
 * ciphertext, the GCM ciphertext and tag. Base64 like kubeseal's output.
 */
export function seal(publicKey: KeyObject, namespace: string, name: string, value: string): string {
  const session = randomBytes(32);
  const rsa = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(`${namespace}/${name}`) }, session);
  const cipher = createCipheriv('aes-256-gcm', session, Buffer.alloc(12));
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsa.length);
  return Buffer.concat([length, rsa, body]).toString('base64');
}

let pair: { publicKey: KeyObject; privateKey: KeyObject } | undefined;
/** One 2048-bit key pair per test file (generating one takes ~50-200 ms). */
export const sealingKeys = () => (pair ??= generateKeyPairSync('rsa', { modulusLength: 2048 }));

/** A sealed value for `namespace/name`, with the shared test key. */
export const sealed = (namespace: string, name: string, value = 's3cr3t-value') => seal(sealingKeys().publicKey, namespace, name, value);
