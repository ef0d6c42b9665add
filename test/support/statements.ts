import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { TestApp } from './app.js';

/**
 * The SQL statements the app sends while `run` runs (every pool client's query(), named or not).
 * Tests using it must not overlap with other requests of the same app.
 */
export async function statementsDuring(t: TestApp, run: () => Promise<unknown>): Promise<string[]> {
  const pool = (t.app.get(DataSource).driver as unknown as { master: Pool }).master;
  const client: PoolClient = await pool.connect();
  const clientPrototype = Object.getPrototypeOf(client) as { query: (...args: unknown[]) => unknown };
  client.release();
  const statements: string[] = [];
  const original = clientPrototype.query;
  clientPrototype.query = function (this: unknown, ...args: unknown[]) {
    const config = args[0] as string | { text?: string };
    statements.push(typeof config === 'string' ? config : (config?.text ?? ''));
    return original.apply(this, args);
  };
  try {
    await run();
  } finally {
    clientPrototype.query = original;
  }
  return statements;
}
