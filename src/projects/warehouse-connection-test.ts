import pg from 'pg';
import { WarehouseConnectionError } from '../common/errors.js';

const CONNECTION_TIMEOUT_MS = 5_000;

function sslOption(sslmode: unknown): pg.ClientConfig['ssl'] {
  if (sslmode === 'verify-ca' || sslmode === 'verify-full') return { rejectUnauthorized: true };
  if (sslmode === 'require' || sslmode === 'no-verify') return { rejectUnauthorized: false };
  return false;
}

/**
 * Connects to a postgres warehouse with the full connection (secrets included) and runs `SELECT 1`;
 * any failure becomes a 400 WarehouseConnectionError carrying the driver's message.
 */
export async function testPostgresConnection(connection: Record<string, unknown>): Promise<void> {
  const client = new pg.Client({
    host: connection.host as string | undefined,
    port: connection.port === undefined ? undefined : Number(connection.port),
    user: connection.user as string | undefined,
    password: connection.password as string | undefined,
    database: connection.dbname as string | undefined,
    ssl: sslOption(connection.sslmode),
    connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
    query_timeout: CONNECTION_TIMEOUT_MS,
  });
  // a late socket error after a failed connect must not become an unhandled 'error' event
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const { message, code } = error as { message?: string; code?: string };
    throw new WarehouseConnectionError(message || code || 'Could not connect to the warehouse');
  } finally {
    await client.end().catch(() => undefined);
  }
}
