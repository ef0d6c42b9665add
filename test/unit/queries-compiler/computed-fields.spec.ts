import { describe, expect, it } from '@jest/globals';
import { and, compile, normalise, referenceExplore, rule } from './fixtures.js';

type Json = Record<string, any>;

/** The reference explore with a distinct sum and average, and post-calculation metrics on orders. */
function explore(): Json {
  const result = referenceExplore() as Json;
  const metric = (name: string, type: string, sql: string, compiledSql: string, extra: Json = {}) => ({
    fieldType: 'metric', table: 'orders', name, label: name, type, sql, compiledSql, tablesReferences: ['orders'], hidden: false, ...extra,
  });
  Object.assign(result.tables.orders.metrics, {
    distinct_revenue: metric('distinct_revenue', 'sum_distinct', '${TABLE}.amount', 'SUM("orders".amount)', { distinctKeys: ['order_id'] }),
    distinct_average: metric('distinct_average', 'average_distinct', '${TABLE}.amount', '"orders".amount', { distinctKeys: ['order_id', 'customers.country'] }),
    no_keys: metric('no_keys', 'sum_distinct', '${TABLE}.amount', '"orders".amount'),
    revenue_share: metric('revenue_share', 'percent_of_total', '${total_revenue}', '(SUM("orders".amount))'),
    revenue_vs_previous: metric('revenue_vs_previous', 'percent_of_previous', '${orders.total_revenue}', '(SUM("orders".amount))'),
    running_revenue: metric('running_revenue', 'running_total', '${total_revenue}', '(SUM("orders".amount))'),
    share_of_share: metric('share_of_share', 'percent_of_total', '${revenue_share}', ''),
  });
  return result;
}

describe('sum_distinct and average_distinct', () => {
  it('count each value once per distinct key and dimension, in a CTE joined to the other metrics on the dimensions', () => {
    const result = compile({ dimensions: ['orders_status'], metrics: ['orders_distinct_revenue', 'orders_total_revenue'] }, {}, explore());
    const sql = normalise(result.sql);
    expect(sql).toContain('WITH dd_base AS (SELECT "orders".status AS "orders_status", SUM("orders".amount) AS "orders_total_revenue" FROM "warehouse"."public"."orders" AS "orders" GROUP BY 1)');
    expect(sql).toContain('"dd_orders_distinct_revenue" AS (SELECT "orders_status", SUM(CASE WHEN __dd_rn = 1 THEN __dd_val ELSE NULL END) AS "orders_distinct_revenue" FROM (SELECT "orders".status AS "orders_status", "orders".amount AS __dd_val, ROW_NUMBER() OVER (PARTITION BY "orders".order_id, "orders".status ORDER BY "orders".amount) AS __dd_rn FROM "warehouse"."public"."orders" AS "orders") __dd_sub GROUP BY 1)');
    expect(sql).toContain('metrics AS (SELECT dd_base."orders_status", dd_base."orders_total_revenue", "dd_orders_distinct_revenue"."orders_distinct_revenue" FROM dd_base INNER JOIN "dd_orders_distinct_revenue" ON (dd_base."orders_status" = "dd_orders_distinct_revenue"."orders_status" OR (dd_base."orders_status" IS NULL AND "dd_orders_distinct_revenue"."orders_status" IS NULL)))');
    expect(result.warnings).toEqual([]);
  });

  it('average divides the de-duplicated sum by the de-duplicated count; a key on another table brings its join', () => {
    const sql = normalise(compile({ metrics: ['orders_distinct_average'] }, {}, explore()).sql);
    expect(sql).toContain('CAST(SUM(CASE WHEN __dd_rn = 1 THEN __dd_val ELSE NULL END) AS FLOAT) / CAST(NULLIF(COUNT(CASE WHEN __dd_rn = 1 THEN __dd_val END), 0) AS FLOAT) AS "orders_distinct_average"');
    expect(sql).toContain('ROW_NUMBER() OVER (PARTITION BY "orders".order_id, "customers".country ORDER BY "orders".amount)');
    expect(sql).toContain('LEFT OUTER JOIN "warehouse"."public"."customers" AS "customers"');
    // no dimensions and no other metric: no dd_base
    expect(sql).toContain('metrics AS (SELECT "dd_orders_distinct_average"."orders_distinct_average" FROM "dd_orders_distinct_average")');
    expect(sql).not.toContain('dd_base');
  });

  it('a custom metric can be distinct too; without distinctKeys it is a CompileError naming the metric', () => {
    const sql = compile({
      metrics: ['orders_paid_once'],
      additionalMetrics: [{ table: 'orders', name: 'paid_once', type: 'sum_distinct', sql: '${TABLE}.amount', baseDimensionName: 'amount', distinctKeys: ['order_id'] }],
    }, {}, explore()).sql;
    expect(normalise(sql)).toContain('PARTITION BY "orders".order_id ORDER BY "orders".amount');
    expect(() => compile({ metrics: ['orders_no_keys'] }, {}, explore())).toThrow(expect.objectContaining({ name: 'CompileError', field: 'orders_no_keys', message: expect.stringContaining('distinctKeys') }));
    expect(() => compile({
      metrics: ['orders_x'], additionalMetrics: [{ table: 'orders', name: 'x', type: 'sum_distinct', sql: '${TABLE}.amount', distinctKeys: ['nope'] }],
    }, {}, explore())).toThrow(expect.objectContaining({ name: 'FieldReferenceError', field: 'orders_x' }));
  });
});

describe('post-calculation metrics', () => {
  it('are windows over the metrics CTE in a postcalculation_metrics CTE; the metric they read is computed and dropped', () => {
    const sql = normalise(compile({
      dimensions: ['orders_status'], metrics: ['orders_revenue_share', 'orders_revenue_vs_previous', 'orders_running_revenue'],
      sorts: [{ fieldId: 'orders_status', descending: true, nullsFirst: false }],
    }, {}, explore()).sql);
    expect(sql).toContain('WITH metrics AS (SELECT "orders".status AS "orders_status", SUM("orders".amount) AS "orders_total_revenue" FROM "warehouse"."public"."orders" AS "orders" GROUP BY 1)');
    expect(sql).toContain('(CAST(metrics."orders_total_revenue" AS FLOAT) / CAST(NULLIF(SUM(metrics."orders_total_revenue") OVER (), 0) AS FLOAT)) AS "orders_revenue_share"');
    expect(sql).toContain('(CAST(metrics."orders_total_revenue" AS FLOAT) / CAST(NULLIF(LAG(metrics."orders_total_revenue") OVER (ORDER BY "orders_status" DESC NULLS LAST), 0) AS FLOAT)) AS "orders_revenue_vs_previous"');
    expect(sql).toContain('SUM(metrics."orders_total_revenue") OVER (ORDER BY "orders_status" DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "orders_running_revenue"');
    expect(sql).toContain('SELECT "orders_status", "orders_revenue_share", "orders_revenue_vs_previous", "orders_running_revenue" FROM postcalculation_metrics ORDER BY "orders_status" DESC NULLS LAST');
  });

  it('can be filtered and sorted on; the windows leave out sorts on post-calculation metrics', () => {
    const sql = normalise(compile({
      dimensions: ['orders_status'], metrics: ['orders_total_revenue', 'orders_running_revenue'],
      filters: { metrics: and(rule('orders_running_revenue', 'greaterThan', [100])) },
      sorts: [{ fieldId: 'orders_running_revenue', descending: true }, { fieldId: 'orders_total_revenue', descending: false }],
    }, {}, explore()).sql);
    expect(sql).toContain('OVER (ORDER BY "orders_total_revenue" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)');
    expect(sql).toContain('FROM postcalculation_metrics WHERE ((("orders_running_revenue") > ($1::numeric)))');
  });

  it('reading another post-calculation metric or an unknown one is a CompileError', () => {
    expect(() => compile({ metrics: ['orders_share_of_share'] }, {}, explore())).toThrow(expect.objectContaining({ field: 'orders_share_of_share', message: expect.stringContaining('another post-calculation') }));
    const broken = explore();
    broken.tables.orders.metrics.revenue_share.sql = '${nope}';
    expect(() => compile({ metrics: ['orders_revenue_share'] }, {}, broken)).toThrow(expect.objectContaining({ name: 'FieldReferenceError', field: 'orders_revenue_share' }));
  });
});

describe('template table calculations', () => {
  const base = { dimensions: ['orders_status'], metrics: ['orders_total_revenue'], sorts: [{ fieldId: 'orders_status', descending: false }] };
  const tcSql = (template: Json, query: Json = base) =>
    normalise(compile({ ...query, tableCalculations: [{ name: 'tc', displayName: 'TC', template }] }).sql).match(/FROM metrics\) SELECT \*, (.*) AS "tc" FROM|SELECT \*, (.*) AS "tc" FROM metrics/)!.slice(1).find(Boolean);
  const field = 'orders_total_revenue';

  it.each([
    [{ type: 'percent_change_from_previous', fieldId: field, orderBy: [{ fieldId: 'orders_status', order: 'desc' }] }, '(CAST("orders_total_revenue" AS FLOAT) / CAST(NULLIF(LAG("orders_total_revenue") OVER(ORDER BY "orders_status" DESC), 0) AS FLOAT)) - 1'],
    [{ type: 'percent_of_previous_value', fieldId: field, orderBy: [{ fieldId: 'orders_status', order: null }] }, '(CAST("orders_total_revenue" AS FLOAT) / CAST(NULLIF(LAG("orders_total_revenue") OVER(ORDER BY "orders_status"), 0) AS FLOAT))'],
    [{ type: 'percent_of_column_total', fieldId: field }, '(CAST("orders_total_revenue" AS FLOAT) / CAST(NULLIF(SUM("orders_total_revenue") OVER(), 0) AS FLOAT))'],
    [{ type: 'percent_of_column_total', fieldId: field, partitionBy: ['orders_status'] }, '(CAST("orders_total_revenue" AS FLOAT) / CAST(NULLIF(SUM("orders_total_revenue") OVER(PARTITION BY "orders_status"), 0) AS FLOAT))'],
    [{ type: 'rank_in_column', fieldId: field }, 'RANK() OVER (ORDER BY "orders_total_revenue" ASC)'],
    [{ type: 'running_total', fieldId: field }, 'SUM("orders_total_revenue") OVER (ORDER BY "orders_status" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)'],
    [{ type: 'window_function', windowFunction: 'row_number', fieldId: null, orderBy: [{ fieldId: field, order: 'desc' }], partitionBy: [] }, 'ROW_NUMBER() OVER (ORDER BY "orders_total_revenue" DESC)'],
    [
      { type: 'window_function', windowFunction: 'avg', fieldId: field, orderBy: [{ fieldId: 'orders_status', order: 'asc' }], partitionBy: ['orders_status'], frame: { frameType: 'rows', start: { type: 'preceding', offset: 2 }, end: { type: 'current_row' } } },
      'AVG("orders_total_revenue") OVER (PARTITION BY "orders_status" ORDER BY "orders_status" ASC ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)',
    ],
    [{ type: 'window_function', windowFunction: 'max', fieldId: field, orderBy: [], partitionBy: [], frame: { frameType: 'range', end: { type: 'unbounded_following' } } }, 'MAX("orders_total_revenue") OVER (RANGE UNBOUNDED FOLLOWING)'],
  ])('%j', (template, expected) => {
    expect(tcSql(template)).toBe(expected);
  });

  it('are not request-written SQL, filter as numbers, and may read another table calculation', () => {
    const result = compile({
      ...base,
      tableCalculations: [
        { name: 'share', displayName: 'Share', template: { type: 'percent_of_column_total', fieldId: field } },
        { name: 'share_rank', displayName: 'Rank', template: { type: 'rank_in_column', fieldId: 'share' } },
      ],
      filters: { tableCalculations: and(rule('share', 'greaterThan', [0.1])) },
    });
    expect(result.userSqlFields).toEqual([]);
    expect(result.fields.share).toEqual({ kind: 'table_calculation', type: 'number', label: 'Share' });
    const sql = normalise(result.sql);
    expect(sql).toContain('"tc_share_rank" AS (SELECT *, RANK() OVER (ORDER BY "share" ASC) AS "share_rank" FROM table_calculations)');
    expect(sql).toContain('WHERE ((("share") > ($1::numeric)))');
  });

  it.each([
    [{ type: 'rank_in_column', fieldId: 'orders_amount' }, /isn't included in the query/],
    [{ type: 'percent_of_column_total', fieldId: field, partitionBy: ['x"; DROP'] }, /isn't included in the query/],
    [{ type: 'nope', fieldId: field }, /template.type: must be one of/],
    [{ type: 'window_function', windowFunction: 'sum', fieldId: null, orderBy: [], partitionBy: [] }, /fieldId: must be a non-empty string/],
    [{ type: 'window_function', windowFunction: 'sum', fieldId: field, orderBy: [], partitionBy: [], frame: { frameType: 'rows', end: { type: 'preceding', offset: '1; DROP' } } }, /offset: must be a whole number/],
    [{ type: 'rank_in_column', fieldId: 'tc' }, /references itself/],
  ])('%j is a CompileError', (template, message) => {
    expect(() => compile({ ...base, tableCalculations: [{ name: 'tc', displayName: 'TC', template }] })).toThrow(expect.objectContaining({ message: expect.stringMatching(message) }));
  });

  it('formula table calculations and both sql and template are refused', () => {
    expect(() => compile({ ...base, tableCalculations: [{ name: 'tc', displayName: 'TC', formula: '=A1' }] })).toThrow(/formula table calculations are not supported/);
    expect(() => compile({ ...base, tableCalculations: [{ name: 'tc', displayName: 'TC', sql: '1', template: { type: 'rank_in_column', fieldId: field } }] })).toThrow(/exactly one of 'sql' and 'template'/);
    expect(() => compile({ ...base, tableCalculations: [{ name: 'tc', displayName: 'TC' }] })).toThrow(/exactly one of 'sql' and 'template'/);
    expect(compile({ ...base, tableCalculations: [{ name: 'tc', displayName: 'TC', sql: '', template: { type: 'rank_in_column', fieldId: field } }] }).sql).toContain('RANK() OVER');
  });
});

describe('custom_group value groups', () => {
  const group = (customGroups: unknown, dimensionId = 'orders_status') =>
    compile({ dimensions: ['g'], metrics: ['orders_total_revenue'], customDimensions: [{ id: 'g', name: 'G', table: 'orders', type: 'bin', dimensionId, binType: 'custom_group', customGroups }] });

  it('a CASE over the groups in order with bound names and values, LIKE characters in values escaped, the rest Other', () => {
    const result = group([{ name: 'A', values: ['x', { match: 'endsWith', value: '50%' }] }, { name: "B'", values: [{ match: 'includes', value: 'a_b\\' }] }, { name: 'empty', values: [] }]);
    const sql = normalise(result.sql);
    expect(sql).toContain(`CASE WHEN "orders".status IS NULL THEN NULL WHEN ("orders".status = $1::text OR "orders".status LIKE $2::text ESCAPE '\\') THEN $3::text WHEN "orders".status LIKE $4::text ESCAPE '\\' THEN $5::text ELSE 'Other' END AS "g"`);
    expect(sql).toContain(`CASE WHEN "orders".status IS NULL THEN NULL WHEN ("orders".status = $1::text OR "orders".status LIKE $2::text ESCAPE '\\') THEN 0 WHEN "orders".status LIKE $4::text ESCAPE '\\' THEN 1 ELSE 2 END AS "g_order"`);
    expect(result.parameters).toEqual(['x', '%50\\%', 'A', '%a\\_b\\\\%', "B'", 500]);
    expect(result.fields.g).toEqual({ kind: 'custom_dimension', type: 'string', label: 'G', table: 'orders', orderColumn: 'g_order' });
  });

  it.each(["'; DROP TABLE x; --", '$1', '%_\\', '/*'])('a hostile name or value %j is only ever a bound parameter', (hostile) => {
    const result = group([{ name: hostile, values: [hostile, { match: 'includes', value: hostile }] }]);
    const withoutPlaceholders = result.sql.replace(/\$\d+(::[a-z ]+)?/g, '').replaceAll("ESCAPE '\\'", '').replaceAll("'Other'", '');
    for (const fragment of ['DROP', '/*', "'", '%', '$']) expect(withoutPlaceholders).not.toContain(fragment);
    expect(result.parameters.slice(0, 3)).toEqual([hostile, `%${hostile.replace(/[\\%_]/g, (char) => `\\${char}`)}%`, hostile]);
  });

  it('needs a string dimension and at least one group with values', () => {
    expect(() => group([{ name: 'A', values: ['1'] }], 'orders_amount')).toThrow(/not a string/);
    expect(() => group([{ name: 'A', values: [] }])).toThrow(/customGroups needs 1 to/);
    expect(() => group([{ name: 'A', values: [{ match: 'regex', value: '.' }] }])).toThrow(/match: must be one of/);
  });
});

describe('inPeriodToDate', () => {
  const periodToDate = (fieldId: string, unitOfTime: string | undefined, options = {}) =>
    compile({ metrics: ['orders_total_revenue'], filters: { dimensions: and(rule(fieldId, 'inPeriodToDate', [], unitOfTime ? { settings: { unitOfTime } } : {})) } }, options);

  // now: Monday 2026-12-07 10:15 UTC, day 341 of the year, day 67 (from 0) of Q4
  it.each([
    ['years', 'EXTRACT(DOY FROM ("orders".order_date))', 341],
    [undefined, 'EXTRACT(DOY FROM ("orders".order_date))', 341],
    ['months', 'EXTRACT(DAY FROM ("orders".order_date))', 7],
    ['quarters', `(CAST(("orders".order_date) AS DATE) - CAST(DATE_TRUNC('QUARTER', ("orders".order_date)) AS DATE))`, 67],
    ['weeks', 'MOD(CAST(EXTRACT(ISODOW FROM ("orders".order_date)) AS INTEGER) + 6, 7)', 0],
  ])('%s: the day within its period is at most today\'s, bound', (unit, position, today) => {
    const result = periodToDate('orders_order_date', unit);
    expect(normalise(result.sql)).toContain(`WHERE (((${position} <= $1::numeric)))`);
    expect(result.parameters).toEqual([today, 500]);
  });

  it('a week dimension compares its base date; a timestamp is read in the query zone; weeks follow startOfWeek', () => {
    expect(normalise(periodToDate('orders_order_date_week', 'months').sql)).toContain('EXTRACT(DAY FROM ("orders".order_date))');
    const zoned = periodToDate('orders_created_at', 'weeks', { timezone: 'Pacific/Kiritimati', startOfWeek: 6 });
    // 10:15 UTC Monday is 00:15 Tuesday in Kiritimati (UTC+14): day 2 of a week starting on Sunday
    expect(normalise(zoned.sql)).toContain('MOD(CAST(EXTRACT(ISODOW FROM (CAST(("orders".created_at) AS TIMESTAMPTZ) AT TIME ZONE $1::text)) AS INTEGER) + 0, 7) <= $2::numeric');
    expect(zoned.parameters).toEqual(['Pacific/Kiritimati', 2, 500]);
  });

  it('other units and non-date fields are refused', () => {
    expect(() => periodToDate('orders_order_date', 'days')).toThrow(/needs unitOfTime weeks, months, quarters or years/);
    expect(() => periodToDate('orders_status', 'years')).toThrow(/inPeriodToDate on string field orders_status/);
  });
});
