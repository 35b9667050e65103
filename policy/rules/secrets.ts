import { credentialInValue, credentialsInArgv, looksLikeCredential } from '../credentials';
import { Json } from '../model';
import { Rule } from '../rule';

/** Secrets: no secret values in Git, no literal credentials in env. */

export const SECRETS_RULES: Rule[] = [
  {
    id: 'secret.data-in-git', family: 'secrets', severity: 'error', title: 'no Secret with data in Git',
    fix: 'create the Secret outside Git (External Secrets, Sealed Secrets, or by hand) and reference it',
    check: ctx => ctx.ofKind('Secret').flatMap(s => (['data', 'stringData'] as const)
      .filter(k => Object.keys(s[k] ?? {}).length > 0).map(k => ({ object: s, field: k, message: 'secret values would be readable by everyone with the repo' }))),
  },
  {
    id: 'secret.service-account-token', family: 'secrets', severity: 'error',
    title: 'no long-lived service account token Secret',
    fix: 'let pods get short-lived projected tokens (a projected serviceAccountToken volume) instead of a kubernetes.io/service-account-token Secret',
    // The token controller fills such a Secret with a token that never expires, for whichever
    // account its annotation names: token minting by manifest.
    check: ctx => ctx.ofKind('Secret').filter(s => String(s.type ?? '').trim() === 'kubernetes.io/service-account-token').map(s => ({
      object: s, field: 'type',
      message: `the token controller would mint a never-expiring token for service account ${JSON.stringify(s.metadata?.annotations?.['kubernetes.io/service-account.name'] ?? '?')}`,
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
];
