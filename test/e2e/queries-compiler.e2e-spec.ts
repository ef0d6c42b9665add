import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import pg from 'pg';
import { compileMetricQuery, type CompileOptions } from '../../src/queries/compiler/index.js';
import { createShopWarehouse } from '../support/warehouse.js';

/**
 * Compiled statements run against the test PostgreSQL: a throw-away shop schema with known rows,
 * and the shop explore of test/fixtures (its metrics carry only their argument SQL, as many
 * hand-written uploads do) pointed at that schema, with join relationships and primary keys.
 */
type Json = Record<string, any>;

let schema: string;
let client: pg.Client;
let drop: () => Promise<void>;
let explore: Json;

const OPTIONS: CompileOptions = { maxLimit: 5000, now: new Date('2026-03-15T00:00:00Z') };

async function run(metricQuery: Json, options: Partial<CompileOptions> = {}): Promise<Json[]> {
  const compiled = compileMetricQuery(explore, { exploreName: 'orders', dimensions: [], metrics: [], sorts: [], limit: 500, tableCalculations: [], ...metricQuery }, { ...OPTIONS, ...options });
  const result = await client.query(compiled.sql, compiled.parameters);
  return result.rows;
}

beforeAll(async () => {
  ({ schema, client, drop } = await createShopWarehouse());
  // the executor runs metric queries in a UTC session (docs/queries-compiler.md)
  await client.query(`SET TIME ZONE 'UTC'`);
  const explores = JSON.parse(fs.readFileSync(new URL('../fixtures/shop-explores.json', import.meta.url), 'utf8')) as Json[];
  explore = structuredClone(explores.find((candidate) => candidate.name === 'orders'))!;
  for (const [name, table] of Object.entries(explore.tables as Record<string, Json>)) {
    table.sqlTable = `"${schema}"."${name}"`;
    table.primaryKey = [name === 'orders' ? 'order_id' : name === 'customers' ? 'customer_id' : 'payment_id'];
  }
  explore.joinedTables.find((join: Json) => join.table === 'customers').relationship = 'many-to-one';
  explore.joinedTables.find((join: Json) => join.table === 'payments').relationship = 'one-to-many';
  const metric = (name: string, type: string, sql: string, extra: Json = {}) => ({
    fieldType: 'metric', table: 'orders', name, label: name, type, sql, compiledSql: sql, tablesReferences: ['orders'], hidden: false, ...extra,
  });
  Object.assign(explore.tables.orders.metrics, {
    distinct_revenue: metric('distinct_revenue', 'sum_distinct', '"orders".amount', { distinctKeys: ['order_id'] }),
    distinct_average: metric('distinct_average', 'average_distinct', 'AVG("orders".amount)', { distinctKeys: ['order_id'] }),
    distinct_completed_revenue: metric('distinct_completed_revenue', 'sum_distinct', '"orders".amount', {
      distinctKeys: ['order_id'], filters: [{ id: 'f', target: { fieldId: 'is_completed' }, operator: 'equals', values: [true] }],
    }),
    revenue_share: metric('revenue_share', 'percent_of_total', '${total_revenue}'),
    running_revenue: metric('running_revenue', 'running_total', '${orders.total_revenue}'),
    revenue_vs_previous: metric('revenue_vs_previous', 'percent_of_previous', '${total_revenue}'),
  });
  explore.tables.orders.dimensions.order_date_month = {
    fieldType: 'dimension', table: 'orders', name: 'order_date_month', type: 'date', sql: '${TABLE}.order_date', compiledSql: 'DATE_TRUNC(\'MONTH\', "orders".order_date)',
    timeInterval: 'MONTH', timeIntervalBaseDimensionName: 'order_date', tablesReferences: ['orders'], hidden: false,
  };
});

afterAll(async () => drop());

const numbers = (rows: Json[]) => rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === null || typeof value !== 'string' || Number.isNaN(Number(value)) ? value : Number(value)])));

describe('compiled queries on PostgreSQL', () => {
  it('sums and counts by a dimension, with a string filter and a sort', async () => {
    const rows = await run({
      dimensions: ['orders_status'],
      metrics: ['orders_total_revenue', 'orders_order_count', 'orders_average_order_value', 'orders_largest_order'],
      filters: { dimensions: { id: 'g', and: [{ id: 'r', target: { fieldId: 'orders_status' }, operator: 'equals', values: ['completed', 'shipped'] }] } },
      sorts: [{ fieldId: 'orders_total_revenue', descending: true }],
    });
    expect(numbers(rows)).toEqual([
      { orders_status: 'completed', orders_total_revenue: 150, orders_order_count: 2, orders_average_order_value: 75, orders_largest_order: 120 },
      { orders_status: 'shipped', orders_total_revenue: 70, orders_order_count: 1, orders_average_order_value: 70, orders_largest_order: 70 },
    ]);
  });

  it('joins: metrics of tables the joins repeat are de-duplicated on their primary keys', async () => {
    const rows = await run({ metrics: ['orders_total_revenue', 'customers_average_lifetime_orders', 'payments_total_paid', 'customers_customer_count'] });
    // the joined rows repeat order 2 (two payments) and customer 1 (two orders): plain SUM/AVG would give 295 and 2.2
    expect(numbers(rows)).toEqual([{ orders_total_revenue: 225, customers_average_lifetime_orders: 7 / 3, payments_total_paid: 220, customers_customer_count: 3 }]);
    const byName = await run({ dimensions: ['customers_first_name'], metrics: ['orders_total_revenue', 'payments_payment_count'], sorts: [{ fieldId: 'customers_first_name', descending: false }] });
    expect(numbers(byName)).toEqual([
      { customers_first_name: 'Alice', orders_total_revenue: 100, payments_payment_count: 3 },
      { customers_first_name: 'Ann', orders_total_revenue: 5, payments_payment_count: 0 },
      { customers_first_name: 'Bob', orders_total_revenue: 120, payments_payment_count: 1 },
    ]);
  });

  it('time truncation in the query time zone, whatever the session zone', async () => {
    const query = { dimensions: ['orders_ordered_at_month'], metrics: ['orders_order_count'], sorts: [{ fieldId: 'orders_ordered_at_month', descending: false }] };
    const utc = await run(query);
    expect(utc.map((row) => [row.orders_ordered_at_month.toISOString(), Number(row.orders_order_count)])).toEqual([
      ['2026-01-01T00:00:00.000Z', 1], ['2026-02-01T00:00:00.000Z', 2], ['2026-03-01T00:00:00.000Z', 1],
    ]);
    await client.query(`SET TIME ZONE 'America/Los_Angeles'`);
    try {
      // order 1 (23:30 UTC on 31 January) is in February in Berlin; months start at 23:00 UTC the day before
      const berlin = await run({ ...query, timezone: 'Europe/Berlin' });
      expect(berlin.map((row) => [row.orders_ordered_at_month.toISOString(), Number(row.orders_order_count)])).toEqual([
        ['2026-01-31T23:00:00.000Z', 3], ['2026-02-28T23:00:00.000Z', 1],
      ]);
    } finally {
      await client.query(`SET TIME ZONE 'UTC'`);
    }
  });

  it('relative-date, number-range and boolean filters, and a metric filter', async () => {
    const rows = await run({
      dimensions: ['orders_is_completed'],
      metrics: ['orders_order_count', 'orders_total_revenue'],
      filters: {
        dimensions: { id: 'g', and: [
          // now = 2026-03-15: the two completed months before March are January and February
          { id: 'a', target: { fieldId: 'orders_ordered_at' }, operator: 'inThePast', values: [2], settings: { unitOfTime: 'months', completed: true } },
          { id: 'b', target: { fieldId: 'orders_amount' }, operator: 'inBetween', values: [10, 100] },
        ] },
        metrics: { id: 'm', and: [{ id: 'c', target: { fieldId: 'orders_total_revenue' }, operator: 'greaterThan', values: ['29.5'] }] },
      },
      sorts: [{ fieldId: 'orders_is_completed', descending: false }],
    });
    expect(numbers(rows)).toEqual([
      { orders_is_completed: false, orders_order_count: 1, orders_total_revenue: 70 },
      { orders_is_completed: true, orders_order_count: 1, orders_total_revenue: 30 },
    ]);
  });

  it('a table calculation and a filter on it', async () => {
    const rows = await run({
      dimensions: ['orders_status'],
      metrics: ['orders_total_revenue'],
      tableCalculations: [{ name: 'revenue_share', displayName: 'Revenue share', type: 'number', sql: 'ROUND(${orders.total_revenue} / SUM(${orders.total_revenue}) OVER (), 4)' }],
      filters: { tableCalculations: { id: 't', and: [{ id: 'r', target: { fieldId: 'revenue_share' }, operator: 'greaterThan', values: [0.1] }] } },
      sorts: [{ fieldId: 'revenue_share', descending: true }],
    });
    expect(numbers(rows)).toEqual([
      { orders_status: 'completed', orders_total_revenue: 150, revenue_share: 0.6667 },
      { orders_status: 'shipped', orders_total_revenue: 70, revenue_share: 0.3111 },
    ]);
  });

  it('bins, a custom SQL dimension and a custom metric', async () => {
    const rows = await run({
      dimensions: ['amount_bucket', 'is_big'],
      metrics: ['orders_orders_placed'],
      additionalMetrics: [{ table: 'orders', name: 'orders_placed', type: 'count', sql: '${TABLE}.order_id', baseDimensionName: 'order_id' }],
      customDimensions: [
        { id: 'amount_bucket', name: 'Amount bucket', table: 'orders', type: 'bin', dimensionId: 'orders_amount', binType: 'fixed_width', binWidth: 50 },
        { id: 'is_big', name: 'Is big', table: 'orders', type: 'sql', sql: '${orders.amount} > 100', dimensionType: 'boolean' },
      ],
      sorts: [{ fieldId: 'amount_bucket', descending: false }],
    });
    expect(numbers(rows)).toEqual([
      { amount_bucket: '0 - 49', amount_bucket_order: 0, is_big: false, orders_orders_placed: 2 },
      { amount_bucket: '50 - 99', amount_bucket_order: 50, is_big: false, orders_orders_placed: 1 },
      { amount_bucket: '100 - 149', amount_bucket_order: 100, is_big: true, orders_orders_placed: 1 },
    ]);
    const ranges = await run({
      dimensions: ['range', 'split'],
      metrics: ['orders_order_count'],
      customDimensions: [
        { id: 'range', name: 'Range', table: 'orders', type: 'bin', dimensionId: 'orders_amount', binType: 'custom_range', customRange: [{ to: 10 }, { from: 10, to: 100 }, { from: 100 }] },
        { id: 'split', name: 'Split', table: 'orders', type: 'bin', dimensionId: 'orders_amount', binType: 'fixed_number', binNumber: 2 },
      ],
      sorts: [{ fieldId: 'range', descending: false }],
    });
    // fixed_number over 5…120 in 2 bins: width FLOOR(115 / 2) = 57 → 5 - 62, 62 - 120
    expect(numbers(ranges).map((row) => [row.range, row.split, row.orders_order_count])).toEqual([
      ['<10', '5 - 62', 1], ['10-100', '5 - 62', 1], ['10-100', '62 - 120', 1], ['≥100', '62 - 120', 1],
    ]);
  });

  it('a hostile filter value matches nothing and changes nothing', async () => {
    const rows = await run({
      dimensions: ['orders_status'], metrics: ['orders_order_count'],
      filters: { dimensions: { id: 'g', or: [
        { id: 'a', target: { fieldId: 'orders_status' }, operator: 'equals', values: [`'; DROP TABLE ${schema}.orders; --`] },
        { id: 'b', target: { fieldId: 'orders_status' }, operator: 'include', values: ['$1'] },
      ] } },
    });
    expect(rows).toEqual([]);
    expect((await client.query(`SELECT count(*)::int AS n FROM ${schema}.orders`)).rows).toEqual([{ n: 4 }]);
  });
});

const round = (value: unknown) => (value === null ? null : Math.round(Number(value) * 10000) / 10000);

describe('distinct metrics, post-calculation metrics, template table calculations, value groups, period to date', () => {
  it('sum_distinct and average_distinct count each order once however many payments repeat it', async () => {
    const rows = await run({
      dimensions: ['orders_status'],
      metrics: ['orders_distinct_revenue', 'orders_distinct_average', 'orders_total_revenue', 'payments_total_paid'],
      sorts: [{ fieldId: 'orders_status', descending: false }],
    });
    expect(numbers(rows)).toEqual([
      { orders_status: 'completed', orders_distinct_revenue: 150, orders_distinct_average: 75, orders_total_revenue: 150, payments_total_paid: 150 },
      { orders_status: 'placed', orders_distinct_revenue: 5, orders_distinct_average: 5, orders_total_revenue: 5, payments_total_paid: null },
      { orders_status: 'shipped', orders_distinct_revenue: 70, orders_distinct_average: 70, orders_total_revenue: 70, payments_total_paid: 70 },
    ]);
    // without dimensions, with a dimension filter that needs the payments join
    const totals = await run({
      metrics: ['orders_distinct_revenue', 'orders_distinct_average', 'orders_distinct_completed_revenue'],
      filters: { dimensions: { id: 'g', and: [{ id: 'r', target: { fieldId: 'payments_payment_method' }, operator: 'equals', values: ['card', 'voucher'] }] } },
    });
    // orders 1, 2 (two payments) and 3: 30 + 70 + 120
    // the metric's own filter keeps the completed orders 1 and 3
    expect(numbers(totals)).toEqual([{ orders_distinct_revenue: 220, orders_distinct_average: expect.closeTo(220 / 3, 6), orders_distinct_completed_revenue: 150 }]);
  });

  it('post-calculation metrics: percent of total, running total and percent of previous in the query order', async () => {
    const rows = await run({
      dimensions: ['orders_status'],
      metrics: ['orders_revenue_share', 'orders_running_revenue', 'orders_revenue_vs_previous'],
      sorts: [{ fieldId: 'orders_status', descending: false }],
    });
    // total_revenue is read but not selected: completed 150, placed 5, shipped 70 of 225
    expect(rows.map((row) => [row.orders_status, round(row.orders_revenue_share), Number(row.orders_running_revenue), round(row.orders_revenue_vs_previous)])).toEqual([
      ['completed', 0.6667, 150, null], ['placed', 0.0222, 155, 0.0333], ['shipped', 0.3111, 225, 14],
    ]);
    expect(Object.keys(rows[0]).sort()).toEqual(['orders_revenue_share', 'orders_revenue_vs_previous', 'orders_running_revenue', 'orders_status']);
    const filtered = await run({
      dimensions: ['orders_status'],
      metrics: ['orders_total_revenue', 'orders_revenue_share'],
      filters: { metrics: { id: 'm', and: [{ id: 'r', target: { fieldId: 'orders_revenue_share' }, operator: 'greaterThan', values: [0.3] }] } },
      sorts: [{ fieldId: 'orders_revenue_share', descending: true }],
    });
    expect(filtered.map((row) => [row.orders_status, Number(row.orders_total_revenue), round(row.orders_revenue_share)])).toEqual([['completed', 150, 0.6667], ['shipped', 70, 0.3111]]);
  });

  it('template table calculations', async () => {
    const field = 'orders_total_revenue';
    const rows = await run({
      dimensions: ['orders_status'],
      metrics: [field],
      sorts: [{ fieldId: 'orders_status', descending: false }],
      tableCalculations: [
        { name: 'share', displayName: 'Share', template: { type: 'percent_of_column_total', fieldId: field } },
        { name: 'running', displayName: 'Running', template: { type: 'running_total', fieldId: field } },
        { name: 'rank', displayName: 'Rank', template: { type: 'rank_in_column', fieldId: field } },
        { name: 'change', displayName: 'Change', template: { type: 'percent_change_from_previous', fieldId: field, orderBy: [{ fieldId: 'orders_status', order: 'asc' }] } },
        { name: 'of_previous', displayName: 'Of previous', template: { type: 'percent_of_previous_value', fieldId: field, orderBy: [{ fieldId: 'orders_status', order: null }] } },
        { name: 'position', displayName: 'Position', template: { type: 'window_function', windowFunction: 'row_number', fieldId: null, orderBy: [{ fieldId: field, order: 'desc' }], partitionBy: [] } },
        {
          name: 'moving', displayName: 'Moving', template: {
            type: 'window_function', windowFunction: 'sum', fieldId: field, orderBy: [{ fieldId: 'orders_status', order: 'asc' }], partitionBy: [],
            frame: { frameType: 'rows', start: { type: 'preceding', offset: 1 }, end: { type: 'current_row' } },
          },
        },
      ],
    });
    expect(rows.map((row) => [row.orders_status, round(row.share), Number(row.running), Number(row.rank), round(row.change), round(row.of_previous), Number(row.position), Number(row.moving)])).toEqual([
      ['completed', 0.6667, 150, 3, null, null, 1, 150],
      ['placed', 0.0222, 155, 1, -0.9667, 0.0333, 3, 155],
      ['shipped', 0.3111, 225, 2, 13, 14, 2, 75],
    ]);
  });

  it('custom_group value groups: exact and LIKE rules, LIKE characters in values taken literally, the rest is Other', async () => {
    const rows = await run({
      dimensions: ['status_group'],
      metrics: ['orders_order_count'],
      customDimensions: [{
        id: 'status_group', name: 'Status group', table: 'orders', type: 'bin', dimensionId: 'orders_status', binType: 'custom_group',
        customGroups: [
          { name: 'Underscore', values: [{ match: 'includes', value: '_' }] },
          { name: 'Done', values: ['completed'] },
          { name: "In flight'; --", values: [{ match: 'startsWith', value: 'ship' }] },
        ],
      }],
      sorts: [{ fieldId: 'status_group', descending: false }],
    });
    expect(numbers(rows)).toEqual([
      { status_group: 'Done', status_group_order: 1, orders_order_count: 2 },
      { status_group: "In flight'; --", status_group_order: 2, orders_order_count: 1 },
      { status_group: 'Other', status_group_order: 3, orders_order_count: 1 },
    ]);
  });

  it('inPeriodToDate compares each order with the same point of its own period', async () => {
    const count = async (fieldId: string, unitOfTime: string, options: Partial<CompileOptions> = {}, timezone?: string) => {
      const rows = await run({
        metrics: ['orders_order_count'],
        filters: { dimensions: { id: 'g', and: [{ id: 'r', target: { fieldId }, operator: 'inPeriodToDate', settings: { unitOfTime } }] } },
        ...(timezone ? { timezone } : {}),
      }, options);
      return Number(rows[0].orders_order_count);
    };
    // now 2026-03-15: order dates 01-31, 02-10, 02-15, 03-01
    expect(await count('orders_order_date', 'months')).toBe(3);
    expect(await count('orders_order_date', 'years')).toBe(4);
    expect(await count('orders_order_date', 'quarters')).toBe(4);
    // a month dimension is compared on its base date, not on the first of the month
    expect(await count('orders_order_date_month', 'months')).toBe(3);
    // Wednesday 2026-03-11: only Tuesday 02-10 is at or before Wednesday in its week (the others are on weekends)
    expect(await count('orders_order_date', 'weeks', { now: new Date('2026-03-11T12:00:00Z') })).toBe(1);
    // 2026-01-31T23:30Z is 1 February in Tokyo: in the query's zone its day of month is 1, not 31
    expect(await count('orders_ordered_at', 'months')).toBe(3);
    expect(await count('orders_ordered_at', 'months', {}, 'Asia/Tokyo')).toBe(4);
  });
});
