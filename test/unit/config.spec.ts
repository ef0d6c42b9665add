import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, parseConfig, resolveSecret } from '../../src/config/config.js';

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
