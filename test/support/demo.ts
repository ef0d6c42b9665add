import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { demoReaderPassword } from '../../src/demo/demo-warehouse.js';

/**
 * The demo warehouse for tests that start the built server on a fresh DATA_DIR (see
 * test/process/demo-warehouse.e2e-spec.ts). Its data is deterministic, so results can be asserted
 * exactly: DEMO_FACTS holds a few of them.
 */
export const DEMO_FACTS = {
  orders: 120_000,
  customers: 15_000,
  products: 120,
  /** orders_order_count by orders_status */
  ordersByStatus: { completed: 109_994, returned: 4_498, shipped: 2_901, placed: 1_407, return_pending: 1_200 },
  /** orders_total_revenue of completed orders */
  completedRevenue: '13322325.70',
} as const;

/** A MetricQuery on the demo `orders` explore: order count and revenue by status. */
export const DEMO_ORDERS_BY_STATUS = {
  exploreName: 'orders',
  dimensions: ['orders_status'],
  metrics: ['orders_order_count', 'orders_total_revenue'],
  filters: {},
  sorts: [{ fieldId: 'orders_order_count', descending: true }],
  limit: 10,
  tableCalculations: [],
};

/** The embedded cluster's current port, from its postmaster.pid (line 4). */
export function embeddedPort(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
}

/** A client of the embedded database of a server started with `dataDir`, as its superuser or as the demo reader. */
export async function connectEmbedded(dataDir: string, as: 'superuser' | 'demo-reader'): Promise<pg.Client> {
  const password =
    as === 'superuser'
      ? fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim()
      : demoReaderPassword(fs.readFileSync(path.join(dataDir, 'secret'), 'utf8').trim());
  const client = new pg.Client({
    host: '127.0.0.1',
    port: embeddedPort(dataDir),
    user: as === 'superuser' ? 'postgres' : 'lightdash_demo_reader',
    password,
    database: 'lightdash',
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}
