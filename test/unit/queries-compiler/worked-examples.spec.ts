import { describe, expect, it } from '@jest/globals';
import { and, compile, normalise, or, rule } from './fixtures.js';

/**
 * The reference's worked examples (lightdash-queries.md §4), modulo whitespace and parameters:
 * where Lightdash writes a literal ('completed', 10, '2026-09-01 00:00:00+00:00', LIMIT 500) we
 * write a `$n` placeholder and bind the literal's value; numbers carry a ::numeric cast so that
 * PostgreSQL compares them as numbers whatever the column's integer type.
 */
describe('worked examples (§4)', () => {
  it('Ex 1: dimension + metric, string filter, explicit sort', () => {
    const result = compile({
      dimensions: ['orders_status'],
      metrics: ['orders_total_revenue'],
      filters: { dimensions: and(rule('orders_status', 'equals', ['completed', 'shipped'])) },
      sorts: [{ fieldId: 'orders_total_revenue', descending: true }],
      limit: 500,
    });
    expect(normalise(result.sql)).toBe(normalise(`
      SELECT
        "orders".status AS "orders_status",
        SUM("orders".amount) AS "orders_total_revenue"
      FROM "warehouse"."public"."orders" AS "orders"
      WHERE ((
        ("orders".status) IN ($1,$2)
      ))
      GROUP BY 1
      ORDER BY "orders_total_revenue" DESC
      LIMIT $3::bigint`));
    expect(result.parameters).toEqual(['completed', 'shipped', 500]);
    expect(result.fields).toEqual({
      orders_status: { kind: 'dimension', type: 'string', label: 'status', table: 'orders' },
      orders_total_revenue: { kind: 'metric', type: 'sum', label: 'total_revenue', table: 'orders' },
    });
    expect(result.warnings).toEqual([]);
  });

  it('Ex 2: joined dimension, number-range dimension filter, metric filter in an outer query over the metrics CTE', () => {
    const result = compile({
      dimensions: ['customers_first_name'],
      metrics: ['orders_total_revenue'],
      filters: {
        dimensions: and(rule('orders_amount', 'inBetween', [10, 100])),
        metrics: and(rule('orders_total_revenue', 'greaterThan', [1000])),
      },
      sorts: [{ fieldId: 'orders_total_revenue', descending: true }],
      limit: 100,
    });
    expect(normalise(result.sql)).toBe(normalise(`
      WITH metrics AS (
      SELECT
        "customers".first_name AS "customers_first_name",
        SUM("orders".amount) AS "orders_total_revenue"
      FROM "warehouse"."public"."orders" AS "orders"
      LEFT OUTER JOIN "warehouse"."public"."customers" AS "customers"
        ON ("orders".customer_id) = ("customers".customer_id)
      WHERE ((
        ("orders".amount) >= ($1::numeric) AND ("orders".amount) <= ($2::numeric)
      ))
      GROUP BY 1
      )
      SELECT
        *
      FROM metrics
      WHERE ((
        ("orders_total_revenue") > ($3::numeric)
      ))
      ORDER BY "orders_total_revenue" DESC
      LIMIT $4::bigint`));
    expect(result.parameters).toEqual([10, 100, 1000, 100]);
  });

  it('Ex 3: time interval, relative date filters (completed months, current year), default sort on the date dimension', () => {
    const result = compile({
      dimensions: ['orders_created_at_month'],
      metrics: ['orders_order_count'],
      filters: {
        dimensions: and(
          rule('orders_created_at', 'inThePast', [3], { settings: { unitOfTime: 'months', completed: true } }),
          rule('orders_order_date', 'inTheCurrent', [], { settings: { unitOfTime: 'years' } }),
        ),
      },
      sorts: [],
      limit: 500,
    });
    expect(normalise(result.sql)).toBe(normalise(`
      SELECT
        DATE_TRUNC('MONTH', "orders".created_at) AS "orders_created_at_month",
        COUNT(DISTINCT "orders".order_id) AS "orders_order_count"
      FROM "warehouse"."public"."orders" AS "orders"
      WHERE ((
        (("orders".created_at) >= ($1) AND ("orders".created_at) < ($2))
      ) AND (
        (("orders".order_date) >= ($3) AND ("orders".order_date) <= ($4))
      ))
      GROUP BY 1
      ORDER BY "orders_created_at_month" DESC
      LIMIT $5::bigint`));
    expect(result.parameters).toEqual(['2026-09-01 00:00:00+00:00', '2026-12-01 00:00:00+00:00', '2026-01-01', '2026-12-31', 500]);
  });

  const ex4 = {
    dimensions: ['orders_status'],
    metrics: ['orders_total_revenue'],
    tableCalculations: [{ name: 'revenue_share', displayName: 'Revenue share', type: 'number', sql: '${orders.total_revenue} / SUM(${orders.total_revenue}) OVER ()' }],
    sorts: [{ fieldId: 'orders_status', descending: false, nullsFirst: true }],
    limit: 50,
  };

  it('Ex 4: table calculation with a filter on it, NULLS FIRST', () => {
    const result = compile({ ...ex4, filters: { tableCalculations: and(rule('revenue_share', 'greaterThan', [0.1])) } });
    expect(normalise(result.sql)).toBe(normalise(`
      WITH metrics AS (
      SELECT
        "orders".status AS "orders_status",
        SUM("orders".amount) AS "orders_total_revenue"
      FROM "warehouse"."public"."orders" AS "orders"
      GROUP BY 1
      ),
      table_calculations AS (
      SELECT
        *,
        "orders_total_revenue" / SUM("orders_total_revenue") OVER () AS "revenue_share"
      FROM metrics
      )
      SELECT
        *
      FROM table_calculations
       WHERE ((
        ("revenue_share") > ($1::numeric)
      ))
      ORDER BY "orders_status" NULLS FIRST
      LIMIT $2::bigint`));
    expect(result.parameters).toEqual([0.1, 50]);
    expect(result.fields.revenue_share).toEqual({ kind: 'table_calculation', type: 'number', label: 'Revenue share' });
    expect(result.userSqlFields).toEqual(['revenue_share']);
  });

  it('Ex 4 without the filter: the table calculation is inlined over the metrics CTE', () => {
    const result = compile(ex4);
    expect(normalise(result.sql)).toBe(normalise(`
      WITH metrics AS (
      SELECT
        "orders".status AS "orders_status",
        SUM("orders".amount) AS "orders_total_revenue"
      FROM "warehouse"."public"."orders" AS "orders"
      GROUP BY 1
      )
      SELECT
        *,
        "orders_total_revenue" / SUM("orders_total_revenue") OVER () AS "revenue_share"
      FROM metrics
      ORDER BY "orders_status" NULLS FIRST
      LIMIT $1::bigint`));
  });

  it('Ex 5: custom metric, fixed-width bin, custom SQL dimension, nested OR/AND group (the filter alone brings the join)', () => {
    const result = compile({
      dimensions: ['amount_bucket', 'is_big'],
      metrics: ['orders_max_amount'],
      additionalMetrics: [{ table: 'orders', name: 'max_amount', type: 'max', sql: '${TABLE}.amount', label: 'Max amount', baseDimensionName: 'amount' }],
      customDimensions: [
        { id: 'amount_bucket', name: 'Amount bucket', table: 'orders', type: 'bin', dimensionId: 'orders_amount', binType: 'fixed_width', binWidth: 50 },
        { id: 'is_big', name: 'Is big', table: 'orders', type: 'sql', sql: '${orders.amount} > 100', dimensionType: 'boolean' },
      ],
      filters: {
        dimensions: or(
          rule('orders_status', 'include', ['ship']),
          and(rule('customers_first_name', 'startsWith', ['A']), rule('orders_amount', 'isNull')),
        ),
      },
      sorts: [{ fieldId: 'amount_bucket', descending: false }],
      limit: 500,
    });
    expect(normalise(result.sql)).toBe(normalise(`
      SELECT
      (FLOOR("orders".amount / $1::numeric) * $1::numeric || ' - ' || (FLOOR("orders".amount / $1::numeric) + 1) * $1::numeric - 1) AS "amount_bucket",
      FLOOR("orders".amount / $1::numeric) * $1::numeric AS "amount_bucket_order",
        (("orders".amount) > 100) AS "is_big",
        MAX("orders".amount) AS "orders_max_amount"
      FROM "warehouse"."public"."orders" AS "orders"
      LEFT OUTER JOIN "warehouse"."public"."customers" AS "customers"
        ON ("orders".customer_id) = ("customers".customer_id)
      WHERE ((
        ("orders".status) LIKE $2
      ) OR ((
        ("customers".first_name) LIKE $3
      ) AND (
        ("orders".amount) IS NULL
      )))
      GROUP BY 1,2,3
      ORDER BY "amount_bucket_order"
      LIMIT $4::bigint`));
    expect(result.parameters).toEqual([50, '%ship%', 'A%', 500]);
    expect(result.fields).toEqual({
      amount_bucket: { kind: 'custom_dimension', type: 'string', label: 'Amount bucket', table: 'orders', orderColumn: 'amount_bucket_order' },
      is_big: { kind: 'custom_dimension', type: 'boolean', label: 'Is big', table: 'orders' },
      orders_max_amount: { kind: 'additional_metric', type: 'max', label: 'Max amount', table: 'orders' },
    });
    // the custom metric reuses its base dimension's SQL; only the custom SQL dimension is request-written SQL
    expect(result.userSqlFields).toEqual(['is_big']);
  });
});
