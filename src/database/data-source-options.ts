import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import type { AppConfig } from '../config/config.js';
import { SnakeNamingStrategy } from './naming-strategy.js';

/** How a pool waits for PostgreSQL, and the limits each of its sessions runs under (0: none). */
export interface ConnectionLimits {
  poolSize: number;
  /** waiting for a free pooled connection, or for a new one to open */
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  /** a session left inside a transaction this long is ended by PostgreSQL, releasing its locks */
  idleInTransactionTimeoutMs: number;
}

/**
 * The server's own pools: no request waits on the database unbounded. A session idle inside a
 * transaction for as long as a statement may run has been abandoned (its request is gone).
 */
export function appConnectionLimits(
  config: Pick<AppConfig, 'databasePoolSize' | 'databaseConnectTimeoutMs' | 'databaseStatementTimeoutMs' | 'databaseLockTimeoutMs'>,
): ConnectionLimits {
  return {
    poolSize: config.databasePoolSize,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    lockTimeoutMs: config.databaseLockTimeoutMs,
    idleInTransactionTimeoutMs: config.databaseStatementTimeoutMs,
  };
}

/**
 * Migrations and the operators' migration commands: a long migration (an index on a big table, a
 * lock wait behind a running transaction) must finish, so their sessions set no limit, whatever
 * the database's or role's defaults say.
 */
export const MIGRATION_CONNECTION_LIMITS: ConnectionLimits = {
  poolSize: 2,
  connectTimeoutMs: 0,
  statementTimeoutMs: 0,
  lockTimeoutMs: 0,
  idleInTransactionTimeoutMs: 0,
};

/** The `options` startup parameter that applies `limits` to each session of a pool. */
export function sessionOptions(limits: ConnectionLimits): string {
  return [
    // JIT compilation pays off for long analytical queries, never for ours: a list whose estimated
    // cost crossed jit_above_cost spent 50 ms compiling to save microseconds (PostgreSQL 15 on Debian)
    '-c jit=off',
    `-c statement_timeout=${limits.statementTimeoutMs}`,
    `-c lock_timeout=${limits.lockTimeoutMs}`,
    `-c idle_in_transaction_session_timeout=${limits.idleInTransactionTimeoutMs}`,
  ].join(' ');
}

/**
 * One definition of the connection, shared by the app, the migration CLI and the test setup. The
 * entities are given by the caller (the app, migration:generate); running migrations needs none.
 */
export function dataSourceOptions(url: string, limits: ConnectionLimits, entities: Function[] = []): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: limits.poolSize,
      connectionTimeoutMillis: limits.connectTimeoutMs,
      application_name: 'lightdash-access-server',
      options: sessionOptions(limits),
    },
  };
}
