import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { HardenedExternalSecret, HardenedSealedSecret, IDeliveredSecret, ITenantNamespace } from '../constructs';
import { deliveredSecret, GuardrailError, refuse } from '../policy';
import { dnsLabelProblem } from '../policy/grammar';
import { EnvironmentSpec, ServiceSpec } from './app-spec';

/**
 * An environment's `secrets`: each Secret built as an ExternalSecret or a SealedSecret in the
 * environment's workloads (which its deployer applies), and the services' references to them
 * checked against the keys each delivers.
 */

/** A refusal of the construct, restated at the spec field it came from (`secrets.<name>.<source>.<field>`). */
function atSpec(where: string, name: string, source: 'external' | 'sealed', build: () => IDeliveredSecret): IDeliveredSecret {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof GuardrailError)) throw e;
    throw new GuardrailError(where, e.field === 'name' ? `secrets.${name}` : `secrets.${name}.${source}.${e.field}`, e.value, e.problem, e.fix);
  }
}

/**
 * Builds the environment's Secrets into `workloads` and returns them by name. Each refusal is
 * reported through `attempt`; a refused Secret is left out (its references are then not checked).
 */
export function buildSecrets(workloads: Construct, where: string, envSpec: EnvironmentSpec, namespace: ITenantNamespace,
  allowedClusterStores: readonly string[], attempt: (fn: () => void) => void): Map<string, IDeliveredSecret> {
  const built = new Map<string, IDeliveredSecret>();
  const secrets = envSpec.secrets ?? {};
  if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) {
    attempt(() => refuse(where, 'secrets', secrets, 'must be a map of Secret name to its source', 'e.g. secrets: { db: { external: { store: "openbao", data: [...] } } }'));
    return built;
  }
  for (const [name, source] of Object.entries(secrets)) {
    attempt(() => {
      if (dnsLabelProblem(name) !== undefined) {
        refuse(where, `secrets.${name}`, name, 'is not a DNS-1123 label: the key is the Secret\'s name', 'use lower-case letters, digits and "-", e.g. "db-credentials"');
      }
      const kinds = (['external', 'sealed'] as const).filter(k => source?.[k] !== undefined);
      if (kinds.length !== 1) {
        refuse(where, `secrets.${name}`, Object.keys(source ?? {}), 'must have exactly one of external and sealed',
          'e.g. { external: { store: "openbao", data: [{ key: "password", remoteKey: "shop/db" }] } } or { sealed: { encryptedData: { password: "AgB..." } } }');
      }
      // Not the name as id: a Secret may share its name with a service.
      const id = `secret-${name}`;
      built.set(name, source.external !== undefined
        ? atSpec(where, name, 'external', () => new HardenedExternalSecret(workloads, id, { ...source.external!, name, namespace, allowedClusterStores }))
        : atSpec(where, name, 'sealed', () => new HardenedSealedSecret(workloads, id, { ...source.sealed!, name, namespace })));
    });
  }
  return built;
}

/**
 * The Secrets that included ExternalSecrets and SealedSecrets of `workloads` deliver, where their
 * keys can be read (not through dataFrom or templates), so that references to them are checked too.
 */
export function includedSecrets(workloads: Construct): Map<string, IDeliveredSecret> {
  const found = new Map<string, IDeliveredSecret>();
  for (const o of workloads.node.children) {
    if (!(o instanceof ApiObject) || (o.kind !== 'ExternalSecret' && o.kind !== 'SealedSecret')) continue;
    const d = deliveredSecret(o.toJson());
    if (d?.keys === undefined) continue;
    const by = d.via === 'ExternalSecret' ? `included ExternalSecret ${o.name} from ${d.stores.join(', ') || 'no store'}` : `included SealedSecret ${o.name}`;
    found.set(d.name, { name: d.name, namespace: d.namespace, keys: d.keys, deliveredBy: by });
  }
  return found;
}

/** A service's reference to a Secret key, where the spec writes it. */
interface KeyReference {
  readonly secret: string;
  readonly key: string;
  readonly field: string;
}

/** Every key of a Secret that a service names: env secretKeyRef, and volume items (plain and projected), in every container. */
function keyReferences(svc: ServiceSpec): KeyReference[] {
  const out: KeyReference[] = [];
  const env = (prefix: string, vars: unknown) => {
    if (typeof vars !== 'object' || vars === null) return;
    for (const [name, value] of Object.entries(vars)) {
      const ref = typeof value === 'object' && value !== null ? (value as any).secretKeyRef : undefined;
      if (typeof ref?.name === 'string' && typeof ref?.key === 'string') out.push({ secret: ref.name, key: ref.key, field: `${prefix}env.${name}.secretKeyRef.key` });
    }
  };
  const items = (secret: unknown, list: unknown, field: string) => {
    if (typeof secret !== 'string' || !Array.isArray(list)) return;
    list.forEach((item, i) => { if (typeof item?.key === 'string') out.push({ secret, key: item.key, field: `${field}.items[${i}].key` }); });
  };
  env('', svc.env);
  for (const list of ['sidecars', 'initContainers'] as const) {
    (Array.isArray(svc[list]) ? svc[list]! : []).forEach((c, i) => env(`${list}[${i}].`, c?.env));
  }
  (Array.isArray(svc.volumes) ? svc.volumes : []).forEach((v, i) => {
    items(v?.secret?.secretName, v?.secret?.items, `volumes[${i}].secret`);
    (Array.isArray(v?.projected?.sources) ? v.projected!.sources : []).forEach((s, j) => items(s?.secret?.name, s?.secret?.items, `volumes[${i}].projected.sources[${j}].secret`));
  });
  return out;
}

/**
 * Refuses a service's reference to a key that a Secret of the environment's `secrets` does not
 * deliver: the pod would not start (CreateContainerConfigError), or start without the file. A
 * reference to a Secret that `secrets` does not name is left alone: it may be made outside.
 */
export function checkSecretReferences(path: string, env: string, svc: ServiceSpec, secrets: ReadonlyMap<string, IDeliveredSecret>,
  attempt: (fn: () => void) => void): void {
  for (const ref of keyReferences(svc)) {
    const secret = secrets.get(ref.secret);
    if (!secret || secret.keys.includes(ref.key)) continue;
    attempt(() => refuse(path, ref.field, ref.key,
      `is not a key of Secret ${ref.secret}, which environments.${env}.secrets.${ref.secret} delivers (${secret.deliveredBy}) with the keys ${secret.keys.join(', ')}`,
      `use one of ${secret.keys.join(', ')}, or add the key to environments.${env}.secrets.${ref.secret}`));
  }
}
