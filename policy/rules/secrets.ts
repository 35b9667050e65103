import { credentialInValue, credentialsInArgv, looksLikeCredential } from '../credentials';
import { Json, ManifestContext, namespaceOf } from '../model';
import { Rule, RuleViolation } from '../rule';
import {
  allowedClusterStores, CLUSTER_SECRET_STORES_ANNOTATION, deliveredSecret, isExternalSecrets, isSealedSecret, SEALED_SECRETS_ANNOTATION_PREFIX,
  sealedCiphertextProblem, storeReferences,
} from '../secret-sources';

/**
 * Secrets: no secret values in Git, no literal credentials in env; Secrets delivered from a secret
 * manager (External Secrets Operator, Sealed Secrets) read only what their namespace may read and
 * write only a Secret they own.
 */

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const SA_TOKEN = 'kubernetes.io/service-account-token';

/** The type of the Secret an object makes, with where it is written: a Secret's own, an ExternalSecret's or a SealedSecret's template. */
function producedTypes(ctx: ManifestContext): { object: Json; field: string; type: unknown; annotations: Json }[] {
  return [
    ...ctx.ofKind('Secret').map(s => ({ object: s, field: 'type', type: s.type, annotations: s.metadata?.annotations })),
    ...ctx.ofKind('ExternalSecret').filter(o => isExternalSecrets(o, 'ExternalSecret')).map(o => {
      const t = o.spec?.target?.template;
      return { object: o, field: 'spec.target.template.type', type: isObject(t) ? t.type : undefined, annotations: isObject(t) ? t.metadata?.annotations : undefined };
    }),
    ...ctx.ofKind('SealedSecret').filter(isSealedSecret).map(o => {
      const t = o.spec?.template;
      return { object: o, field: 'spec.template.type', type: isObject(t) ? t.type : undefined, annotations: isObject(t) ? t.metadata?.annotations : undefined };
    }),
  ];
}

/** What each Sealed Secrets annotation would do on a SealedSecret, and why a tenant's may not carry it. */
const SEALED_ANNOTATIONS: Record<string, string> = {
  'cluster-wide': 'unseals a value sealed for any namespace and name: a copy of anyone\'s cluster-wide SealedSecret would decrypt here',
  'namespace-wide': 'unseals a value sealed for any name of the namespace, so a sealed value can be replayed under another name',
  'skip-set-owner-references': 'leaves the Secret without an owner: it outlives the SealedSecret, where the deployer cannot delete it',
  'managed': 'lets the controller take over a Secret that exists already, one the tenant did not make',
  'patch': 'lets the controller patch a Secret that exists already, one the tenant did not make',
};

/** Every `sealedsecrets.bitnami.com/` annotation of a SealedSecret, on it or on its template (any case: no spelling slips through). */
function sealedAnnotations(o: Json): RuleViolation[] {
  const maps: [string, unknown][] = [['metadata.annotations', o.metadata?.annotations], ['spec.template.metadata.annotations', o.spec?.template?.metadata?.annotations]];
  return maps.flatMap(([at, annotations]) => Object.keys(isObject(annotations) ? annotations : {})
    .filter(k => k.toLowerCase().startsWith(SEALED_SECRETS_ANNOTATION_PREFIX))
    .map(k => {
      // An own key only: `sealedsecrets.bitnami.com/constructor` would read Object's constructor.
      const name = k.slice(SEALED_SECRETS_ANNOTATION_PREFIX.length);
      const what = Object.prototype.hasOwnProperty.call(SEALED_ANNOTATIONS, name) ? SEALED_ANNOTATIONS[name]
        : 'is an annotation of the Sealed Secrets controller, and strict scope needs none';
      return { object: o, field: `${at}.${k}`, message: `${k} ${what}` };
    }));
}

/** What each creationPolicy other than Owner would do. */
const CREATION_POLICIES: Record<string, string> = {
  Merge: 'writes its keys into a Secret that exists already, made by someone else (a service-account token, a platform Secret)',
  CreateOrMerge: 'writes its keys into a Secret that exists already, made by someone else, and leaves it unowned',
  Orphan: 'leaves the Secret without an owner: it outlives the ExternalSecret, where the deployer cannot delete it',
  None: 'makes no Secret: nothing a pod could read',
};

export const SECRETS_RULES: Rule[] = [
  {
    id: 'secret.data-in-git', family: 'secrets', severity: 'error', title: 'no Secret with data in Git',
    fix: 'create the Secret outside Git (External Secrets, Sealed Secrets, or by hand) and reference it',
    check: ctx => ctx.ofKind('Secret').flatMap(s => (['data', 'stringData'] as const)
      .filter(k => Object.keys(s[k] ?? {}).length > 0).map(k => ({ object: s, field: k, message: 'secret values would be readable by everyone with the repo' }))),
  },
  {
    id: 'secret.service-account-token', family: 'secrets', severity: 'error',
    title: 'no long-lived service account token Secret, made directly or through an ExternalSecret or SealedSecret',
    fix: 'let pods get short-lived projected tokens (a projected serviceAccountToken volume) instead of a kubernetes.io/service-account-token Secret',
    // The token controller fills such a Secret with a token that never expires, for whichever
    // account its annotation names: token minting by manifest.
    // Also the Secret an ExternalSecret or SealedSecret would make: its template's type.
    check: ctx => producedTypes(ctx).filter(p => String(p.type ?? '').trim() === SA_TOKEN).map(p => ({
      object: p.object, field: p.field,
      message: `the token controller would mint a never-expiring token for service account ${JSON.stringify((isObject(p.annotations) ? p.annotations['kubernetes.io/service-account.name'] : undefined) ?? '?')}`,
    })),
  },
  {
    id: 'env.literal-credential', family: 'secrets', severity: 'error', title: 'no literal credential in env',
    fix: 'take the value from a Secret: valueFrom.secretKeyRef',
    check: ctx => ctx.pods.flatMap(pod => pod.containers.map(r => ({ c: r.container as Json, path: r.path })).flatMap(({ c, path }) => ((c.env ?? []) as Json[])
      .map((e, i) => ({ e, i })).filter(({ e }) => typeof e.value === 'string' && e.value !== '' && looksLikeCredential(String(e.name)))
      .map(({ e, i }) => ({ object: pod.object, field: `${path}.env[${i}].value`, message: `${e.name} is a literal credential` })))),
  },
  {
    id: 'secret.credential-in-value', family: 'secrets', severity: 'error', title: 'no credential in a literal env value, command line or ConfigMap',
    fix: 'put the credential in a Secret and take it from there: env valueFrom.secretKeyRef, "--password=$(DB_PASSWORD)" in args, a Secret volume instead of a ConfigMap',
    // By what the value looks like (a URL with a password, a private key, a known token), whatever
    // it is called; env names that say "credential" are env.literal-credential's. Messages say
    // what was found, never the value.
    check: ctx => [
      ...ctx.pods.flatMap(pod => pod.containers.flatMap(({ container, path }) => {
        const c = container as Json;
        const strings = (list: unknown) => (Array.isArray(list) ? list : []).map(item => (typeof item === 'string' ? item : ''));
        const command = strings(c.command);
        const env = ((Array.isArray(c.env) ? c.env : []) as Json[]).flatMap((e, i) => {
          const what = typeof e?.value === 'string' && !looksLikeCredential(String(e.name)) ? credentialInValue(e.value) : undefined;
          return what ? [{ field: `${path}.env[${i}].value`, message: `${e.name} holds ${what}` }] : [];
        });
        const argv = credentialsInArgv([...command, ...strings(c.args)]).map(({ index, what }) => ({
          field: index < command.length ? `${path}.command[${index}]` : `${path}.args[${index - command.length}]`, message: `holds ${what}`,
        }));
        return [...env, ...argv].map(v => ({ object: pod.object, ...v }));
      })),
      ...ctx.ofKind('ConfigMap').flatMap(cm => Object.entries((cm.data ?? {}) as Json).flatMap(([key, value]) => {
        const what = typeof value === 'string' ? credentialInValue(value) : undefined;
        return what ? [{ object: cm, field: `data.${key}`, message: `holds ${what}` }] : [];
      })),
    ],
  },
  {
    id: 'secret.sealed-scope', family: 'secrets', severity: 'error', waivable: false,
    title: 'SealedSecrets are sealed for their own namespace and name (strict scope), with no controller annotation',
    fix: 'seal the value for this namespace and name (kubeseal --scope strict, the default) and remove the sealedsecrets.bitnami.com/ annotation',
    // Not waivable: a wider scope harms whoever sealed a value cluster- or namespace-wide, not the
    // tenant who would waive it.
    check: ctx => ctx.ofKind('SealedSecret').filter(isSealedSecret).flatMap(sealedAnnotations),
  },
  {
    id: 'secret.sealed-ciphertext', family: 'secrets', severity: 'error',
    title: 'SealedSecrets hold only ciphertext: no plaintext template data, no legacy data',
    fix: 'seal every value with kubeseal into spec.encryptedData; put no value in spec.template.data, and reseal a legacy spec.data SealedSecret',
    check: ctx => ctx.ofKind('SealedSecret').filter(isSealedSecret).flatMap(o => {
      const spec = isObject(o.spec) ? o.spec : {};
      const template = isObject(spec.template) ? spec.template : {};
      const found: RuleViolation[] = [];
      // Messages name the key and the problem, never the value.
      for (const [key, value] of Object.entries(isObject(spec.encryptedData) ? spec.encryptedData : {})) {
        const problem = sealedCiphertextProblem(value);
        if (problem) found.push({ object: o, field: `spec.encryptedData.${key}`, message: `${key} is not a sealed value: ${problem}` });
      }
      if (spec.data !== undefined) {
        found.push({ object: o, field: 'spec.data', message: 'the legacy single-blob format (deprecated since v0.7): its keys cannot be read, and current controllers refuse it unless told otherwise' });
      }
      for (const at of ['data', 'stringData'] as const) {
        if (isObject(template[at]) && Object.keys(template[at]).length > 0) {
          found.push({ object: o, field: `spec.template.${at}`, message: `${Object.keys(template[at]).join(', ')} would be written in Git in plaintext${at === 'data' ? ' (and run as a Go template by the controller)' : ''}` });
        }
      }
      if (isObject(spec.stringData) && Object.keys(spec.stringData).length > 0) {
        found.push({ object: o, field: 'spec.stringData', message: `${Object.keys(spec.stringData).join(', ')} would be written in Git in plaintext` });
      }
      return found;
    }),
  },
  {
    id: 'secret.external-store', family: 'secrets', severity: 'error', waivable: false,
    title: 'ExternalSecrets read a SecretStore of their namespace, or a ClusterSecretStore the platform allows there',
    fix: `reference the namespace's SecretStore (secretStoreRef.kind: SecretStore), or ask the platform team to add the ClusterSecretStore to clusterSecretStores (the Namespace's ${CLUSTER_SECRET_STORES_ANNOTATION} annotation)`,
    // Not waivable: a ClusterSecretStore or ClusterGenerator answers every namespace, with the
    // platform's credentials; the tenant's own waiver would let it read what other tenants keep
    // there. The platform's allow-list, on the Namespace it applies, is the one way in.
    check: ctx => ctx.ofKind('ExternalSecret').filter(o => isExternalSecrets(o, 'ExternalSecret')).flatMap(o => {
      const namespace = namespaceOf(o);
      const allowed = allowedClusterStores(ctx.namespaceObject(namespace));
      const stores = storeReferences(o).flatMap((r): RuleViolation[] => {
        if (r.kind === 'SecretStore') return [];
        if (r.kind !== 'ClusterSecretStore' || typeof r.name !== 'string' || !allowed.includes(r.name)) {
          // Reported once, where the store is named.
          return r.inherited ? [] : [{
            object: o, field: `${r.field}.kind`,
            message: `${r.kind} ${JSON.stringify(r.name)} is not a store namespace ${namespace} may read (its Namespace allows ${allowed.length ? allowed.join(', ') : 'no ClusterSecretStore'})`,
          }];
        }
        return r.find
          ? [{ object: o, field: r.inherited ? `${r.field}.find` : r.field, message: `a find over ClusterSecretStore ${r.name} would take every secret it holds for every namespace` }]
          : [];
      });
      const spec = isObject(o.spec) ? o.spec : {};
      const generators = (['data', 'dataFrom'] as const).flatMap(list => (Array.isArray(spec[list]) ? spec[list] as unknown[] : []).flatMap((e, i) => {
        const g = isObject(e) && isObject(e.sourceRef) ? e.sourceRef.generatorRef : undefined;
        return isObject(g) && g.kind === 'ClusterGenerator'
          ? [{ object: o, field: `spec.${list}[${i}].sourceRef.generatorRef.kind`, message: `ClusterGenerator ${JSON.stringify(g.name)} is the platform's, with the platform's credentials, and serves every namespace` }]
          : [];
      }));
      return [...stores, ...generators];
    }),
  },
  {
    id: 'secret.external-find', family: 'secrets', severity: 'error',
    title: 'ExternalSecrets name the secrets they take: no dataFrom find',
    fix: 'list each remote key in data (or dataFrom extract of one remote key), so that the review sees what the Secret holds',
    check: ctx => ctx.ofKind('ExternalSecret').filter(o => isExternalSecrets(o, 'ExternalSecret')).flatMap(o => (Array.isArray(o.spec?.dataFrom) ? o.spec.dataFrom as unknown[] : [])
      .flatMap((e, i) => (isObject(e) && e.find !== undefined
        ? [{ object: o, field: `spec.dataFrom[${i}].find`, message: 'takes every secret of the store whose name or tags match, whatever is added to it later' }]
        : []))),
  },
  {
    id: 'secret.external-target', family: 'secrets', severity: 'error', waivable: false,
    title: 'an ExternalSecret or SealedSecret makes and owns its Secret, which nothing else makes',
    fix: 'leave spec.target.creationPolicy out (Owner), and give every delivered Secret a name of its own in the namespace',
    // Not waivable: Merge writes into a Secret the tenant did not make, and a Secret made twice
    // flips between its makers.
    check: ctx => {
      const found: RuleViolation[] = [];
      for (const o of ctx.ofKind('ExternalSecret').filter(e => isExternalSecrets(e, 'ExternalSecret'))) {
        const policy = o.spec?.target?.creationPolicy;
        if (policy !== undefined && policy !== 'Owner') {
          found.push({ object: o, field: 'spec.target.creationPolicy', message: `${JSON.stringify(policy)} ${Object.prototype.hasOwnProperty.call(CREATION_POLICIES, String(policy)) ? CREATION_POLICIES[String(policy)] : 'is not Owner'}` });
        }
      }
      // One maker per Secret: a Secret object, an ExternalSecret's target or a SealedSecret.
      const makers = new Map<string, { object: Json; field: string }[]>();
      const add = (namespace: string, name: string, object: Json, field: string) => {
        const key = `${namespace}/${name}`;
        makers.set(key, [...(makers.get(key) ?? []), { object, field }]);
      };
      // In the order of the set: the later maker is reported.
      for (const o of [...ctx.ofKind('Secret'), ...ctx.ofKind('ExternalSecret'), ...ctx.ofKind('SealedSecret')].sort((a, b) => ctx.objects.indexOf(a) - ctx.objects.indexOf(b))) {
        if (o.kind === 'Secret') {
          if (!isObject(o) || typeof o.apiVersion !== 'string' || o.apiVersion !== 'v1') continue;
          add(namespaceOf(o), String(o.metadata?.name), o, 'metadata.name');
          continue;
        }
        const d = deliveredSecret(o);
        if (d) add(d.namespace, d.name, o, d.via === 'ExternalSecret' && typeof o.spec?.target?.name === 'string' && o.spec.target.name !== '' ? 'spec.target.name' : 'metadata.name');
      }
      for (const [key, list] of makers) {
        for (const m of list.slice(1)) {
          found.push({ object: m.object, field: m.field, message: `Secret ${key} is also made by ${list[0].object.kind} ${list[0].object.metadata?.name}` });
        }
      }
      return found;
    },
  },
  {
    id: 'secret.external-kinds', family: 'secrets', severity: 'error',
    title: 'no PushSecret or ClusterExternalSecret',
    fix: 'deliver Secrets into the namespace with an ExternalSecret; pushing to the store and fanning out to namespaces are the platform team\'s, with a waiver that says why',
    check: ctx => [
      ...ctx.ofKind('PushSecret').filter(o => isExternalSecrets(o, 'PushSecret')).map(o => ({
        object: o, field: 'kind', message: 'writes Secrets of the namespace into the store, where other readers of the store would take them as the platform\'s values',
      })),
      ...ctx.ofKind('ClusterExternalSecret').filter(o => isExternalSecrets(o, 'ClusterExternalSecret')).map(o => ({
        object: o, field: 'kind', message: 'creates ExternalSecrets in every namespace its selectors match, other tenants\' too',
      })),
    ],
  },
];
