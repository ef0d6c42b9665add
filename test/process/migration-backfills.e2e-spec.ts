import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { dataSourceOptions, MIGRATION_CONNECTION_LIMITS } from '../../src/database/data-source-options.js';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function migrate(url: string, upTo: number): Promise<void> {
  const dataSource = new DataSource({ ...dataSourceOptions(url, MIGRATION_CONNECTION_LIMITS), migrations: migrations.slice(0, upTo) });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
}

/** Data written before a migration is brought along by it: an empty database, older migrations, rows, then the rest. */
describe('migrations that backfill existing data', () => {
  const database = `mig_${randomBytes(6).toString('hex')}`;
  let admin: pg.Client;
  let client: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const url = withDatabase(process.env.DATABASE_URL!, database);
    await migrate(url, migrations.findIndex((m) => m.name === 'ColorPalettes1763801000000'));
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`INSERT INTO organizations (name) VALUES ('Older'), ('Other')`);
    const project = `INSERT INTO projects (organization_id, name, dbt_version, dbt_connection, upstream_project_uuid)
                     SELECT organization_id, $2, 'v1.9', '{"type":"none"}', $3 FROM organizations WHERE name = $1 RETURNING project_uuid AS uuid`;
    const [source] = (await client.query(project, ['Older', 'source', null])).rows;
    const [foreign] = (await client.query(project, ['Other', 'foreign', null])).rows;
    await client.query(project, ['Older', 'linked', source.uuid]);
    await client.query(project, ['Older', 'linked elsewhere', foreign.uuid]);
    await client.query(project, ['Older', 'dangling', '00000000-0000-4000-8000-000000000000']);
    await migrate(url, migrations.length);
  });
  afterAll(async () => {
    await client?.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('gives every existing organization the six preset palettes, none active', async () => {
    const { rows } = await client.query(
      `SELECT o.name, array_agg(cp.name ORDER BY cp.color_palette_id) AS palettes, bool_and(cardinality(cp.colors) = 20) AS full, o.color_palette_uuid
       FROM organizations o JOIN organization_color_palettes cp USING (organization_id) GROUP BY o.organization_id ORDER BY o.organization_id`,
    );
    const presets = ['Default', 'Modern', 'Retro', 'Business', 'Lightdash', 'Data Matrix'];
    expect(rows).toEqual([
      { name: 'Older', palettes: presets, full: true, color_palette_uuid: null },
      { name: 'Other', palettes: presets, full: true, color_palette_uuid: null },
    ]);
  });

  it('keeps upstream links within the organization and clears the others', async () => {
    const { rows } = await client.query(
      `SELECT p.name, u.name AS upstream FROM projects p LEFT JOIN projects u ON u.project_uuid = p.upstream_project_uuid
       WHERE p.organization_id = (SELECT organization_id FROM organizations WHERE name = 'Older') ORDER BY p.project_id`,
    );
    expect(rows).toEqual([
      { name: 'source', upstream: null },
      { name: 'linked', upstream: 'source' },
      { name: 'linked elsewhere', upstream: null },
      { name: 'dangling', upstream: null },
    ]);
  });
});
