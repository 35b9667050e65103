/** Names that say "credential" as a `_`-separated word: DB_PASSWORD, GITHUB_TOKEN, API_KEY, JWT_SECRET… */
const CREDENTIAL_NAME = /(^|_)(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIALS?|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CLIENT_?SECRET)(_|$)/i;

/** True when an environment variable of this name must come from a Secret, never a literal. */
export function looksLikeCredential(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}
