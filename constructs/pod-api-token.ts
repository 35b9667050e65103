import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { EXCEPTION_PREFIX } from '../policy/annotations';
import {
  DEFAULT_TOKEN_EXPIRATION, KUBERNETES_API_EXCEPTION, MAX_TOKEN_EXPIRATION, MIN_TOKEN_EXPIRATION, SERVICE_ACCOUNT_MOUNT,
} from '../policy/api-access';
import { refuse } from '../policy/errors';
import { checkInteger, checkReason } from './validate';

/**
 * A service account token for a pod that calls the Kubernetes API on purpose: projected, bound to
 * an audience and a short expiry, never the legacy automounted one (the pod and its ServiceAccount
 * keep `automountServiceAccountToken: false`). The rights the token carries are the business of
 * the RBAC objects bound to the pod's ServiceAccount (see KubernetesApiAccess).
 */
export interface ApiTokenProps {
  /**
   * The audience the token is bound to: one the API server accepts (its `--api-audiences`, by
   * default its `--service-account-issuer`), so that no other service that trusts the issuer accepts it.
   */
  readonly audience: string;
  /**
   * How long the token lives; the kubelet refreshes it at 80% of that.
   * @asType integer @minimum 600 @maximum 3600 @default 3600
   */
  readonly expirationSeconds?: number;
  /** Why the pod calls the API: written as `guardrails.cdk8s.io/exception.kubernetes-api` on the workload and its pods. */
  readonly reason: string;
}

/** The name of the token's volume, the one the kubelet gives the legacy token (without its random suffix). */
export const API_TOKEN_VOLUME = 'kube-api-access';

/** The pod's token, checked: its volume, the main container's mount, and the exception's annotation. */
export interface PodApiToken {
  readonly volume: k8s.Volume;
  readonly mount: k8s.VolumeMount;
  readonly annotations: Record<string, string>;
}

/**
 * Checks `apiToken` and builds the projected volume client-go's in-cluster config reads unchanged:
 * `token` (audience- and expiry-bound), `ca.crt` from the `kube-root-ca.crt` ConfigMap every
 * namespace has, and `namespace` from the downward API, read-only at 0440 at
 * /var/run/secrets/kubernetes.io/serviceaccount.
 */
export function checkApiToken(scope: Construct, token: ApiTokenProps | undefined): PodApiToken | undefined {
  if (token === undefined) return undefined;
  if (token === null || typeof token !== 'object') refuse(scope, 'apiToken', token, 'must be { audience, reason }', 'e.g. apiToken: { audience: "https://kubernetes.default.svc.cluster.local", reason: "..." }');
  const audience = token.audience;
  if (typeof audience !== 'string' || audience.trim() === '' || /\s/.test(audience)) {
    refuse(scope, 'apiToken.audience', audience, 'must be a non-empty audience without spaces',
      'set the audience the API server accepts, e.g. "https://kubernetes.default.svc.cluster.local" (see the aud claim of `kubectl create token default`)');
  }
  const expirationSeconds = checkInteger(scope, 'apiToken.expirationSeconds', token.expirationSeconds ?? DEFAULT_TOKEN_EXPIRATION,
    MIN_TOKEN_EXPIRATION, MAX_TOKEN_EXPIRATION);
  const reason = checkReason(scope, 'apiToken.reason', token.reason);
  return {
    volume: {
      name: API_TOKEN_VOLUME,
      projected: {
        defaultMode: 0o440,
        sources: [
          { serviceAccountToken: { audience, expirationSeconds, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardApi: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
    mount: { name: API_TOKEN_VOLUME, mountPath: SERVICE_ACCOUNT_MOUNT, readOnly: true },
    annotations: { [`${EXCEPTION_PREFIX}${KUBERNETES_API_EXCEPTION}`]: reason },
  };
}
