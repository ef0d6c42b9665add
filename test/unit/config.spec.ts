import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, parseConfig, resolveSecret } from '../../src/config/config.js';

describe('parseConfig: OpenID Connect', () => {
  const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const base = {
    AUTH_OIDC_CLIENT_ID: 'lightdash',
    AUTH_OIDC_CLIENT_SECRET: 'a-secret',
    AUTH_OIDC_METADATA_DOCUMENT_URL: 'https://idp.example.com/realms/acme/.well-known/openid-configuration',
  };

  it('is off when no AUTH_OIDC_* variable is set', () => {
    expect(parseConfig({}).oidc).toBeUndefined();
  });

  it('reads a client-secret configuration with Lightdash defaults', () => {
    expect(parseConfig(base).oidc).toEqual({
      clientId: 'lightdash',
      clientSecret: 'a-secret',
      metadataDocumentUrl: base.AUTH_OIDC_METADATA_DOCUMENT_URL,
      scopes: 'openid profile email',
      authMethod: 'client_secret_basic',
      privateKey: undefined,
      signingAlgorithm: 'RS256',
    });
    expect(parseConfig({ ...base, AUTH_OIDC_SCOPES: 'email profile groups', AUTH_OIDC_AUTH_METHOD: 'client_secret_post' }).oidc).toMatchObject({
      scopes: 'email profile groups openid',
      authMethod: 'client_secret_post',
    });
  });

  it('is all or nothing: one variable set asks for the others', () => {
    expect(() => parseConfig({ AUTH_OIDC_CLIENT_ID: 'x' })).toThrow(
      new ConfigError('AUTH_OIDC_METADATA_DOCUMENT_URL', 'is required when AUTH_OIDC_CLIENT_ID is set (OpenID Connect sign-in)'),
    );
    expect(() => parseConfig({ AUTH_OIDC_SCOPES: 'openid' })).toThrow(/AUTH_OIDC_CLIENT_ID is required/);
    expect(() => parseConfig({ ...base, AUTH_OIDC_CLIENT_SECRET: '' })).toThrow(/AUTH_OIDC_CLIENT_SECRET is required/);
  });

  it('refuses an unknown method or algorithm, a bad URL, and plain http to another machine', () => {
    expect(() => parseConfig({ ...base, AUTH_OIDC_AUTH_METHOD: 'none' })).toThrow(/AUTH_OIDC_AUTH_METHOD must be one of client_secret_basic/);
    expect(() => parseConfig({ ...base, AUTH_OIDC_AUTH_SIGNING_ALG: 'HS256' })).toThrow(/AUTH_OIDC_AUTH_SIGNING_ALG must be one of/);
    expect(() => parseConfig({ ...base, AUTH_OIDC_METADATA_DOCUMENT_URL: 'not a url' })).toThrow(/AUTH_OIDC_METADATA_DOCUMENT_URL must be a URL/);
    expect(() => parseConfig({ ...base, AUTH_OIDC_METADATA_DOCUMENT_URL: 'http://idp.example.com/.well-known/openid-configuration' })).toThrow(
      /must use https \(http is accepted for localhost only\)/,
    );
    expect(parseConfig({ ...base, AUTH_OIDC_METADATA_DOCUMENT_URL: 'http://localhost:8081/.well-known/openid-configuration' }).oidc).toBeDefined();
  });

  it('private_key_jwt needs a PEM key matching the signing algorithm, and no secret', () => {
    const { AUTH_OIDC_CLIENT_SECRET: _secret, ...noSecret } = base;
    const withKey = { ...noSecret, AUTH_OIDC_AUTH_METHOD: 'private_key_jwt' };
    expect(() => parseConfig(withKey)).toThrow(/AUTH_OIDC_PRIVATE_KEY is required/);
    expect(() => parseConfig({ ...withKey, AUTH_OIDC_PRIVATE_KEY: 'garbage' })).toThrow(/AUTH_OIDC_PRIVATE_KEY must be a PEM private key/);
    expect(() => parseConfig({ ...withKey, AUTH_OIDC_PRIVATE_KEY: ecKey })).toThrow(/must be an RSA key for AUTH_OIDC_AUTH_SIGNING_ALG=RS256 \(got ec\)/);
    // a key kept on one line with literal \n, as in a .env file
    const oneLine = rsaKey.trim().replace(/\n/g, '\\n');
    expect(parseConfig({ ...withKey, AUTH_OIDC_PRIVATE_KEY: oneLine }).oidc).toMatchObject({ authMethod: 'private_key_jwt', clientSecret: undefined, privateKey: rsaKey.trim() });
    expect(parseConfig({ ...withKey, AUTH_OIDC_PRIVATE_KEY: ecKey, AUTH_OIDC_AUTH_SIGNING_ALG: 'ES256' }).oidc?.signingAlgorithm).toBe('ES256');
  });

  it('accepts DISABLE_PASSWORD_AUTHENTICATION beside Lightdash\'s AUTH_DISABLE_PASSWORD_AUTHENTICATION', () => {
    expect(parseConfig({ DISABLE_PASSWORD_AUTHENTICATION: 'true' }).disablePasswordAuthentication).toBe(true);
    expect(parseConfig({ AUTH_DISABLE_PASSWORD_AUTHENTICATION: 'true' }).disablePasswordAuthentication).toBe(true);
    expect(parseConfig({}).disablePasswordAuthentication).toBe(false);
    expect(() => parseConfig({ DISABLE_PASSWORD_AUTHENTICATION: 'true', AUTH_DISABLE_PASSWORD_AUTHENTICATION: 'false' })).toThrow(
      /DISABLE_PASSWORD_AUTHENTICATION contradicts AUTH_DISABLE_PASSWORD_AUTHENTICATION/,
    );
  });
});

describe('parseConfig', () => {
  it('has working defaults for a fresh machine', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: path.resolve('.data'),
      dataDirIsDefault: true,
      secret: undefined,
      siteUrl: 'http://localhost:8080',
      logLevel: 'info',
      trustProxy: false,
      cookieSecure: false,
      patMaxExpirationDays: undefined,
      responseCacheBytes: 64 * 1024 * 1024,
      viewsFlushIntervalMs: 10_000,
      databaseConnectTimeoutMs: 5_000,
      databaseStatementTimeoutMs: 30_000,
      databaseLockTimeoutMs: 3_000,
      requestTimeoutMs: 60_000,
      authRateLimitPerIp: 30,
      authRateLimitPerAccount: 10,
      authLoginSlowdownAfter: 10,
      jsonMaxDepth: 64,
      jsonMaxKeys: 20_000,
      jsonMaxArrayLength: 10_000,
      warehouseConnectTimeoutMs: 5000,
      trashRetentionDays: 30,
      maxDownloadsAsCode: 100,
      warehouseStatementTimeoutMs: 300_000,
      warehousePoolSize: 5,
      warehouseMaxRows: 1_000_000,
      queryMaxLimit: 5000,
      queryDefaultLimit: 500,
      queryMaxPageSize: 2500,
      csvCellsLimit: 100_000,
      queryResultsTtlMinutes: 1440,
      demoWarehouse: true,
    });
  });

  it('generates the demo warehouse only on the embedded database unless DEMO_WAREHOUSE says otherwise', () => {
    expect(parseConfig({ DATABASE_URL: 'postgres://u:p@db:5432/lightdash' }).demoWarehouse).toBe(false);
    expect(parseConfig({ DATABASE_URL: 'postgres://u:p@db:5432/lightdash', DEMO_WAREHOUSE: 'true' }).demoWarehouse).toBe(true);
    expect(parseConfig({ DEMO_WAREHOUSE: 'false' }).demoWarehouse).toBe(false);
  });

  it('reads every documented variable', () => {
    const config = parseConfig({
      NODE_ENV: 'production',
      PORT: '9000',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u:p@db:5432/lightdash',
      DATABASE_POOL_SIZE: '20',
      DATA_DIR: '/var/lib/lightdash',
      LIGHTDASH_SECRET: 'a-very-long-secret-value-0123456789',
      SITE_URL: 'https://bi.example.com/',
      LOG_LEVEL: 'WARN',
      TRUST_PROXY: '127.0.0.1, 10.0.0.0/8',
      PAT_MAX_EXPIRATION_DAYS: '30',
      SMTP_URL: 'smtp://mail:25',
      AUTH_DISABLE_PASSWORD_AUTHENTICATION: 'true',
      RESPONSE_CACHE_MB: '0',
      VIEWS_FLUSH_INTERVAL_MS: '2500',
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      DATABASE_STATEMENT_TIMEOUT_MS: '120000',
      DATABASE_LOCK_TIMEOUT_MS: '1000',
      REQUEST_TIMEOUT_MS: '300000',
      AUTH_RATE_LIMIT_PER_IP: '60',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '5',
      AUTH_LOGIN_SLOWDOWN_AFTER: '20',
      JSON_MAX_DEPTH: '32',
      JSON_MAX_KEYS: '50000',
      JSON_MAX_ARRAY_LENGTH: '1000',
      WAREHOUSE_CONNECT_TIMEOUT_MS: '1500',
      TRASH_RETENTION_DAYS: '7',
      MAX_DOWNLOADS_AS_CODE: '25',
      WAREHOUSE_STATEMENT_TIMEOUT_MS: '60000',
      WAREHOUSE_POOL_SIZE: '3',
      WAREHOUSE_MAX_ROWS: '20000',
      LIGHTDASH_QUERY_MAX_LIMIT: '1000',
      LIGHTDASH_QUERY_DEFAULT_LIMIT: '2000',
      LIGHTDASH_QUERY_MAX_PAGE_SIZE: '100',
      LIGHTDASH_CSV_CELLS_LIMIT: '5000',
      QUERY_RESULTS_TTL_MINUTES: '30',
      DEMO_WAREHOUSE: 'true',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 9000,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u:p@db:5432/lightdash',
      databasePoolSize: 20,
      dataDir: '/var/lib/lightdash',
      dataDirIsDefault: false,
      siteUrl: 'https://bi.example.com',
      logLevel: 'warn',
      trustProxy: ['127.0.0.1', '10.0.0.0/8'],
      cookieSecure: true,
      patMaxExpirationDays: 30,
      smtpUrl: 'smtp://mail:25',
      disablePasswordAuthentication: true,
      responseCacheBytes: 0,
      viewsFlushIntervalMs: 2_500,
      databaseConnectTimeoutMs: 2_000,
      databaseStatementTimeoutMs: 120_000,
      databaseLockTimeoutMs: 1_000,
      requestTimeoutMs: 300_000,
      authRateLimitPerIp: 60,
      authRateLimitPerAccount: 5,
      authLoginSlowdownAfter: 20,
      jsonMaxDepth: 32,
      jsonMaxKeys: 50_000,
      jsonMaxArrayLength: 1000,
      warehouseConnectTimeoutMs: 1500,
      trashRetentionDays: 7,
      maxDownloadsAsCode: 25,
      warehouseStatementTimeoutMs: 60_000,
      warehousePoolSize: 3,
      warehouseMaxRows: 20_000,
      queryMaxLimit: 1000,
      // the default limit never exceeds the maximum
      queryDefaultLimit: 1000,
      queryMaxPageSize: 100,
      csvCellsLimit: 5000,
      queryResultsTtlMinutes: 30,
      demoWarehouse: true,
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ HOST: 'bad host' }, 'HOST'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ NODE_ENV: 'production' }, 'LIGHTDASH_SECRET'],
    [{ LIGHTDASH_SECRET: 'short' }, 'LIGHTDASH_SECRET'],
    [{ SITE_URL: 'ftp://x' }, 'SITE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ TRUST_PROXY: '2' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
    [{ PAT_MAX_EXPIRATION_DAYS: '1.5' }, 'PAT_MAX_EXPIRATION_DAYS'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    [{ COOKIE_SECURE: 'maybe' }, 'COOKIE_SECURE'],
    [{ RESPONSE_CACHE_MB: '5000' }, 'RESPONSE_CACHE_MB'],
    [{ VIEWS_FLUSH_INTERVAL_MS: '50' }, 'VIEWS_FLUSH_INTERVAL_MS'],
    [{ DATABASE_CONNECT_TIMEOUT_MS: '0' }, 'DATABASE_CONNECT_TIMEOUT_MS'],
    [{ DATABASE_STATEMENT_TIMEOUT_MS: '0' }, 'DATABASE_STATEMENT_TIMEOUT_MS'],
    [{ DATABASE_LOCK_TIMEOUT_MS: '5s' }, 'DATABASE_LOCK_TIMEOUT_MS'],
    [{ REQUEST_TIMEOUT_MS: '500' }, 'REQUEST_TIMEOUT_MS'],
    [{ AUTH_RATE_LIMIT_PER_IP: '0' }, 'AUTH_RATE_LIMIT_PER_IP'],
    [{ AUTH_RATE_LIMIT_PER_ACCOUNT: 'ten' }, 'AUTH_RATE_LIMIT_PER_ACCOUNT'],
    [{ AUTH_LOGIN_SLOWDOWN_AFTER: '0' }, 'AUTH_LOGIN_SLOWDOWN_AFTER'],
    [{ AUTH_LOGIN_SLOWDOWN_AFTER: '1.5' }, 'AUTH_LOGIN_SLOWDOWN_AFTER'],
    [{ JSON_MAX_DEPTH: '2' }, 'JSON_MAX_DEPTH'],
    [{ JSON_MAX_DEPTH: '5000' }, 'JSON_MAX_DEPTH'],
    [{ JSON_MAX_KEYS: '10' }, 'JSON_MAX_KEYS'],
    [{ JSON_MAX_KEYS: '1000000' }, 'JSON_MAX_KEYS'],
    [{ JSON_MAX_KEYS: 'many' }, 'JSON_MAX_KEYS'],
    [{ JSON_MAX_ARRAY_LENGTH: '0' }, 'JSON_MAX_ARRAY_LENGTH'],
    [{ WAREHOUSE_CONNECT_TIMEOUT_MS: '50' }, 'WAREHOUSE_CONNECT_TIMEOUT_MS'],
    [{ WAREHOUSE_CONNECT_TIMEOUT_MS: '5s' }, 'WAREHOUSE_CONNECT_TIMEOUT_MS'],
    [{ TRASH_RETENTION_DAYS: '0' }, 'TRASH_RETENTION_DAYS'],
    [{ TRASH_RETENTION_DAYS: '30d' }, 'TRASH_RETENTION_DAYS'],
    [{ MAX_DOWNLOADS_AS_CODE: '0' }, 'MAX_DOWNLOADS_AS_CODE'],
    [{ WAREHOUSE_STATEMENT_TIMEOUT_MS: '50' }, 'WAREHOUSE_STATEMENT_TIMEOUT_MS'],
    [{ WAREHOUSE_POOL_SIZE: '0' }, 'WAREHOUSE_POOL_SIZE'],
    [{ WAREHOUSE_MAX_ROWS: '-1' }, 'WAREHOUSE_MAX_ROWS'],
    [{ LIGHTDASH_QUERY_MAX_LIMIT: '0' }, 'LIGHTDASH_QUERY_MAX_LIMIT'],
    [{ LIGHTDASH_QUERY_DEFAULT_LIMIT: 'lots' }, 'LIGHTDASH_QUERY_DEFAULT_LIMIT'],
    [{ LIGHTDASH_QUERY_MAX_PAGE_SIZE: '0' }, 'LIGHTDASH_QUERY_MAX_PAGE_SIZE'],
    [{ LIGHTDASH_CSV_CELLS_LIMIT: '1e6' }, 'LIGHTDASH_CSV_CELLS_LIMIT'],
    [{ QUERY_RESULTS_TTL_MINUTES: '0' }, 'QUERY_RESULTS_TTL_MINUTES'],
    [{ DEMO_WAREHOUSE: 'maybe' }, 'DEMO_WAREHOUSE'],
  ])('rejects %j with one line naming %s', (env, variable) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(variable);
    expect(message).not.toContain('\n');
  });
});

describe('resolveSecret', () => {
  it('generates a secret once outside production and keeps it in DATA_DIR', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-test-'));
    try {
      const first = resolveSecret(parseConfig({ DATA_DIR: dataDir }));
      const second = resolveSecret(parseConfig({ DATA_DIR: dataDir }));
      expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
      expect(second.secret).toBe(first.secret);
      expect(fs.statSync(path.join(dataDir, 'secret')).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('uses LIGHTDASH_SECRET when given and writes nothing', () => {
    const dataDir = path.join(os.tmpdir(), `secret-test-absent-${process.pid}`);
    const config = resolveSecret(parseConfig({ DATA_DIR: dataDir, LIGHTDASH_SECRET: 'given-secret-0123456789' }));
    expect(config.secret).toBe('given-secret-0123456789');
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
