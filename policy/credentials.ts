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

/**
 * Well-known variables that by convention hold the path of a credentials file, not the secret:
 * their value is judged like any other (a key pasted into one is still refused by value).
 */
export const KNOWN_POINTER_NAMES: readonly string[] = Object.freeze(['GOOGLE_APPLICATION_CREDENTIALS']);

/** True when an environment variable (or flag, or key) of this name must come from a Secret, never a literal. */
export function looksLikeCredential(name: string): boolean {
  if (KNOWN_POINTER_NAMES.includes(name)) return false;
  const words = nameWords(name);
  const last = words.length - 1;
  const credentialAt = (w: string, i: number) => CREDENTIAL_WORDS.some(c => w.endsWith(c))
    || (i === last && i > 0 && CREDENTIAL_LAST_WORDS.includes(w) && !(w === 'KEY' && NON_SECRET_KEYS.includes(words[i - 1])));
  const at = words.reduce((found, w, i) => (credentialAt(w, i) ? i : found), -1);
  return at >= 0 && !words.slice(at + 1).some(w => POINTER_WORDS.includes(w));
}

/** A value that only refers to another variable (`$(DB_PASSWORD)`, `${DB_PASSWORD}`, `$DB_PASSWORD`): Kubernetes or a shell fills it in at run time. */
const REFERENCE = /^(?:\$\([A-Za-z_][A-Za-z0-9_.-]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*)+$/;

/**
 * Credentials recognisable by their VALUE, whatever the variable is called, each with what a
 * finding says it found (never the value). Token prefixes are the ones the issuers publish for
 * secret scanning; a looser length than the issuer's keeps truncated or test tokens caught.
 * PEM certificates and public keys are public (a ConfigMap's `ca.crt` is normal), so only private
 * key blocks count.
 */
export const CREDENTIAL_VALUES: readonly { readonly what: string; readonly pattern: RegExp }[] = Object.freeze([
  { what: 'a PEM private key', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----/ },
  { what: 'a JSON Web Token', pattern: /(?<![\w-])eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/ },
  { what: 'a GitHub token', pattern: /(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,})/ },
  { what: 'a GitLab token', pattern: /(?<![\w-])gl(?:pat|dt|rt|cbt|ptt|ft|imt|agent|oas)-[\w-]{20,}/ },
  { what: 'a Slack token', pattern: /(?<![\w-])xox[abposr]-[A-Za-z0-9-]{10,}/ },
  { what: 'a Slack webhook URL', pattern: /hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9/]{20,}/ },
  { what: 'an AWS access key id', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/ },
  { what: 'a Stripe secret key', pattern: /(?<![\w-])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|(?<![\w-])whsec_[A-Za-z0-9]{20,}/ },
  { what: 'an OpenAI or Anthropic API key', pattern: /(?<![\w-])sk-(?:proj-|ant-)?[\w-]{20,}/ },
  { what: 'a Google API key', pattern: /(?<![\w-])AIza[\w-]{35}/ },
  { what: 'an npm token', pattern: /(?<![\w-])npm_[A-Za-z0-9]{36}/ },
  { what: 'a PyPI token', pattern: /(?<![\w-])pypi-AgE[\w-]{50,}/ },
  { what: 'a Docker Hub token', pattern: /(?<![\w-])dckr_pat_[\w-]{20,}/ },
  { what: 'a SendGrid API key', pattern: /(?<![\w-])SG\.[\w-]{16,}\.[\w-]{16,}/ },
  { what: 'a Hugging Face token', pattern: /(?<![\w-])hf_[A-Za-z0-9]{30,}/ },
  { what: 'a DigitalOcean token', pattern: /(?<![\w-])do[opr]_v1_[a-f0-9]{64}/ },
  { what: 'a Shopify token', pattern: /(?<![\w-])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}/ },
  { what: 'a HashiCorp Vault token', pattern: /(?<![\w-])hv[sb]\.[\w-]{24,}/ },
]);

/**
 * `scheme://user:password@host`; the user may be empty (`redis://:password@host`). The scheme
 * starts where a run of scheme characters starts: tried from every character, a long run (a
 * megabyte of ConfigMap data) took quadratic time.
 */
const URL_PASSWORD = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/:@]*:([^\s/@]+)@/g;
/** `password=...` in a connection string, a query or a properties file (`;Password=x`, `?password=x`, `db.password=x`). */
const KEYWORD_PASSWORD = /(?:^|[\s;&?,.])(?:password|passwd|pwd|accountkey|sharedaccesskey)[ \t]*=[ \t]*([^\s;&,]+)/gi;

/**
 * What credential `value` holds, if it holds one it shows by its form: a URL or connection string
 * with a password (unless the password is a `$(VAR)` reference), a private key, a JWT or a token
 * of {@link CREDENTIAL_VALUES}. The answer describes it and never quotes it.
 */
export function credentialInValue(value: string): string | undefined {
  for (const [pattern, what] of [[URL_PASSWORD, 'a URL with a password'], [KEYWORD_PASSWORD, 'a connection string with a password']] as const) {
    for (const m of value.matchAll(pattern)) {
      if (!REFERENCE.test(m[1])) return what;
    }
  }
  return CREDENTIAL_VALUES.find(c => c.pattern.test(value))?.what;
}

/** mysql and friends take the password glued to `-p`: `mysql -phunter2`. */
const GLUED_PASSWORD_TOOLS = /(?:^|\/)(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mariadb|mariadb-dump|mariadb-admin)$/;

/**
 * Credentials in a container's command line (`command` then `args`, as one list): any item that
 * holds a credential value, a `--<credential name>=<literal>` flag (`--password=hunter2`,
 * `--api-key=x`; `--password=$(DB_PASSWORD)` is fine) and, for mysql tools, `-p<password>`.
 * Flags whose value is the next item are not judged: `--no-password host` cannot be told apart.
 */
export function credentialsInArgv(argv: readonly string[]): { index: number; what: string }[] {
  const mysql = argv.some(a => GLUED_PASSWORD_TOOLS.test(a));
  return argv.flatMap((arg, index) => {
    const flag = /^--?([A-Za-z][\w.-]*)=(.+)$/s.exec(arg);
    const what = credentialInValue(arg)
      ?? (flag && looksLikeCredential(flag[1]) && !REFERENCE.test(flag[2]) ? `a literal --${flag[1]}= flag` : undefined)
      ?? (mysql && /^-p./s.test(arg) && !REFERENCE.test(arg.slice(2)) ? 'a literal -p<password> flag' : undefined);
    return what ? [{ index, what }] : [];
  });
}
