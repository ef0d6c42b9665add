import pg from 'pg';
import { DataSource, type Migration } from 'typeorm';
import { dataSourceOptions, MIGRATION_CONNECTION_LIMITS, sessionOptions } from './data-source-options.js';

/** Arbitrary constant naming our advisory lock: every process that migrates this database takes it first. */
export const MIGRATION_LOCK_KEY = 7_318_205_441;

/**
 * Runs `work` while holding a PostgreSQL session advisory lock, so that several replicas starting at
 * once against an empty database migrate one after the other (TypeORM has no lock of its own).
 */
export async function withMigrationLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: url,
    application_name: 'lightdash-access-server-migrations',
    options: sessionOptions(MIGRATION_CONNECTION_LIMITS), // waiting here for another replica's migrations must not time out
  });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function withDataSource<T>(url: string, work: (ds: DataSource) => Promise<T>, entities: Function[] = []): Promise<T> {
  const ds = new DataSource({ ...dataSourceOptions(url, MIGRATION_CONNECTION_LIMITS, entities), logging: false });
  await ds.initialize();
  try {
    return await work(ds);
  } finally {
    await ds.destroy();
  }
}

/**
 * A migration may change what reads answer without writing a row (a new role function, a column
 * default): once one has run, the response caches of running replicas must drop what they keep.
 */
async function recordSchemaChange(ds: DataSource): Promise<void> {
  const [{ present }] = await ds.query(`SELECT to_regclass('data_changes') IS NOT NULL AS present`);
  if (present) await ds.query(`INSERT INTO data_changes (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING`);
}

/** Applies pending migrations (each in its own transaction) under the lock; returns their names. */
export async function runMigrations(url: string): Promise<string[]> {
  return withMigrationLock(url, () =>
    withDataSource(url, async (ds) => {
      const applied: Migration[] = await ds.runMigrations({ transaction: 'each' });
      if (applied.length) await recordSchemaChange(ds);
      return applied.map((m) => m.name);
    }),
  );
}

export async function revertLastMigration(url: string): Promise<void> {
  await withMigrationLock(url, () =>
    withDataSource(url, async (ds) => {
      await ds.undoLastMigration({ transaction: 'each' });
      await recordSchemaChange(ds);
    }),
  );
}

/** The SQL that would bring the schema in line with the entities (empty when they agree). */
export async function pendingSchemaChanges(url: string, entities: Function[]): Promise<{ up: string[]; down: string[] }> {
  return withDataSource(url, async (ds) => {
    const sql = await ds.driver.createSchemaBuilder().log();
    return {
      up: sql.upQueries.map((q) => q.query),
      down: sql.downQueries.map((q) => q.query).reverse(),
    };
  }, entities);
}
