import { looksLikeCredential } from '../credentials';
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
];
