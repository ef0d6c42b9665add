import type pg from 'pg';

// The statements a warehouse session runs around the SQL it is given (in the project's warehouse, not
// in this server's database). WarehouseService holds the rules: timeouts, cancelling, errors.

const CURSOR = 'lightdash_query';
const CURSOR_PREFIX = `DECLARE ${CURSOR} NO SCROLL CURSOR FOR `;

/** Where the given SQL starts in the statement declareCursor sends (error positions count from the statement's start). */
export const GIVEN_SQL_OFFSET = CURSOR_PREFIX.length;

/** Opens a READ ONLY transaction whose statements time out after `timeoutMs` and read times in UTC. */
export async function beginReadOnly(client: pg.ClientBase, timeoutMs: number): Promise<void> {
  await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.round(timeoutMs)}; SET LOCAL TIME ZONE 'UTC'`);
}

/**
 * Declares the cursor over the SQL, through the extended protocol, which refuses a second statement.
 * Trailing semicolons are dropped (a cursor is declared over one statement).
 */
export async function declareCursor(client: pg.ClientBase, sql: string, parameters: unknown[]): Promise<void> {
  await client.query({ text: CURSOR_PREFIX + stripTrailingSemicolons(sql), values: parameters, queryMode: 'extended' } as pg.QueryConfig);
}

/** The next `rows` rows of the cursor, with the result's fields. */
export function fetchForward(client: pg.ClientBase, rows: number): Promise<pg.QueryResult<Record<string, unknown>>> {
  return client.query(`FETCH FORWARD ${rows} FROM ${CURSOR}`);
}

/** Ends the READ ONLY transaction (it changed nothing). */
export async function rollback(client: pg.ClientBase): Promise<void> {
  await client.query('ROLLBACK');
}

/** Cancels the running statement of backend `pid`. */
export async function cancelBackend(client: pg.ClientBase, pid: number): Promise<void> {
  await client.query('SELECT pg_cancel_backend($1)', [pid]);
}

function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}
