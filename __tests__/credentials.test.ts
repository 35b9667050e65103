import { credentialInValue, credentialsInArgv, looksLikeCredential, nameWords } from '../policy/credentials';

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
    // A credentials file's path by convention.
    'GOOGLE_APPLICATION_CREDENTIALS',
  ])('%s is no credential name', name => {
    expect(looksLikeCredential(name)).toBe(false);
  });
});

// Made-up tokens in the issuers' published shapes.
const ALNUM = 'aZ3kQ9xVbN2mL8pR4tY6uW1eC5dF7gH0jKs9Lm2N';
const CREDENTIAL_VALUES_SEEN: [string, string][] = [
  ['postgres://app:hunter2@db:5432/app', 'a URL with a password'],
  ['redis://:hunter2@redis:6379/0', 'a URL with a password'],
  ['amqp://guest:guest@rabbit', 'a URL with a password'],
  ['mongodb+srv://app:hunter2@cluster0.example.net/db', 'a URL with a password'],
  ['https://deploy:tok3n@git.example.com/repo.git', 'a URL with a password'],
  ['Server=db;User Id=app;Password=hunter2;', 'a connection string with a password'],
  ['jdbc:postgresql://db/app?user=app&password=hunter2', 'a connection string with a password'],
  ['spring.datasource.password = hunter2', 'a connection string with a password'],
  ['DefaultEndpointsProtocol=https;AccountName=x;AccountKey=bXlrZXk=;', 'a connection string with a password'],
  ['-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----', 'a PEM private key'],
  ['-----BEGIN OPENSSH PRIVATE KEY-----', 'a PEM private key'],
  ['-----BEGIN PGP PRIVATE KEY BLOCK-----', 'a PEM private key'],
  ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'a JSON Web Token'],
  [`ghp_${ALNUM.slice(0, 36)}`, 'a GitHub token'],
  [`gho_${ALNUM.slice(0, 36)}`, 'a GitHub token'],
  [`ghs_${ALNUM.slice(0, 36)}`, 'a GitHub token'],
  [`ghu_${ALNUM.slice(0, 36)}`, 'a GitHub token'],
  [`ghr_${ALNUM.slice(0, 36)}`, 'a GitHub token'],
  [`github_pat_11ABCDEFG0_${ALNUM}`, 'a GitHub token'],
  [`glpat-${ALNUM.slice(0, 20)}`, 'a GitLab token'],
  [`xoxb-1234567890-${ALNUM.slice(0, 24)}`, 'a Slack token'],
  [`xoxp-1234567890-${ALNUM.slice(0, 24)}`, 'a Slack token'],
  [`xoxa-2-${ALNUM.slice(0, 24)}`, 'a Slack token'],
  [`xoxs-${ALNUM.slice(0, 24)}`, 'a Slack token'],
  ['https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'a Slack webhook URL'],
  ['AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
  ['ASIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
  [`sk_live_${ALNUM.slice(0, 24)}`, 'a Stripe secret key'],
  [`rk_live_${ALNUM.slice(0, 24)}`, 'a Stripe secret key'],
  [`sk-proj-${ALNUM}`, 'an OpenAI or Anthropic API key'],
  [`AIza${ALNUM.slice(0, 35)}`, 'a Google API key'],
  [`npm_${ALNUM.slice(0, 36)}`, 'an npm token'],
  [`SG.${ALNUM.slice(0, 22)}.${ALNUM}abc`, 'a SendGrid API key'],
  [`hf_${ALNUM.slice(0, 34)}`, 'a Hugging Face token'],
  [`dckr_pat_${ALNUM.slice(0, 27)}`, 'a Docker Hub token'],
  [`hvs.${ALNUM.slice(0, 24)}`, 'a HashiCorp Vault token'],
  [`Authorization: Bearer ghp_${ALNUM.slice(0, 36)}`, 'a GitHub token'],
];

describe('credentials by value', () => {
  test.each(CREDENTIAL_VALUES_SEEN)('%s is %s', (value, what) => {
    expect(credentialInValue(value)).toBe(what);
  });

  test.each([
    'info', 'redis:6379', 'https://example.com/path', 'https://user@example.com', 'http://host:8080/path', 'ssh://git@github.com:22/x.git',
    'postgres://app:$(DB_PASSWORD)@db:5432/app', 'redis://:${REDIS_PASSWORD}@redis', 'Server=db;Password=$(DB_PASSWORD)',
    '-----BEGIN CERTIFICATE-----', '-----BEGIN PUBLIC KEY-----', 'ghp_short', 'task-runner-with-a-very-long-name', 'AKIA',
    'eyJustText', '/run/secrets/db-password', '',
  ])('%j holds no credential', value => {
    expect(credentialInValue(value)).toBeUndefined();
  });

  test('finds credential flags and values in a command line, but not references to variables', () => {
    expect(credentialsInArgv(['app', '--password=hunter2', '--api-key=abc', '--token=$(API_TOKEN)', '--password-file=/run/x', '--port=8080']))
      .toEqual([{ index: 1, what: 'a literal --password= flag' }, { index: 2, what: 'a literal --api-key= flag' }]);
    expect(credentialsInArgv(['--dsn', 'postgres://app:hunter2@db/app'])).toEqual([{ index: 1, what: 'a URL with a password' }]);
    expect(credentialsInArgv(['mysql', '-h', 'db', '-phunter2'])).toEqual([{ index: 3, what: 'a literal -p<password> flag' }]);
    expect(credentialsInArgv(['/usr/bin/mysqldump', '-p$(MYSQL_PWD)'])).toEqual([]);
    expect(credentialsInArgv(['nginx', '-p/etc/nginx'])).toEqual([]);
  });
});
