import { looksLikeCredential, nameWords } from '../policy/credentials';

describe('credentials by name', () => {
  test('reads camelCase, "-", "." and digits as word breaks', () => {
    expect(nameWords('dbPassword')).toEqual(['DB', 'PASSWORD']);
    expect(nameWords('APIKey')).toEqual(['API', 'KEY']);
    expect(nameWords('db-password.v2')).toEqual(['DB', 'PASSWORD', 'V', '2']);
    expect(nameWords('OAUTH2_TOKEN')).toEqual(['OAUTH', '2', 'TOKEN']);
  });

  test.each([
    'DB_PASSWORD', 'GITHUB_TOKEN', 'API_KEY', 'SECRET_KEY_BASE', 'JWT_SECRET', 'AWS_SECRET_ACCESS_KEY', 'stripe_api_key',
    'APP_KEY', 'SECRET_KEY', 'SIGNING_KEY', 'PRIVATE_KEY', 'CERT_KEY', 'ENCRYPTION_KEY', 'SESSION_KEY',
    'SENTRY_DSN', 'PGPASSWORD', 'DBPASSWORD', 'DB_PASS', 'MYSQL_PWD', 'GITHUB_PAT', 'BASIC_AUTH', 'WIFI_PSK',
    'dbPassword', 'db-password', 'db.password', 'apiKey', 'APIKey', 'clientSecret', 'CLIENTSECRET',
    'COOKIE_SECRET', 'SESSION_SECRET', 'WEBHOOK_SECRET', 'GOOGLE_CREDENTIALS', 'DB_PASSWORD2', 'VAULT_SECRET_ID',
    'SECRET_NAME_PASSWORD',
  ])('%s is a credential name', name => {
    expect(looksLikeCredential(name)).toBe(true);
  });

  test.each([
    'LOG_LEVEL', 'DATABASE_URL', 'PASSWORDLESS_LOGIN', 'TOKENIZER', 'BYPASS_CACHE', 'PASS_THROUGH', 'AUTH_MODE', 'AUTH_DISABLED',
    // Names that point at a secret or describe it.
    'PASSWORD_FILE', 'DB_PASSWORD_FILE', 'TOKEN_PATH', 'SECRET_NAME', 'TOKEN_TTL_SECONDS', 'PASSWORD_MIN_LENGTH', 'SECRET_KEY_FILE',
    'PASSWORD_RESET_URL', 'passwordFile', 'token-path',
    // An identifier of a key, a public key, a lookup key; the shell's working directory.
    'AWS_ACCESS_KEY_ID', 'KMS_KEY_ID', 'PUBLIC_KEY', 'SSH_PUBLIC_KEY', 'STRIPE_PUBLISHABLE_KEY', 'CACHE_KEY', 'PWD', 'OLDPWD', 'KEY',
  ])('%s is no credential name', name => {
    expect(looksLikeCredential(name)).toBe(false);
  });
});
