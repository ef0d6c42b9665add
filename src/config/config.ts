import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface AppConfig {
  nodeEnv: 'production' | 'development' | 'test';
  port: number;
  host: string;
  /** Absent means "start the embedded PostgreSQL in dataDir". */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** Longest wait for a pooled database connection (or a new one to open); also bounds the health check's statement. */
  databaseConnectTimeoutMs: number;
  /** PostgreSQL statement_timeout of the server's own sessions (migrations run without one). */
  databaseStatementTimeoutMs: number;
  /** PostgreSQL lock_timeout of the server's own sessions: a statement waiting this long for a row or table lock gives up. */
  databaseLockTimeoutMs: number;
  dataDir: string;
  /** DATA_DIR was left unset (the embedded cluster may then move to where PostgreSQL's OS user can reach it). */
  dataDirIsDefault: boolean;
  /** Absent only until resolveSecret() ran; required in production. */
  secret: string | undefined;
  siteUrl: string;
  logLevel: LogLevel;
  /** fastify trustProxy: false, or addresses/CIDRs of the reverse proxies in front of the server. */
  trustProxy: false | string[];
  cookieSecure: boolean;
  disablePasswordAuthentication: boolean;
  patMaxExpirationDays: number | undefined;
  /** the largest compiled-explores upload accepted, in bytes (every other request: 5 MiB) */
  exploresUploadLimitBytes: number;
  smtpUrl: string | undefined;
  emailFrom: string;
  shutdownTimeoutMs: number;
  /** Longest time a client may take to send a whole request, headers and body. */
  requestTimeoutMs: number;
  sessionMaxAgeHours: number;
  /** scrypt cost N (a power of two); OWASP's 2^17 by default. */
  passwordHashCost: number;
  /** Requests a minute to login, registration and passcode routes per client address. */
  authRateLimitPerIp: number;
  /** A minute: failed logins per account and client address; registrations per email; passcode requests per user. */
  authRateLimitPerAccount: number;
  /** Failed logins a minute on one account (all addresses) after which each login attempt on it is delayed. */
  authLoginSlowdownAfter: number;
  /** Bytes of responses the response cache may keep (0: no cache). */
  responseCacheBytes: number;
  /** Bounds on a JSON body's shape, checked before it is parsed (the explores upload scales keys and items with its size). */
  jsonMaxDepth: number;
  jsonMaxKeys: number;
  jsonMaxArrayLength: number;
  /** How long a warehouse connection test may take to connect (and to run its query); every failure answers after it. */
  warehouseConnectTimeoutMs: number;
  /** Generate the demo warehouse (schema `demo`) and give a demo project to the first organization. */
  demoWarehouse: boolean;
}

/** A configuration error: its message is the one line printed before start-up stops. */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function powerOfTwo(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = integer(env, name, fallback, min, max)!;
  if ((value & (value - 1)) !== 0) throw new ConfigError(name, `must be a power of two between ${min} and ${max} (got "${value}")`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL (${protocols.join(' or ')})`);
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got "${parsed.protocol.replace(/:$/, '')}")`);
  }
  return raw;
}

/** Reads and validates every setting. Pure: touches nothing but `env`. */
export function parseConfig(env: Env): AppConfig {
  const nodeEnvRaw = read(env, 'NODE_ENV') ?? 'development';
  if (!['production', 'development', 'test'].includes(nodeEnvRaw)) {
    throw new ConfigError('NODE_ENV', `must be production, development or test (got "${nodeEnvRaw}")`);
  }
  const nodeEnv = nodeEnvRaw as AppConfig['nodeEnv'];

  const port = integer(env, 'PORT', 8080, 0, 65535)!;
  const host = read(env, 'HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) throw new ConfigError('HOST', `must be a host name or IP address (got "${host}")`);

  const databaseUrl = url(env, 'DATABASE_URL', ['postgres', 'postgresql']);
  const databasePoolSize = integer(env, 'DATABASE_POOL_SIZE', 10, 1, 500)!;
  const databaseConnectTimeoutMs = integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', 5_000, 100, 600_000)!;
  const databaseStatementTimeoutMs = integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 30_000, 100, 3_600_000)!;
  const databaseLockTimeoutMs = integer(env, 'DATABASE_LOCK_TIMEOUT_MS', 3_000, 100, 3_600_000)!;
  const dataDir = path.resolve(read(env, 'DATA_DIR') ?? '.data');

  const secret = read(env, 'LIGHTDASH_SECRET');
  if (secret === undefined && nodeEnv === 'production') {
    throw new ConfigError('LIGHTDASH_SECRET', 'is required when NODE_ENV=production (use at least 32 random characters)');
  }
  if (secret !== undefined && secret.length < 16) {
    throw new ConfigError('LIGHTDASH_SECRET', 'must be at least 16 characters long');
  }

  const siteUrl = (url(env, 'SITE_URL', ['http', 'https']) ?? `http://localhost:${port}`).replace(/\/+$/, '');

  const logLevel = (read(env, 'LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  const trustProxyRaw = read(env, 'TRUST_PROXY');
  let trustProxy: AppConfig['trustProxy'] = false;
  if (trustProxyRaw !== undefined && trustProxyRaw.toLowerCase() !== 'false') {
    if (/^\d+$/.test(trustProxyRaw) || trustProxyRaw.toLowerCase() === 'true') {
      throw new ConfigError('TRUST_PROXY', 'must list the proxy addresses or CIDRs (e.g. "127.0.0.1,10.0.0.0/8" or "loopback"), not a hop count or "true"');
    }
    trustProxy = trustProxyRaw.split(',').map((s) => s.trim()).filter(Boolean);
  }

  return {
    nodeEnv,
    port,
    host,
    databaseUrl,
    databasePoolSize,
    databaseConnectTimeoutMs,
    databaseStatementTimeoutMs,
    databaseLockTimeoutMs,
    dataDir,
    dataDirIsDefault: read(env, 'DATA_DIR') === undefined,
    secret,
    siteUrl,
    logLevel,
    trustProxy,
    cookieSecure: boolean(env, 'COOKIE_SECURE', siteUrl.startsWith('https://')),
    disablePasswordAuthentication: boolean(env, 'AUTH_DISABLE_PASSWORD_AUTHENTICATION', false),
    patMaxExpirationDays: integer(env, 'PAT_MAX_EXPIRATION_DAYS', undefined, 1, 36500),
    exploresUploadLimitBytes: integer(env, 'EXPLORES_UPLOAD_LIMIT_MB', 64, 1, 1024)! * 1024 * 1024,
    smtpUrl: url(env, 'SMTP_URL', ['smtp', 'smtps']),
    emailFrom: read(env, 'EMAIL_FROM') ?? 'Lightdash <no-reply@localhost>',
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000)!,
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 60_000, 1_000, 3_600_000)!,
    sessionMaxAgeHours: integer(env, 'SESSION_MAX_AGE_HOURS', 24, 1, 24 * 365)!,
    passwordHashCost: powerOfTwo(env, 'PASSWORD_HASH_COST', 2 ** 17, 2 ** 14, 2 ** 20),
    authRateLimitPerIp: integer(env, 'AUTH_RATE_LIMIT_PER_IP', 30, 1, 1_000_000)!,
    authRateLimitPerAccount: integer(env, 'AUTH_RATE_LIMIT_PER_ACCOUNT', 10, 1, 1_000_000)!,
    authLoginSlowdownAfter: integer(env, 'AUTH_LOGIN_SLOWDOWN_AFTER', 10, 1, 1_000_000)!,
    responseCacheBytes: integer(env, 'RESPONSE_CACHE_MB', 64, 0, 4096)! * 1024 * 1024,
    jsonMaxDepth: integer(env, 'JSON_MAX_DEPTH', 64, 8, 512)!,
    jsonMaxKeys: integer(env, 'JSON_MAX_KEYS', 20_000, 100, 100_000)!,
    jsonMaxArrayLength: integer(env, 'JSON_MAX_ARRAY_LENGTH', 10_000, 100, 1_000_000)!,
    warehouseConnectTimeoutMs: integer(env, 'WAREHOUSE_CONNECT_TIMEOUT_MS', 5_000, 100, 120_000)!,
    // on by default only for the embedded database: with DATABASE_URL it writes a schema and a role there
    demoWarehouse: boolean(env, 'DEMO_WAREHOUSE', databaseUrl === undefined),
  };
}

/**
 * Outside production a missing LIGHTDASH_SECRET is generated once and kept in DATA_DIR/secret, so
 * sessions and encrypted credentials survive restarts.
 */
export function resolveSecret(config: AppConfig): AppConfig & { secret: string } {
  if (config.secret) return { ...config, secret: config.secret };
  const file = path.join(config.dataDir, 'secret');
  if (fs.existsSync(file)) {
    const stored = fs.readFileSync(file, 'utf8').trim();
    if (stored.length >= 16) return { ...config, secret: stored };
  }
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o755 });
  const secret = randomBytes(32).toString('hex');
  fs.writeFileSync(file, secret + '\n', { mode: 0o600 });
  return { ...config, secret };
}

export type ResolvedConfig = AppConfig & { secret: string; databaseUrl: string };

export const APP_CONFIG = Symbol('APP_CONFIG');
