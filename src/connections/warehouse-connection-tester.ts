import { Inject, Injectable, Logger } from '@nestjs/common';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { WarehouseConnectionError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { type Connection, conforms, WAREHOUSE_CONNECTIONS } from './connection-schemas.js';

/**
 * The one answer to every failed test. Telling "refused", "unknown host", "no such role" or "timed out"
 * apart would make the test a network probe (DESIGN §9); the log has the detail.
 */
export const CONNECTION_TEST_FAILED =
  'Could not connect to the warehouse with these settings. Check the host, port, database, user, password and SSL settings.';

/** A connection that cannot be tested as it stands: nothing is contacted. */
export class UntestableConnection extends Error {}

export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  database: string;
  password: string;
  ssl: false | ConnectionOptions;
}

const POSTGRES_FIELDS = WAREHOUSE_CONNECTIONS.types.postgres.fields;

/**
 * Everything the pg client needs, given explicitly: pg falls back to this server's own PG* environment
 * variables, ~/.pgpass and a Unix socket for anything missing or empty, which must never happen here.
 */
export function postgresTarget(connection: Connection): PostgresTarget {
  const missing = ['host', 'port', 'user', 'dbname'].filter((field) => connection[field] === undefined || connection[field] === '');
  // no password at all (it was never given, or cleared when the destination changed): nothing to test with
  if (typeof connection.password !== 'string') missing.push('password');
  if (missing.length) throw new UntestableConnection(`missing ${missing.join(', ')}`);
  for (const field of ['host', 'port', 'user', 'dbname', 'sslmode'] as const) {
    if (connection[field] !== undefined && !conforms(POSTGRES_FIELDS[field].type, connection[field])) throw new UntestableConnection(`invalid ${field}`);
  }
  return {
    host: connection.host as string,
    port: connection.port as number,
    user: connection.user as string,
    database: connection.dbname as string,
    password: connection.password as string,
    ssl: tlsOptions(connection),
  };
}

function tlsOptions(connection: Connection): false | ConnectionOptions {
  const pem = (field: string) => (typeof connection[field] === 'string' && connection[field] !== '' ? (connection[field] as string) : undefined);
  const certificates = { ca: pem('sslrootcert'), cert: pem('sslcert'), key: pem('sslkey') };
  switch (connection.sslmode) {
    case 'verify-full':
      return { ...certificates, rejectUnauthorized: true };
    case 'verify-ca':
      return { ...certificates, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'require':
    case 'no-verify':
      return { ...certificates, rejectUnauthorized: false };
    default:
      return false;
  }
}

/** A socket that can never raise an unhandled 'error' event, whatever state the pg client leaves it in. */
export function guardedSocket(): Socket {
  return new Socket().on('error', () => undefined);
}

/** Tests warehouse connections (postgres: connect and `SELECT 1`). Every failure is the same 400, answered after the timeout. */
@Injectable()
export class WarehouseConnectionTester {
  private readonly logger = new Logger(WarehouseConnectionTester.name);
  private readonly timeoutMs: number;

  constructor(@Inject(APP_CONFIG) config: ResolvedConfig) {
    this.timeoutMs = config.warehouseConnectTimeoutMs;
  }

  /** Only postgres connections are tested; others pass as they are. */
  async test(connection: Connection | null, context: { projectUuid: string }): Promise<void> {
    if (connection?.type !== 'postgres') return;
    const started = Date.now();
    try {
      await this.connect(postgresTarget(connection));
    } catch (error) {
      const { message, code } = error as { message?: string; code?: string };
      this.logger.warn(
        {
          projectUuid: context.projectUuid,
          warehouse: { type: connection.type, host: connection.host, port: connection.port, dbname: connection.dbname, user: connection.user, sslmode: connection.sslmode },
          reason: { code, message },
        },
        'Warehouse connection test failed',
      );
      // a refused port answers at once and a silent one after the timeout: answering every failure at the
      // timeout keeps the time from telling them apart
      await sleep(Math.max(0, started + this.timeoutMs - Date.now()));
      throw new WarehouseConnectionError(CONNECTION_TEST_FAILED);
    }
  }

  private async connect(target: PostgresTarget): Promise<void> {
    const { password, ...settings } = target;
    const client = new pg.Client({
      ...settings,
      password: () => password,
      application_name: 'lightdash-access-server connection test',
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      stream: guardedSocket,
    });
    // errors after connect (the server closing the socket) arrive as events, not rejections
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      client.end().catch(() => undefined);
    }
  }
}
