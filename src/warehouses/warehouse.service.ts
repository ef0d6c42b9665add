import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { MissingWarehouseCredentialsError, NotFoundError, NotSupportedError, WarehouseConnectionError, WarehouseQueryError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { type Connection, storedConnection, WAREHOUSE_CONNECTIONS } from '../connections/connection-schemas.js';
import { guardedSocket, type PostgresTarget, postgresTarget } from '../connections/warehouse-connection-tester.js';
import { CredentialsDecryptionError, decryptCredentials } from '../warehouse-credentials/credentials-cipher.js';
import { type DimensionType, dimensionTypeOf, WAREHOUSE_TYPE_PARSERS } from './warehouse-types.js';
import { beginReadOnly, cancelBackend, declareCursor, fetchForward, GIVEN_SQL_OFFSET, rollback } from './warehouse-session.queries.js';
import { readWarehouse } from './warehouses.queries.js';

/** The one answer to every failure to reach the warehouse (DESIGN §9: no network probe); the log has the detail. */
export const WAREHOUSE_UNREACHABLE = 'Could not connect to the warehouse. Check the project connection settings and your warehouse credentials.';

/** Where a query runs: the project's connection, with the caller's user and password when the project requires them. */
export interface WarehouseTarget {
  projectUuid: string;
  /** project + credentials fingerprint: the pool key */
  key: string;
  postgres: PostgresTarget;
  /** statement_timeout: the server's maximum, or the connection's smaller `timeoutSeconds` */
  timeoutMs: number;
  dbname: string;
  startOfWeek?: number;
}

export type ResultFields = Record<string, { type: DimensionType }>;

export interface StreamOptions {
  /** rows per FETCH (and per `onRows` call) */
  batchSize?: number;
  /** the most rows read; never more than WAREHOUSE_MAX_ROWS */
  maxRows?: number;
  /** aborting cancels the statement in the warehouse */
  signal?: AbortSignal;
  /** the result columns, once, before the first rows */
  onFields?: (fields: ResultFields) => void | Promise<void>;
  onRows: (rows: Record<string, unknown>[]) => void | Promise<void>;
}

/** A run that was cancelled by the caller (the statement was cancelled in the warehouse). */
export class QueryCancelledError extends Error {
  constructor() {
    super('Query was cancelled');
  }
}

interface PoolEntry {
  pool: pg.Pool;
  lastUsed: number;
}

const IDLE_POOL_MS = 5 * 60_000;

/**
 * Runs SQL in a project's PostgreSQL warehouse: one pool per (project, credentials), each statement in a
 * READ ONLY transaction with a statement timeout and a UTC session, read through a server-side cursor
 * so that the row cap holds for any SQL and large results stream in batches.
 */
@Injectable()
export class WarehouseService implements OnModuleDestroy {
  private readonly logger = new Logger(WarehouseService.name);
  private readonly pools = new Map<string, PoolEntry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {
    this.sweeper = setInterval(() => this.closeIdlePools(), 60_000);
    this.sweeper.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweeper);
    const entries = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(entries.map((entry) => entry.pool.end().catch(() => undefined)));
  }

  /** The warehouse the caller's queries of this project run in. */
  async target(access: ProjectAccess, principal: Principal): Promise<WarehouseTarget> {
    const row = await readWarehouse(this.dataSource, access.projectId, principal.userId);
    if (!row) throw new NotFoundError('Project not found');
    let connection = storedConnection(WAREHOUSE_CONNECTIONS, row.warehouseConnection, this.decrypt(row.encryptedWarehouseSecrets));
    if (!connection) throw new NotSupportedError('The project has no warehouse connection');
    if (connection.type !== 'postgres') throw new NotSupportedError(`Queries run only in PostgreSQL warehouses; this project's warehouse is ${connection.type}`);
    if (connection.requireUserCredentials === true) {
      const own = row.encryptedUserCredentials ? this.decrypt(row.encryptedUserCredentials) : {};
      if (typeof own.user !== 'string' || typeof own.password !== 'string') throw new MissingWarehouseCredentialsError();
      connection = { ...connection, user: own.user, password: own.password } as Connection;
    }
    let postgres: PostgresTarget;
    try {
      postgres = postgresTarget(connection);
    } catch (error) {
      this.logger.warn({ projectUuid: access.projectUuid, reason: (error as Error).message }, 'Warehouse connection unusable');
      throw new WarehouseConnectionError(WAREHOUSE_UNREACHABLE);
    }
    const configured = typeof connection.timeoutSeconds === 'number' ? connection.timeoutSeconds * 1000 : Infinity;
    const key = createHash('sha256').update(JSON.stringify([access.projectUuid, postgres])).digest('hex');
    return {
      projectUuid: access.projectUuid,
      key,
      postgres,
      timeoutMs: Math.min(configured, this.config.warehouseStatementTimeoutMs),
      dbname: postgres.database,
      startOfWeek: typeof connection.startOfWeek === 'number' ? connection.startOfWeek : undefined,
    };
  }

  /** Runs the statement and collects its rows (at most `maxRows`). */
  async fetchRows(target: WarehouseTarget, sql: string, parameters: unknown[], options: Omit<StreamOptions, 'onRows' | 'onFields'> = {}) {
    const rows: Record<string, unknown>[] = [];
    let fields: ResultFields = {};
    await this.stream(target, sql, parameters, {
      ...options,
      onFields: (found) => {
        fields = found;
      },
      onRows: (batch) => {
        for (const row of batch) rows.push(row);
      },
    });
    return { fields, rows };
  }

  /**
   * Runs the statement and hands its rows over in batches. A READ ONLY transaction with a
   * statement_timeout and `TIME ZONE 'UTC'`; the SQL is declared as a cursor through the extended
   * protocol, which refuses a second statement, so request-written SQL can neither escape the
   * transaction nor change data. Aborting `signal` (or the backstop after the timeout) cancels the
   * statement in the warehouse (pg_cancel_backend).
   */
  async stream(target: WarehouseTarget, sql: string, parameters: unknown[], options: StreamOptions): Promise<{ rowCount: number; executionMs: number }> {
    const started = Date.now();
    const maxRows = Math.min(options.maxRows ?? this.config.warehouseMaxRows, this.config.warehouseMaxRows);
    const batchSize = Math.max(1, Math.min(options.batchSize ?? 1000, maxRows));
    const client = await this.connect(target);
    const onClientError = (error: Error) => this.logger.warn({ projectUuid: target.projectUuid, err: error.message }, 'Warehouse connection error');
    client.on('error', onClientError);
    let cancelled = false;
    let timedOut = false;
    const cancel = () => {
      if (cancelled || timedOut) return;
      void this.cancelBackend(target, (client as pg.PoolClient & { processID?: number }).processID);
    };
    const onAbort = () => {
      cancel();
      cancelled = true;
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // statement_timeout bounds each FETCH; this bounds the whole run
    const backstop = setTimeout(() => {
      cancel();
      timedOut = true;
    }, target.timeoutMs + 5_000);
    let healthy = false;
    try {
      if (options.signal?.aborted) throw new QueryCancelledError();
      await beginReadOnly(client, target.timeoutMs);
      await declareCursor(client, sql, parameters);
      let rowCount = 0;
      let announced = false;
      while (rowCount < maxRows) {
        if (cancelled) throw new QueryCancelledError();
        if (timedOut) throw new WarehouseQueryError(`Query timed out after ${Math.round(target.timeoutMs / 1000)}s`);
        const wanted = Math.min(batchSize, maxRows - rowCount);
        const result = await fetchForward(client, wanted);
        if (!announced) {
          announced = true;
          await options.onFields?.(Object.fromEntries(result.fields.map((field) => [field.name, { type: dimensionTypeOf(field.dataTypeID) }])));
        }
        rowCount += result.rows.length;
        if (result.rows.length) await options.onRows(result.rows);
        if (result.rows.length < wanted) break;
      }
      await rollback(client);
      healthy = true;
      return { rowCount, executionMs: Date.now() - started };
    } catch (error) {
      if (cancelled) throw new QueryCancelledError();
      if (timedOut) throw new WarehouseQueryError(`Query timed out after ${Math.round(target.timeoutMs / 1000)}s`);
      throw this.queryError(error, sql, target);
    } finally {
      clearTimeout(backstop);
      options.signal?.removeEventListener('abort', onAbort);
      client.removeListener('error', onClientError);
      // a connection that failed mid-transaction (or was cancelled) is not reused
      client.release(healthy ? undefined : true);
    }
  }

  private async connect(target: WarehouseTarget): Promise<pg.PoolClient> {
    const started = Date.now();
    try {
      return await this.pool(target).connect();
    } catch (error) {
      const { message, code } = error as { message?: string; code?: string };
      this.logger.warn({ projectUuid: target.projectUuid, warehouse: { host: target.postgres.host, port: target.postgres.port }, reason: { code, message } }, 'Could not connect to the warehouse');
      // a refused port answers at once and a silent one after the timeout: answering every failure at the
      // timeout keeps the time from telling them apart (as the connection test does)
      await sleep(Math.max(0, started + this.config.warehouseConnectTimeoutMs - Date.now()));
      throw new WarehouseConnectionError(WAREHOUSE_UNREACHABLE);
    }
  }

  private pool(target: WarehouseTarget): pg.Pool {
    let entry = this.pools.get(target.key);
    if (!entry) {
      const { password, ...settings } = target.postgres;
      const pool = new pg.Pool({
        ...settings,
        password: () => password,
        max: this.config.warehousePoolSize,
        idleTimeoutMillis: 30_000,
        connectionTimeoutMillis: this.config.warehouseConnectTimeoutMs,
        application_name: 'lightdash-access-server warehouse',
        types: WAREHOUSE_TYPE_PARSERS,
        stream: guardedSocket,
      } as pg.PoolConfig);
      pool.on('error', (error) => this.logger.warn({ projectUuid: target.projectUuid, err: error.message }, 'Idle warehouse connection failed'));
      entry = { pool, lastUsed: Date.now() };
      this.pools.set(target.key, entry);
    }
    entry.lastUsed = Date.now();
    return entry.pool;
  }

  /** Pools unused for five minutes, with no connection checked out, are closed. */
  private closeIdlePools(): void {
    const now = Date.now();
    for (const [key, entry] of this.pools) {
      const busy = entry.pool.totalCount - entry.pool.idleCount + entry.pool.waitingCount;
      if (busy === 0 && now - entry.lastUsed > IDLE_POOL_MS) {
        this.pools.delete(key);
        entry.pool.end().catch(() => undefined);
      }
    }
  }

  /** Cancels the running statement of a warehouse backend, over a connection of its own (the pool may be full). */
  private async cancelBackend(target: WarehouseTarget, pid: number | undefined): Promise<void> {
    if (!pid) return;
    const { password, ...settings } = target.postgres;
    const client = new pg.Client({
      ...settings,
      password: () => password,
      connectionTimeoutMillis: this.config.warehouseConnectTimeoutMs,
      application_name: 'lightdash-access-server cancel',
      stream: guardedSocket,
    } as pg.ClientConfig);
    client.on('error', () => undefined);
    try {
      await client.connect();
      await cancelBackend(client, pid);
    } catch (error) {
      this.logger.warn({ projectUuid: target.projectUuid, err: (error as Error).message }, 'Could not cancel a warehouse statement');
    } finally {
      client.end().catch(() => undefined);
    }
  }

  /** PostgreSQL's own message for SQL errors (with where it points); one generic message for anything about the network. */
  private queryError(error: unknown, sql: string, target: WarehouseTarget): Error {
    const pgError = error as { severity?: string; message?: string; code?: string; position?: string };
    if (pgError instanceof pg.DatabaseError || (typeof pgError?.severity === 'string' && typeof pgError.code === 'string')) {
      if (/^(08|28|3D|57P0[1-3]|53300)/.test(pgError.code ?? '')) {
        this.logger.warn({ projectUuid: target.projectUuid, reason: { code: pgError.code, message: pgError.message } }, 'Warehouse connection refused');
        return new WarehouseConnectionError(WAREHOUSE_UNREACHABLE);
      }
      const position = Number(pgError.position);
      const data = Number.isInteger(position) && position > GIVEN_SQL_OFFSET ? lineAndChar(sql, position - GIVEN_SQL_OFFSET) : {};
      return new WarehouseQueryError(pgError.message ?? 'The warehouse could not run the query', data);
    }
    this.logger.warn({ projectUuid: target.projectUuid, err: (error as Error)?.message }, 'Warehouse connection lost during a query');
    return new WarehouseConnectionError(WAREHOUSE_UNREACHABLE);
  }

  private decrypt(encrypted: Buffer | null): Record<string, unknown> {
    if (!encrypted) return {};
    try {
      return decryptCredentials<Record<string, unknown>>(encrypted, this.config.secret);
    } catch (error) {
      if (error instanceof CredentialsDecryptionError) return {};
      throw error;
    }
  }
}

/** 1-based line and column of a 1-based character position in the SQL. */
function lineAndChar(sql: string, position: number): { lineNumber: number; charNumber: number } {
  const before = sql.slice(0, position - 1);
  const lines = before.split('\n');
  return { lineNumber: lines.length, charNumber: lines[lines.length - 1].length + 1 };
}
