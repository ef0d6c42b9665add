import { createPrivateKey, randomBytes } from 'node:crypto';
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
  /** OpenID Connect single sign-on; absent when no AUTH_OIDC_* variable is set. */
  oidc: OidcConfig | undefined;
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
  /** How often counted chart and dashboard views are written to the database. */
  viewsFlushIntervalMs: number;
  /** Bounds on a JSON body's shape, checked before it is parsed (the explores upload scales keys and items with its size). */
  jsonMaxDepth: number;
  jsonMaxKeys: number;
  jsonMaxArrayLength: number;
  /** How long a warehouse connection test may take to connect (and to run its query); every failure answers after it. */
  warehouseConnectTimeoutMs: number;
  /** Days a deleted space, chart or dashboard stays in the trash before the purge deletes it for good. */
  trashRetentionDays: number;
  /** Charts or dashboards per page of GET /projects/{p}/charts/code and /dashboards/code (Lightdash's MAX_DOWNLOADS_AS_CODE). */
  maxDownloadsAsCode: number;
  /** statement_timeout of every warehouse query (a connection's smaller `timeoutSeconds` wins) */
  warehouseStatementTimeoutMs: number;
  /** connections per warehouse pool (one pool per project and credentials) */
  warehousePoolSize: number;
  /** the most rows any warehouse query returns (SQL runner included) */
  warehouseMaxRows: number;
  /** Lightdash's query limits, as GET /health reports them */
  queryMaxLimit: number;
  queryDefaultLimit: number;
  queryMaxPageSize: number;
  csvCellsLimit: number;
  /** how long the results of an asynchronous query can be read */
  queryResultsTtlMinutes: number;
  /** Generate the demo warehouse (schema `demo`) and give a demo project to the first organization. */
  demoWarehouse: boolean;
}

export const OIDC_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
export type OidcAuthMethod = (typeof OIDC_AUTH_METHODS)[number];
export const OIDC_SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export type OidcSigningAlgorithm = (typeof OIDC_SIGNING_ALGORITHMS)[number];

export interface OidcConfig {
  clientId: string;
  /** Absent with private_key_jwt. */
  clientSecret: string | undefined;
  /** The provider's discovery document (`…/.well-known/openid-configuration`). */
  metadataDocumentUrl: string;
  /** Space-separated; always includes `openid`. */
  scopes: string;
  authMethod: OidcAuthMethod;
  /** PEM (PKCS#8 or PKCS#1/SEC1) with private_key_jwt. */
  privateKey: string | undefined;
  signingAlgorithm: OidcSigningAlgorithm;
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

const OIDC_VARIABLES = [
  'AUTH_OIDC_CLIENT_ID',
  'AUTH_OIDC_CLIENT_SECRET',
  'AUTH_OIDC_METADATA_DOCUMENT_URL',
  'AUTH_OIDC_SCOPES',
  'AUTH_OIDC_AUTH_METHOD',
  'AUTH_OIDC_PRIVATE_KEY',
  'AUTH_OIDC_AUTH_SIGNING_ALG',
] as const;
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * All or nothing: once any AUTH_OIDC_* variable is set, the client id, the metadata document and the
 * credential its method needs must be set too, so a half-configured sign-in fails at start-up, not at
 * a user's first login. The provider is reached over https, or http on this machine only.
 */
function oidcConfig(env: Env): OidcConfig | undefined {
  const set = OIDC_VARIABLES.filter((name) => read(env, name) !== undefined);
  if (set.length === 0) return undefined;
  const required = (name: string): string => {
    const value = read(env, name);
    if (value === undefined) throw new ConfigError(name, `is required when ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set (OpenID Connect sign-in)`);
    return value;
  };
  const clientId = required('AUTH_OIDC_CLIENT_ID');
  const metadataDocumentUrl = url(env, 'AUTH_OIDC_METADATA_DOCUMENT_URL', ['https', 'http']) ?? required('AUTH_OIDC_METADATA_DOCUMENT_URL');
  const metadataUrl = new URL(metadataDocumentUrl);
  if (metadataUrl.protocol === 'http:' && !LOOPBACK_HOSTS.includes(metadataUrl.hostname)) {
    throw new ConfigError('AUTH_OIDC_METADATA_DOCUMENT_URL', 'must use https (http is accepted for localhost only)');
  }
  const authMethod = (read(env, 'AUTH_OIDC_AUTH_METHOD') ?? 'client_secret_basic') as OidcAuthMethod;
  if (!OIDC_AUTH_METHODS.includes(authMethod)) {
    throw new ConfigError('AUTH_OIDC_AUTH_METHOD', `must be one of ${OIDC_AUTH_METHODS.join(', ')} (got "${authMethod}")`);
  }
  const signingAlgorithm = (read(env, 'AUTH_OIDC_AUTH_SIGNING_ALG') ?? 'RS256') as OidcSigningAlgorithm;
  if (!OIDC_SIGNING_ALGORITHMS.includes(signingAlgorithm)) {
    throw new ConfigError('AUTH_OIDC_AUTH_SIGNING_ALG', `must be one of ${OIDC_SIGNING_ALGORITHMS.join(', ')} (got "${signingAlgorithm}")`);
  }
  let clientSecret: string | undefined;
  let privateKey: string | undefined;
  if (authMethod === 'private_key_jwt') {
    // like Lightdash, a key given on one line may carry its line breaks as "\n"
    privateKey = required('AUTH_OIDC_PRIVATE_KEY').replace(/\\n/g, '\n');
    let keyType: string | undefined;
    try {
      keyType = createPrivateKey(privateKey).asymmetricKeyType;
    } catch {
      throw new ConfigError('AUTH_OIDC_PRIVATE_KEY', 'must be a PEM private key (-----BEGIN PRIVATE KEY----- …)');
    }
    const expected = signingAlgorithm.startsWith('ES') ? 'ec' : 'rsa';
    if (keyType !== expected) {
      throw new ConfigError('AUTH_OIDC_PRIVATE_KEY', `must be an ${expected.toUpperCase()} key for AUTH_OIDC_AUTH_SIGNING_ALG=${signingAlgorithm} (got ${keyType})`);
    }
  } else {
    clientSecret = required('AUTH_OIDC_CLIENT_SECRET');
  }
  const scopes = new Set((read(env, 'AUTH_OIDC_SCOPES') ?? 'openid profile email').split(/[\s,]+/).filter(Boolean));
  scopes.add('openid');
  return { clientId, clientSecret, metadataDocumentUrl, scopes: [...scopes].join(' '), authMethod, privateKey, signingAlgorithm };
}

/**
 * Lightdash's name is AUTH_DISABLE_PASSWORD_AUTHENTICATION; DISABLE_PASSWORD_AUTHENTICATION is
 * accepted as well. Both set, they must agree.
 */
function disablePasswordAuthentication(env: Env): boolean {
  const lightdashName = boolean(env, 'AUTH_DISABLE_PASSWORD_AUTHENTICATION', false);
  const shortName = boolean(env, 'DISABLE_PASSWORD_AUTHENTICATION', false);
  if (read(env, 'AUTH_DISABLE_PASSWORD_AUTHENTICATION') !== undefined && read(env, 'DISABLE_PASSWORD_AUTHENTICATION') !== undefined && lightdashName !== shortName) {
    throw new ConfigError('DISABLE_PASSWORD_AUTHENTICATION', 'contradicts AUTH_DISABLE_PASSWORD_AUTHENTICATION (set one of them)');
  }
  return lightdashName || shortName;
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

  const queryMaxLimit = integer(env, 'LIGHTDASH_QUERY_MAX_LIMIT', 5_000, 1, 1_000_000)!;

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
    disablePasswordAuthentication: disablePasswordAuthentication(env),
    oidc: oidcConfig(env),
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
    viewsFlushIntervalMs: integer(env, 'VIEWS_FLUSH_INTERVAL_MS', 10_000, 100, 3_600_000)!,
    jsonMaxDepth: integer(env, 'JSON_MAX_DEPTH', 64, 8, 512)!,
    jsonMaxKeys: integer(env, 'JSON_MAX_KEYS', 20_000, 100, 100_000)!,
    jsonMaxArrayLength: integer(env, 'JSON_MAX_ARRAY_LENGTH', 10_000, 100, 1_000_000)!,
    warehouseConnectTimeoutMs: integer(env, 'WAREHOUSE_CONNECT_TIMEOUT_MS', 5_000, 100, 120_000)!,
    trashRetentionDays: integer(env, 'TRASH_RETENTION_DAYS', 30, 1, 36_500)!,
    maxDownloadsAsCode: integer(env, 'MAX_DOWNLOADS_AS_CODE', 100, 1, 10_000)!,
    warehouseStatementTimeoutMs: integer(env, 'WAREHOUSE_STATEMENT_TIMEOUT_MS', 300_000, 100, 3_600_000)!,
    warehousePoolSize: integer(env, 'WAREHOUSE_POOL_SIZE', 5, 1, 100)!,
    warehouseMaxRows: integer(env, 'WAREHOUSE_MAX_ROWS', 1_000_000, 1, 100_000_000)!,
    queryMaxLimit,
    queryDefaultLimit: Math.min(integer(env, 'LIGHTDASH_QUERY_DEFAULT_LIMIT', 500, 1, 1_000_000)!, queryMaxLimit),
    queryMaxPageSize: integer(env, 'LIGHTDASH_QUERY_MAX_PAGE_SIZE', 2_500, 1, 100_000)!,
    csvCellsLimit: integer(env, 'LIGHTDASH_CSV_CELLS_LIMIT', 100_000, 1, 100_000_000)!,
    queryResultsTtlMinutes: integer(env, 'QUERY_RESULTS_TTL_MINUTES', 1_440, 1, 525_600)!,
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
