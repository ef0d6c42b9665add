// Counts the SQL statements the server sends, with PostgreSQL's own pg_stat_statements: no change to
// the server. The library is preloaded when the benchmark database starts; tracking is switched on
// only while statements are counted (pg_stat_statements.track = top), never during the load runs.
import pg from 'pg';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class StatementCounter {
  /** adminUrl: the maintenance database ("postgres"), so the counter's own queries are easy to leave out. */
  constructor(adminUrl, databaseName) {
    this.client = new pg.Client({ connectionString: adminUrl, application_name: 'bench-statement-counter' });
    this.client.on('error', () => {});
    this.databaseName = databaseName;
    this.available = false;
  }

  async connect() {
    await this.client.connect();
    try {
      const { rows } = await this.client.query("SELECT current_setting('shared_preload_libraries') AS libs");
      if (!rows[0].libs.split(',').map((s) => s.trim()).includes('pg_stat_statements')) throw new Error('not preloaded');
      await this.client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      const db = await this.client.query('SELECT oid FROM pg_database WHERE datname = $1', [this.databaseName]);
      this.dbid = db.rows[0].oid;
      await this.setTracking(false);
      this.available = true;
    } catch (error) {
      this.reason = error instanceof Error ? error.message : String(error);
      this.available = false;
    }
  }

  async setTracking(on) {
    await this.client.query(`ALTER SYSTEM SET pg_stat_statements.track = '${on ? 'top' : 'none'}'`);
    await this.client.query('SELECT pg_reload_conf()');
    // backends re-read the configuration before their next command; give the signal time to arrive
    await sleep(300);
  }

  async reset() {
    await this.client.query('SELECT pg_stat_statements_reset()');
  }

  /** Statements executed in the benchmark database since reset(), and the most frequent ones. */
  async read() {
    const total = await this.client.query(
      'SELECT coalesce(sum(calls), 0)::bigint AS n, coalesce(sum(total_exec_time), 0)::float8 AS ms FROM pg_stat_statements WHERE dbid = $1',
      [this.dbid],
    );
    const top = await this.client.query(
      'SELECT calls::bigint AS calls, query FROM pg_stat_statements WHERE dbid = $1 ORDER BY calls DESC, query LIMIT 12',
      [this.dbid],
    );
    return { total: Number(total.rows[0].n), ms: Number(total.rows[0].ms), top: top.rows.map((r) => ({ calls: Number(r.calls), query: r.query })) };
  }

  /**
   * Statements per request of `send` (one request): a few warm-up requests untracked, then `n`
   * sequential requests with tracking on, divided by n; also the execution time PostgreSQL spent
   * on them per request (dbMs).
   */
  async perRequest(send, n = 50) {
    for (let i = 0; i < 5; i++) await send();
    await this.setTracking(true);
    try {
      await this.reset();
      for (let i = 0; i < n; i++) await send();
      await sleep(200); // anything the server finishes after answering (nothing is expected)
      const { total, ms, top } = await this.read();
      return { perRequest: total / n, dbMs: ms / n, top: top.map((t) => ({ perRequest: t.calls / n, query: t.query })) };
    } finally {
      await this.setTracking(false);
    }
  }

  async close() {
    await this.client.end().catch(() => {});
  }
}

/**
 * Before the server starts: ask PostgreSQL to preload pg_stat_statements (takes a restart).
 * Returns false when that cannot be done; the benchmark then reports statements as "n/a".
 */
export async function preloadPgStatStatements(adminUrl) {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
    // placeholders until the library loads; best effort (the defaults work too: track=top, max=5000)
    await client.query('ALTER SYSTEM SET pg_stat_statements.max = 10000').catch(() => {});
    await client.query("ALTER SYSTEM SET pg_stat_statements.track = 'none'").catch(() => {});
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
