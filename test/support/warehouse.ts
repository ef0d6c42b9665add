import crypto from 'node:crypto';
import pg from 'pg';
import type { TestApp } from './app.js';
import { shopExplores } from './fixtures.js';
import type { TestUser } from './users.js';

type Json = Record<string, any>;

/** The test database as a warehouse connection (host, port, user, password, dbname from DATABASE_URL). */
export function warehouseConnection(extra: Json = {}): Json {
  const url = new URL(process.env.DATABASE_URL!);
  return {
    type: 'postgres',
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    dbname: url.pathname.replace(/^\//, ''),
    schema: 'public',
    sslmode: 'disable',
    ...extra,
  };
}

/**
 * A shop schema with known rows in the test database: 3 customers, 4 orders (amounts 30, 70, 120, 5),
 * 4 payments; dropped by `drop()`.
 */
export async function createShopWarehouse(): Promise<{ schema: string; client: pg.Client; drop: () => Promise<void> }> {
  const schema = `wh_${crypto.randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query(`
    CREATE SCHEMA ${schema};
    CREATE TABLE ${schema}.customers (customer_id int PRIMARY KEY, first_name text, email text, created_at timestamptz,
      first_order_date date, is_subscribed boolean, number_of_orders int);
    CREATE TABLE ${schema}.orders (order_id int PRIMARY KEY, customer_id int, status text, ordered_at timestamptz, order_date date,
      is_completed boolean, amount numeric(10,2));
    CREATE TABLE ${schema}.payments (payment_id int PRIMARY KEY, order_id int, payment_method text, paid_at timestamptz,
      payment_date date, is_refunded boolean, amount numeric(10,2));
    INSERT INTO ${schema}.customers VALUES
      (1, 'Alice', 'a@x', '2025-12-01T00:00:00Z', '2026-01-31', true, 2),
      (2, 'Bob', 'b@x', '2025-12-02T00:00:00Z', '2026-02-15', false, 4),
      (3, 'Ann', NULL, '2025-12-03T00:00:00Z', NULL, NULL, 1);
    INSERT INTO ${schema}.orders VALUES
      (1, 1, 'completed', '2026-01-31T23:30:00Z', '2026-01-31', true, 30),
      (2, 1, 'shipped', '2026-02-10T10:00:00Z', '2026-02-10', false, 70),
      (3, 2, 'completed', '2026-02-15T12:00:00Z', '2026-02-15', true, 120),
      (4, 3, 'placed', '2026-03-01T08:00:00Z', '2026-03-01', false, 5);
    INSERT INTO ${schema}.payments VALUES
      (1, 1, 'card', '2026-01-31T23:40:00Z', '2026-01-31', false, 30),
      (2, 2, 'card', '2026-02-10T10:05:00Z', '2026-02-10', false, 40),
      (3, 2, 'voucher', '2026-02-10T10:06:00Z', '2026-02-10', false, 30),
      (4, 3, 'card', '2026-02-15T12:10:00Z', '2026-02-15', false, 120);
  `);
  return {
    schema,
    client,
    drop: async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** The fixture's explores pointed at the schema, with primary keys and join relationships. */
export function shopExploresIn(schema: string): Json[] {
  const explores = shopExplores();
  for (const explore of explores) {
    for (const [name, table] of Object.entries((explore.tables ?? {}) as Record<string, Json>)) {
      table.sqlTable = `"${schema}"."${name}"`;
      table.primaryKey = [name === 'orders' ? 'order_id' : name === 'customers' ? 'customer_id' : 'payment_id'];
    }
    for (const join of explore.joinedTables ?? []) {
      if (join.table === 'customers') join.relationship = 'many-to-one';
      if (join.table === 'payments') join.relationship = 'one-to-many';
    }
  }
  return explores;
}

/** A project on the test warehouse with the shop explores uploaded. */
export async function createWarehouseProject(t: TestApp, admin: TestUser, schema: string, connection: Json = {}): Promise<string> {
  const res = await t.http().post('/api/v1/org/projects').set('Cookie', admin.cookie).send({
    name: 'Warehouse project',
    type: 'DEFAULT',
    dbtVersion: 'v1.9',
    dbtConnection: { type: 'none' },
    warehouseConnection: warehouseConnection(connection),
  });
  if (res.status !== 200) throw new Error(`project creation failed: ${res.status} ${res.text}`);
  const projectUuid = res.body.results.project.projectUuid;
  const upload = await t.http().put(`/api/v1/projects/${projectUuid}/explores`).set('Cookie', admin.cookie).send(shopExploresIn(schema));
  if (upload.status !== 200) throw new Error(`explores upload failed: ${upload.status} ${upload.text}`);
  return projectUuid;
}
