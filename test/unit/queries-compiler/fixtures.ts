import { compileMetricQuery } from '../../../src/queries/compiler/index.js';
import type { CompileOptions } from '../../../src/queries/compiler/index.js';

type Json = Record<string, unknown>;

const dimension = (table: string, name: string, type: string, compiledSql: string, extra: Json = {}): Json => ({
  fieldType: 'dimension', name, type, table, label: name, sql: `\${TABLE}.${name}`, compiledSql, tablesReferences: [table], hidden: false, ...extra,
});
const metric = (table: string, name: string, type: string, compiledSql: string, extra: Json = {}): Json => ({
  fieldType: 'metric', name, type, table, label: name, sql: `\${TABLE}.${name}`, compiledSql, tablesReferences: [table], hidden: false, ...extra,
});

/** The explore of the reference's worked examples (§4): orders many-to-one customers. */
export function referenceExplore(overrides: { customersRelationship?: string; ordersExtra?: Json; customersExtra?: Json; joins?: Json[] } = {}): Json {
  return {
    name: 'orders',
    label: 'Orders',
    tags: [],
    targetDatabase: 'postgres',
    baseTable: 'orders',
    joinedTables: overrides.joins ?? [
      {
        table: 'customers',
        sqlOn: '${orders.customer_id} = ${customers.customer_id}',
        compiledSqlOn: '("orders".customer_id) = ("customers".customer_id)',
        type: 'left',
        relationship: overrides.customersRelationship ?? 'many-to-one',
        tablesReferences: ['orders', 'customers'],
      },
    ],
    tables: {
      orders: {
        name: 'orders', label: 'Orders', database: 'warehouse', schema: 'public', sqlTable: '"warehouse"."public"."orders"',
        primaryKey: ['order_id'],
        dimensions: {
          order_id: dimension('orders', 'order_id', 'number', '"orders".order_id'),
          customer_id: dimension('orders', 'customer_id', 'number', '"orders".customer_id'),
          status: dimension('orders', 'status', 'string', '"orders".status'),
          amount: dimension('orders', 'amount', 'number', '"orders".amount'),
          is_completed: dimension('orders', 'is_completed', 'boolean', '"orders".is_completed'),
          order_date: dimension('orders', 'order_date', 'date', '"orders".order_date'),
          order_date_week: dimension('orders', 'order_date_week', 'date', 'DATE_TRUNC(\'WEEK\', "orders".order_date)', { timeInterval: 'WEEK', timeIntervalBaseDimensionName: 'order_date' }),
          created_at: dimension('orders', 'created_at', 'timestamp', '"orders".created_at'),
          created_at_month: dimension('orders', 'created_at_month', 'timestamp', 'DATE_TRUNC(\'MONTH\', "orders".created_at)', { timeInterval: 'MONTH', timeIntervalBaseDimensionName: 'created_at' }),
          created_at_month_name: dimension('orders', 'created_at_month_name', 'string', 'TO_CHAR("orders".created_at, \'FMMonth\')', { timeInterval: 'MONTH_NAME', timeIntervalBaseDimensionName: 'created_at' }),
        },
        metrics: {
          total_revenue: metric('orders', 'total_revenue', 'sum', 'SUM("orders".amount)'),
          order_count: metric('orders', 'order_count', 'count_distinct', 'COUNT(DISTINCT "orders".order_id)'),
          row_count: metric('orders', 'row_count', 'count', 'COUNT("orders".order_id)'),
          average_amount: metric('orders', 'average_amount', 'average', 'AVG("orders".amount)'),
          smallest: metric('orders', 'smallest', 'min', 'MIN("orders".amount)'),
          largest: metric('orders', 'largest', 'max', 'MAX("orders".amount)'),
          median_amount: metric('orders', 'median_amount', 'median', 'PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY "orders".amount)'),
          p90_amount: metric('orders', 'p90_amount', 'percentile', 'PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY "orders".amount)', { percentile: 90 }),
          revenue_per_order: metric('orders', 'revenue_per_order', 'number', '(SUM("orders".amount)) / NULLIF((COUNT(DISTINCT "orders".order_id)), 0)'),
          first_status: metric('orders', 'first_status', 'string', 'MIN("orders".status)'),
          latest_order_date: metric('orders', 'latest_order_date', 'date', 'MAX("orders".order_date)'),
          any_completed: metric('orders', 'any_completed', 'boolean', 'BOOL_OR("orders".is_completed)'),
        },
        ...overrides.ordersExtra,
      },
      customers: {
        name: 'customers', label: 'Customers', database: 'warehouse', schema: 'public', sqlTable: '"warehouse"."public"."customers"',
        primaryKey: ['customer_id'],
        dimensions: {
          customer_id: dimension('customers', 'customer_id', 'number', '"customers".customer_id'),
          first_name: dimension('customers', 'first_name', 'string', '"customers".first_name'),
          country: dimension('customers', 'country', 'string', '"customers".country'),
        },
        metrics: {
          customer_count: metric('customers', 'customer_count', 'count_distinct', 'COUNT(DISTINCT "customers".customer_id)'),
          total_credit: metric('customers', 'total_credit', 'sum', 'SUM("customers".credit)'),
        },
        ...overrides.customersExtra,
      },
    },
  };
}

/** now = 2026-12-07 10:15 UTC, as in the worked examples */
export const NOW = new Date('2026-12-07T10:15:00Z');
export const OPTIONS: CompileOptions = { maxLimit: 5000, now: NOW };

/** Whitespace-insensitive SQL, for comparing with the reference's examples (which are pretty-printed). */
export function normalise(sql: string): string {
  return sql.replace(/\s+/g, ' ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').trim();
}

export function compile(metricQuery: Json, options: Partial<CompileOptions> = {}, explore: Json = referenceExplore()) {
  return compileMetricQuery(explore, { exploreName: 'orders', dimensions: [], metrics: [], sorts: [], limit: 500, tableCalculations: [], ...metricQuery }, { ...OPTIONS, ...options });
}

export const rule = (fieldId: string, operator: string, values?: unknown[], extra: Json = {}): Json => ({ id: `r-${fieldId}`, target: { fieldId }, operator, values, ...extra });
export const and = (...items: Json[]): Json => ({ id: 'g', and: items });
export const or = (...items: Json[]): Json => ({ id: 'g', or: items });
