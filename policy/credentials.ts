/**
 * Whether a variable (or flag, or key) NAME says it holds a credential. A name is read as words:
 * split at `_`, `-`, `.` and other punctuation, at camelCase humps and between letters and digits,
 * then upper-cased, so `DB_PASSWORD`, `dbPassword`, `db-password` and `db.password` read alike.
 *
 * - {@link CREDENTIAL_WORDS} anywhere, alone or glued to the end of a word (`PGPASSWORD`,
 *   `DBPASSWORD`, `CLIENTSECRET`): DB_PASSWORD, JWT_SECRET, SECRET_KEY_BASE, GITHUB_TOKEN.
 * - {@link CREDENTIAL_LAST_WORDS} only as the last word and after a qualifier: APP_KEY, SECRET_KEY,
 *   SIGNING_KEY, DB_PASS, MYSQL_PWD, GITHUB_PAT, SENTRY_DSN, BASIC_AUTH. These words also name
 *   things that are no secret when they lead (`KEY_ID`, `AUTH_MODE`, `PASS_THROUGH`) or stand
 *   alone (`PWD` is the shell's working directory), so `AWS_ACCESS_KEY_ID` is not a credential
 *   name: an access key id identifies a key (its value is still checked, see
 *   {@link credentialInValue}). A key qualified by {@link NON_SECRET_KEYS} (`PUBLIC_KEY`,
 *   `CACHE_KEY`) is not a credential either. A switch like `DISABLE_AUTH` is read as a
 *   credential name: write `AUTH_DISABLED`.
 * - Not when a {@link POINTER_WORDS} word follows the last credential word: the name then points
 *   at a secret or describes it rather than holding it (`PASSWORD_FILE`, `TOKEN_PATH`,
 *   `SECRET_NAME`, `TOKEN_TTL_SECONDS`, `PASSWORD_MIN_LENGTH`).
 *
 * A word merely starting with a credential word is not one: `PASSWORDLESS_LOGIN`, `TOKENIZER`.
 */
export const CREDENTIAL_WORDS: readonly string[] = Object.freeze([
  'PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'TOKEN', 'CREDENTIAL', 'CREDENTIALS',
  'APIKEY', 'PRIVATEKEY', 'SECRETKEY', 'ACCESSKEY',
]);

/** Credential words only when last and qualified; see {@link CREDENTIAL_WORDS}. */
export const CREDENTIAL_LAST_WORDS: readonly string[] = Object.freeze(['KEY', 'PASS', 'PWD', 'PAT', 'DSN', 'AUTH', 'PSK']);

/** Qualifiers of `KEY` that name a public value or a lookup key, not a secret. */
export const NON_SECRET_KEYS: readonly string[] = Object.freeze([
  'PUBLIC', 'PUBLISHABLE', 'SITE', 'CACHE', 'SORT', 'PARTITION', 'PRIMARY', 'FOREIGN', 'ROUTING', 'IDEMPOTENCY',
]);

/** Words that, after the credential word, make a name point at a secret or describe it. */
export const POINTER_WORDS: readonly string[] = Object.freeze([
  'FILE', 'PATH', 'DIR', 'NAME', 'REF', 'URL', 'ENDPOINT', 'HEADER', 'STDIN', 'TTL', 'EXPIRY', 'LENGTH',
]);

/** The words of a name, upper-cased: `dbPassword` and `db-password` give `DB`, `PASSWORD`. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])/g, '$1 $2')
    .replace(/([0-9])([A-Za-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/).filter(Boolean).map(w => w.toUpperCase());
}

/** True when an environment variable (or flag, or key) of this name must come from a Secret, never a literal. */
export function looksLikeCredential(name: string): boolean {
  const words = nameWords(name);
  const last = words.length - 1;
  const credentialAt = (w: string, i: number) => CREDENTIAL_WORDS.some(c => w.endsWith(c))
    || (i === last && i > 0 && CREDENTIAL_LAST_WORDS.includes(w) && !(w === 'KEY' && NON_SECRET_KEYS.includes(words[i - 1])));
  const at = words.reduce((found, w, i) => (credentialAt(w, i) ? i : found), -1);
  return at >= 0 && !words.slice(at + 1).some(w => POINTER_WORDS.includes(w));
}
