import { describe, expect, it } from '@jest/globals';
import { and, compile, normalise, referenceExplore, rule } from './fixtures.js';

/** The WHERE clause (between WHERE and GROUP BY) and the parameters of a one-rule dimension filter. */
function where(fieldId: string, operator: string, values?: unknown[], extra: Record<string, unknown> = {}, options = {}, explore = referenceExplore()) {
  const result = compile({ metrics: ['orders_row_count'], filters: { dimensions: and(rule(fieldId, operator, values, extra)) } }, options, explore);
  const match = /WHERE \(\((.*)\)\)\s*LIMIT/.exec(normalise(result.sql));
  return { sql: match?.[1], parameters: result.parameters.slice(0, -1) };
}

describe('string operators', () => {
  it.each([
    ['equals', ['a', 'b'], {}, '("orders".status) IN ($1,$2)', ['a', 'b']],
    ['equals', ['a'], { includeNull: true }, '(("orders".status) IN ($1) OR ("orders".status) IS NULL)', ['a']],
    ['equals', [], { includeNull: true }, '("orders".status) IS NULL', []],
    ['equals', [], {}, 'true', []],
    ['notEquals', ['a'], {}, '(("orders".status) NOT IN ($1) OR ("orders".status) IS NULL)', ['a']],
    ['include', ['ship'], {}, '("orders".status) LIKE $1', ['%ship%']],
    ['include', ['a', '', 'b'], {}, '(("orders".status) LIKE $1 OR ("orders".status) LIKE $2)', ['%a%', '%b%']],
    ['doesNotInclude', ['a', 'b'], {}, '(("orders".status) NOT LIKE $1 AND ("orders".status) NOT LIKE $2 OR ("orders".status) IS NULL)', ['%a%', '%b%']],
    ['startsWith', ['a', 'b'], {}, '("orders".status) LIKE $1 OR ("orders".status) LIKE $2', ['a%', 'b%']],
    ['endsWith', ['z'], {}, '("orders".status) LIKE $1', ['%z']],
    ['isNull', undefined, {}, '("orders".status) IS NULL', []],
    ['notNull', undefined, {}, '("orders".status) IS NOT NULL', []],
  ])('%s %j %j', (operator, values, extra, sql, parameters) => {
    expect(where('orders_status', operator, values, extra)).toEqual({ sql: normalise(sql), parameters });
  });

  it('case-insensitive rules compare upper-cased column and values', () => {
    expect(where('orders_status', 'equals', ['a'], { caseSensitive: false })).toEqual({ sql: '(UPPER("orders".status)) IN (UPPER($1))', parameters: ['a'] });
    expect(where('orders_status', 'include', ['a'], { caseSensitive: false })).toEqual({ sql: 'UPPER("orders".status) LIKE UPPER($1)', parameters: ['%a%'] });
    const insensitiveExplore = { ...referenceExplore(), caseSensitive: false };
    expect(where('orders_status', 'startsWith', ['a'], {}, {}, insensitiveExplore).sql).toBe('UPPER("orders".status) LIKE UPPER($1)');
  });

  it('a number operator on a string field is a CompileError naming the field', () => {
    expect(() => where('orders_status', 'greaterThan', ['a'])).toThrow(expect.objectContaining({ name: 'CompileError', field: 'orders_status' }));
  });
});

describe('number operators', () => {
  it.each([
    ['equals', [1, '2'], '("orders".amount) IN ($1::numeric,$2::numeric)', [1, 2]],
    ['notEquals', [1], '(("orders".amount) NOT IN ($1::numeric) OR ("orders".amount) IS NULL)', [1]],
    ['lessThan', [5], '("orders".amount) < ($1::numeric)', [5]],
    ['lessThanOrEqual', [5], '("orders".amount) <= ($1::numeric)', [5]],
    ['greaterThan', [5.5], '("orders".amount) > ($1::numeric)', [5.5]],
    ['greaterThanOrEqual', ['-3'], '("orders".amount) >= ($1::numeric)', [-3]],
    ['inBetween', [1, 9], '("orders".amount) >= ($1::numeric) AND ("orders".amount) <= ($2::numeric)', [1, 9]],
    ['notInBetween', [1, 9], '("orders".amount) < ($1::numeric) OR ("orders".amount) > ($2::numeric)', [1, 9]],
    ['inBetween', [1], 'true', []],
    ['greaterThan', [], 'true', []],
    ['isNull', undefined, '("orders".amount) IS NULL', []],
  ])('%s %j', (operator, values, sql, parameters) => {
    expect(where('orders_amount', operator, values)).toEqual({ sql, parameters });
  });

  it.each([['abc'], [''], [true], [null], [Number.NaN]])('the value %j is a CompileError naming the field', (value) => {
    expect(() => where('orders_amount', 'equals', [value])).toThrow(expect.objectContaining({ name: 'CompileError', field: 'orders_amount' }));
  });

  it('a string operator on a number field is a CompileError', () => {
    expect(() => where('orders_amount', 'include', ['1'])).toThrow(/No function has been implemented to render SQL for the filter operator include/);
  });
});

describe('boolean operators', () => {
  it.each([
    ['equals', [true], '("orders".is_completed) = $1', [true]],
    ['equals', ['FALSE'], '("orders".is_completed) = $1', [false]],
    ['notEquals', [true], '(("orders".is_completed) != $1 OR ("orders".is_completed) IS NULL)', [true]],
    ['equals', [], 'true', []],
    ['notNull', undefined, '("orders".is_completed) IS NOT NULL', []],
  ])('%s %j', (operator, values, sql, parameters) => {
    expect(where('orders_is_completed', operator, values)).toEqual({ sql, parameters });
  });

  it('a value that is not a boolean is a CompileError', () => {
    expect(() => where('orders_is_completed', 'equals', ['yes'])).toThrow(expect.objectContaining({ field: 'orders_is_completed' }));
  });
});

describe('date and timestamp operators (now = 2026-12-07 10:15 UTC)', () => {
  it.each([
    ['orders_order_date', 'equals', ['2024-01-31'], '("orders".order_date) = ($1)', ['2024-01-31']],
    ['orders_order_date', 'equals', ['2024-01-31', '2024-02-01T12:00:00Z'], '("orders".order_date) IN ($1,$2)', ['2024-01-31', '2024-02-01']],
    ['orders_order_date', 'notEquals', ['2024-01-31'], '(("orders".order_date) != ($1) OR ("orders".order_date) IS NULL)', ['2024-01-31']],
    ['orders_order_date', 'lessThan', ['2024-01-31'], '("orders".order_date) < ($1)', ['2024-01-31']],
    ['orders_order_date', 'greaterThanOrEqual', ['2024-01-31'], '("orders".order_date) >= ($1)', ['2024-01-31']],
    ['orders_order_date', 'inBetween', ['2024-01-01', '2024-01-31'], '(("orders".order_date) >= ($1) AND ("orders".order_date) <= ($2))', ['2024-01-01', '2024-01-31']],
    ['orders_created_at', 'equals', ['2024-01-31T10:00:00+02:00'], '("orders".created_at) = ($1)', ['2024-01-31 08:00:00+00:00']],
    ['orders_created_at', 'greaterThan', ['2024-01-31 10:00:00'], '("orders".created_at) > ($1)', ['2024-01-31 10:00:00+00:00']],
    // a week dimension holds Mondays: an equality on any day matches that day's week
    ['orders_order_date_week', 'equals', ['2026-12-10'], '(DATE_TRUNC(\'WEEK\', "orders".order_date)) = ($1)', ['2026-12-07']],
  ])('%s %s %j', (fieldId, operator, values, sql, parameters) => {
    expect(where(fieldId, operator, values)).toEqual({ sql, parameters });
  });

  const ts = (operator: string, values: unknown[] | undefined, settings: Record<string, unknown>, options = {}) => where('orders_created_at', operator, values, { settings }, options);
  const x = '("orders".created_at)';
  it.each([
    ['inThePast', [3], { unitOfTime: 'days' }, `(${x} >= ($1) AND ${x} <= ($2))`, ['2026-12-04 10:15:00+00:00', '2026-12-07 10:15:00+00:00']],
    ['inThePast', [2], { unitOfTime: 'weeks', completed: true }, `(${x} >= ($1) AND ${x} < ($2))`, ['2026-11-23 00:00:00+00:00', '2026-12-07 00:00:00+00:00']],
    ['inThePast', [1], { unitOfTime: 'quarters', completed: true }, `(${x} >= ($1) AND ${x} < ($2))`, ['2026-07-01 00:00:00+00:00', '2026-10-01 00:00:00+00:00']],
    ['inThePast', [90], { unitOfTime: 'minutes' }, `(${x} >= ($1) AND ${x} <= ($2))`, ['2026-12-07 08:45:00+00:00', '2026-12-07 10:15:00+00:00']],
    ['notInThePast', [1], { unitOfTime: 'years', completed: true }, `NOT((${x} >= ($1) AND ${x} < ($2)))`, ['2025-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00']],
    ['inTheNext', [2], { unitOfTime: 'hours' }, `(${x} >= ($1) AND ${x} <= ($2))`, ['2026-12-07 10:15:00+00:00', '2026-12-07 12:15:00+00:00']],
    ['inTheNext', [1], { unitOfTime: 'months', completed: true }, `(${x} >= ($1) AND ${x} < ($2))`, ['2027-01-01 00:00:00+00:00', '2027-02-01 00:00:00+00:00']],
    ['inTheCurrent', [], { unitOfTime: 'weeks' }, `(${x} >= ($1) AND ${x} <= ($2))`, ['2026-12-07 00:00:00+00:00', '2026-12-13 23:59:59+00:00']],
    ['notInTheCurrent', [], { unitOfTime: 'months' }, `(NOT (${x} >= ($1) AND ${x} <= ($2)))`, ['2026-12-01 00:00:00+00:00', '2026-12-31 23:59:59+00:00']],
    ['inThePast', [], { unitOfTime: 'days' }, 'true', []],
  ])('%s %j %j', (operator, values, settings, sql, parameters) => {
    expect(ts(operator, values, settings)).toEqual({ sql, parameters });
  });

  it('relative boundaries follow the query time zone, written as UTC instants', () => {
    // 10:15 UTC is 19:15 in Tokyo (UTC+9): the current day there started at 15:00 UTC the day before
    expect(ts('inTheCurrent', [], { unitOfTime: 'days' }, { timezone: 'Asia/Tokyo' }).parameters)
      .toEqual(['2026-12-06 15:00:00+00:00', '2026-12-07 14:59:59+00:00']);
    // a month in New York across the DST change: from 05:00 UTC (EDT ended in November) to the end of the month
    expect(ts('inTheCurrent', [], { unitOfTime: 'months' }, { timezone: 'America/New_York' }).parameters)
      .toEqual(['2026-12-01 05:00:00+00:00', '2027-01-01 04:59:59+00:00']);
  });

  it('relative filters on dates are written as dates', () => {
    expect(where('orders_order_date', 'inThePast', [7], { settings: { unitOfTime: 'days', completed: true } }).parameters).toEqual(['2026-11-30', '2026-12-07']);
  });

  it.each([
    ['orders_order_date', 'include', ['2024']],
    ['orders_order_date', 'notInBetween', ['2024-01-01', '2024-02-01']],
    ['orders_order_date', 'equals', ['31/01/2024']],
    ['orders_order_date', 'equals', ['2024-02-30']],
    ['orders_created_at', 'inThePast', [-1]],
    ['orders_created_at', 'inThePast', ['1e9']],
  ])('%s %s %j is a CompileError naming the field', (fieldId, operator, values) => {
    expect(() => where(fieldId, operator, values)).toThrow(expect.objectContaining({ name: 'CompileError', field: fieldId }));
  });
});

describe('metric types', () => {
  it.each([
    ['orders_total_revenue', 'SUM("orders".amount)'],
    ['orders_order_count', 'COUNT(DISTINCT "orders".order_id)'],
    ['orders_row_count', 'COUNT("orders".order_id)'],
    ['orders_average_amount', 'AVG("orders".amount)'],
    ['orders_smallest', 'MIN("orders".amount)'],
    ['orders_largest', 'MAX("orders".amount)'],
    ['orders_median_amount', 'PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY "orders".amount)'],
    ['orders_p90_amount', 'PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY "orders".amount)'],
    ['orders_revenue_per_order', '(SUM("orders".amount)) / NULLIF((COUNT(DISTINCT "orders".order_id)), 0)'],
    ['orders_first_status', 'MIN("orders".status)'],
    ['orders_latest_order_date', 'MAX("orders".order_date)'],
    ['orders_any_completed', 'BOOL_OR("orders".is_completed)'],
  ])('%s selects its compiled SQL', (id, sql) => {
    expect(normalise(compile({ metrics: [id] }).sql)).toBe(`SELECT ${sql} AS "${id}" FROM "warehouse"."public"."orders" AS "orders" LIMIT $1::bigint`);
  });

  it.each([
    ['count', 'COUNT("orders".amount)'],
    ['count_distinct', 'COUNT(DISTINCT "orders".amount)'],
    ['sum', 'SUM("orders".amount)'],
    ['average', 'AVG("orders".amount)'],
    ['min', 'MIN("orders".amount)'],
    ['max', 'MAX("orders".amount)'],
    ['median', 'PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY "orders".amount)'],
    ['percentile', 'PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY "orders".amount)'],
  ])('an explore metric of type %s whose compiledSql is only the argument is wrapped in its aggregate', (type, sql) => {
    const explore = referenceExplore();
    const tables = explore.tables as Record<string, { metrics: Record<string, unknown> }>;
    tables.orders.metrics.m = { name: 'm', type, compiledSql: '"orders".amount', percentile: 25, tablesReferences: ['orders'] };
    expect(normalise(compile({ metrics: ['orders_m'] }, {}, explore).sql)).toContain(`SELECT ${sql} AS "orders_m"`);
  });

  it('an argument-only metric with YAML filters gets CASE WHEN with bound values', () => {
    const explore = referenceExplore();
    const tables = explore.tables as Record<string, { metrics: Record<string, unknown> }>;
    tables.orders.metrics.completed_revenue = {
      name: 'completed_revenue', type: 'sum', compiledSql: '"orders".amount', tablesReferences: ['orders'],
      filters: [{ id: 'f', target: { fieldRef: 'status' }, operator: 'equals', values: ['completed'] }],
    };
    const result = compile({ metrics: ['orders_completed_revenue'] }, {}, explore);
    expect(normalise(result.sql)).toContain('SUM(CASE WHEN (("orders".status) IN ($1)) THEN ("orders".amount) ELSE NULL END) AS "orders_completed_revenue"');
    expect(result.parameters).toEqual(['completed', 500]);
  });

  it('metric filters on string, date and boolean metrics use their renderers', () => {
    const result = compile({
      metrics: ['orders_first_status', 'orders_latest_order_date', 'orders_any_completed'],
      filters: { metrics: and(
        rule('orders_first_status', 'startsWith', ['c']),
        rule('orders_latest_order_date', 'greaterThan', ['2026-01-01']),
        rule('orders_any_completed', 'equals', [true]),
      ) },
    });
    expect(normalise(result.sql)).toContain('FROM metrics WHERE ((("orders_first_status") LIKE $1) AND (("orders_latest_order_date") > ($2)) AND (("orders_any_completed") = $3)) LIMIT');
    expect(result.parameters).toEqual(['c%', '2026-01-01', true, 500]);
  });

  it('custom metrics: a percentile is bound; request-written SQL is compiled as a template and reported', () => {
    const result = compile({
      metrics: ['orders_p75', 'orders_big_revenue'],
      additionalMetrics: [
        { table: 'orders', name: 'p75', type: 'percentile', percentile: 75, sql: '${TABLE}.amount', baseDimensionName: 'amount' },
        { table: 'orders', name: 'big_revenue', type: 'sum', sql: 'CASE WHEN ${amount} > 100 THEN ${TABLE}.amount END',
          filters: [{ id: 'f', target: { fieldRef: 'orders.status' }, operator: 'notEquals', values: ['returned'] }] },
      ],
    });
    expect(normalise(result.sql)).toContain('PERCENTILE_CONT($1::double precision) WITHIN GROUP (ORDER BY "orders".amount) AS "orders_p75"');
    expect(normalise(result.sql)).toContain('SUM(CASE WHEN ((("orders".status) NOT IN ($2) OR ("orders".status) IS NULL)) THEN (CASE WHEN ("orders".amount) > 100 THEN "orders".amount END) ELSE NULL END) AS "orders_big_revenue"');
    expect(result.parameters).toEqual([0.75, 'returned', 500]);
    expect(result.userSqlFields).toEqual(['orders_big_revenue']);
  });
});
