import { createHmac } from 'node:crypto';
import { DEMO_SCHEMA } from './demo-data.sql.js';

/** The login the demo project's warehouse connection uses: SELECT on `demo` and nothing else. */
export const DEMO_READER_ROLE = 'lightdash_demo_reader';
export const DEMO_PROJECT_NAME = 'Demo shop';

/**
 * The reader's password, derived from LIGHTDASH_SECRET: nothing more to store, and every start can
 * set it again (a changed secret makes the stored connection unreadable anyway).
 */
export function demoReaderPassword(secret: string): string {
  return createHmac('sha256', secret).update('demo-warehouse-reader').digest('hex');
}

/** The demo project's warehouse connection: the application's own database, as the reader role. */
export function demoWarehouseConnection(databaseUrl: string, secret: string): Record<string, unknown> & { type: string } {
  const url = new URL(databaseUrl);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
  return {
    type: 'postgres',
    host,
    port: Number(url.port || 5432),
    dbname: decodeURIComponent(url.pathname.replace(/^\//, '')),
    schema: DEMO_SCHEMA,
    user: DEMO_READER_ROLE,
    password: demoReaderPassword(secret),
    sslmode: loopback ? 'disable' : 'prefer',
  };
}
