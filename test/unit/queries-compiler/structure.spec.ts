import { describe, expect, it } from '@jest/globals';
import { compileMetricQuery } from '../../../src/queries/compiler/index.js';
import { and, compile, normalise, OPTIONS, or, referenceExplore, rule } from './fixtures.js';

const HOSTILE = ["'; DROP TABLE x; --", '$1', '"; SELECT 1; --', '%_\\', '\u2028)/*'];

describe('values are bound parameters, never SQL text', () => {
  it.each(HOSTILE)('the value %j is inert in every kind of filter, limit and custom field', (value) => {
    const result = compile({
      dimensions: ['orders_status'],
      metrics: ['orders_total_revenue', 'orders_first_status'],
      filters: {
        dimensions: or(
          rule('orders_status', 'equals', [value]),
          rule('orders_status', 'notEquals', [value]),
          rule('orders_status', 'include', [value], { caseSensitive: false }),
          rule('orders_status', 'doesNotInclude', [value]),
          rule('orders_status', 'startsWith', [value]),
          rule('orders_status', 'endsWith', [value]),
          rule('customers_first_name', 'equals', [value]),
        ),
        metrics: and(rule('orders_first_status', 'equals', [value])),
      },
    });
    const withoutPlaceholders = result.sql.replace(/\$\d+(::[a-z ]+)?/g, '');
    for (const fragment of ['DROP', 'SELECT 1', '\u2028', '/*', "'", '%', '$']) expect(withoutPlaceholders).not.toContain(fragment);
    expect(result.parameters.filter((parameter) => typeof parameter === 'string' && parameter.includes(value.replace('\u0000', '')))).toHaveLength(8);
  });

  it('a hostile value is refused where a number, date or boolean is expected, naming the field', () => {
    for (const [fieldId, operator] of [['orders_amount', 'equals'], ['orders_order_date', 'equals'], ['orders_is_completed', 'equals'], ['orders_created_at', 'inThePast']]) {
      expect(() => compile({ filters: { dimensions: and(rule(fieldId, operator, [HOSTILE[0]])) } })).toThrow(expect.objectContaining({ name: 'CompileError', field: fieldId }));
    }
  });

  it('table calculations and custom SQL may not read the bound values with $n', () => {
    expect(() => compile({ metrics: ['orders_total_revenue'], tableCalculations: [{ name: 'x', displayName: 'x', sql: '$1' }] }))
      .toThrow(expect.objectContaining({ field: 'x' }));
    expect(() => compile({ dimensions: ['c'], customDimensions: [{ id: 'c', name: 'c', table: 'orders', type: 'sql', sql: '${orders.amount} + $2', dimensionType: 'number' }] }))
      .toThrow(expect.objectContaining({ field: 'c' }));
    // inside a string literal it is text
    expect(compile({ metrics: ['orders_total_revenue'], tableCalculations: [{ name: 'x', displayName: 'x', sql: "'costs $1'" }] }).sql).toContain("'costs $1' AS \"x\"");
  });

  it('request-chosen names are quoted identifiers: a quote in a custom dimension id is doubled', () => {
    const result = compile({ dimensions: ['a"b'], customDimensions: [{ id: 'a"b', name: 'n', table: 'orders', type: 'sql', sql: '${amount}', dimensionType: 'number' }] });
    expect(result.sql).toContain('AS "a""b"');
  });

  it('user attributes in the explore SQL are bound; a missing one refuses the query', () => {
    const explore = referenceExplore({ ordersExtra: { sqlWhere: '"orders".region IN (${lightdash.attributes.region})' } });
    const result = compile({ metrics: ['orders_total_revenue'] }, { userAttributes: { region: ['EU', "x' OR 1=1"] } }, explore);
    expect(normalise(result.sql)).toContain('WHERE ("orders".region IN ($1, $2))');
    expect(result.parameters).toEqual(['EU', "x' OR 1=1", 500]);
    expect(() => compile({ metrics: ['orders_total_revenue'] }, {}, explore)).toThrow(/Missing user attribute "region"/);
  });
});

describe('compile errors name the field', () => {
  it.each([
    [{ dimensions: ['orders_nope'] }, 'FieldReferenceError', 'orders_nope', 'Tried to reference dimension with unknown field id: orders_nope'],
    [{ metrics: ['orders_nope'] }, 'FieldReferenceError', 'orders_nope', 'Tried to reference metric with unknown field id: orders_nope'],
    [{ dimensions: ['orders_total_revenue'] }, 'FieldReferenceError', 'orders_total_revenue', 'orders_total_revenue is a metric, not a dimension: list it under metrics'],
    [{ metrics: ['orders_status'] }, 'FieldReferenceError', 'orders_status', 'orders_status is a dimension, not a metric: list it under dimensions'],
    [{ filters: { dimensions: and(rule('orders_nope', 'equals', ['a'])) } }, 'FieldReferenceError', 'orders_nope', 'Filter has a reference to an unknown dimension: orders_nope'],
    [{ filters: { metrics: and(rule('orders_status', 'equals', ['a'])) } }, 'CompileError', 'orders_status', 'Metric filters cannot target the dimension orders_status: put the filter under filters.dimensions'],
    [{ filters: { dimensions: and(rule('orders_total_revenue', 'equals', [1])) } }, 'CompileError', 'orders_total_revenue', 'Dimension filters cannot target the metric orders_total_revenue: put the filter under filters.metrics'],
    [{ filters: { dimensions: and(rule('orders_status', 'sortOf', ['a'])) } }, 'CompileError', 'orders_status', 'Unknown filter operator "sortOf" on field orders_status'],
    [{ filters: { dimensions: and(rule('orders_status', 'equals', [['a']])) } }, 'CompileError', 'orders_status', 'Filter values of orders_status must be strings, numbers, booleans or null, not nested arrays or objects'],
    [{ dimensions: ['orders_status'], sorts: [{ fieldId: 'orders_amount', descending: false }] }, 'FieldReferenceError', 'orders_amount', 'Sort field orders_amount is not a field of the query'],
    [{ metrics: ['orders_total_revenue'], tableCalculations: [{ name: 't', displayName: 't', sql: '${orders.amount} * 2' }] }, 'CompileError', 't', "Table calculation contains a reference orders.amount to a field that isn't included in the query."],
    [{ metrics: ['orders_total_revenue'], tableCalculations: [{ name: 'orders_total_revenue', displayName: 't', sql: '1' }] }, 'CompileError', 'orders_total_revenue', 'Table calculation "orders_total_revenue" has the same name as a field of the query'],
    [{ metrics: ['x_m'], additionalMetrics: [{ table: 'x', name: 'm', type: 'sum', sql: '${TABLE}.a' }] }, 'CompileError', 'x_m', 'Custom metric "m" references a table that doesn\'t exist "x"'],
    [{ limit: -1 }, 'CompileError', 'limit', 'limit must be a whole number of rows, zero or more'],
    [{ limit: '10' }, 'CompileError', 'limit', 'limit must be a whole number of rows, zero or more'],
    [{ timezone: 'Mars/Olympus' }, 'CompileError', 'timezone', 'Unknown time zone "Mars/Olympus"'],
    [{ dimensions: 'orders_status' }, 'CompileError', 'dimensions', 'dimensions: must be an array'],
    [{ filters: { dimensions: and(rule('orders_status', 'equals', ['a'], { settings: { unitOfTime: 'fortnights' } })) } }, 'CompileError', 'orders_status', 'Unknown unit of time "fortnights" on field orders_status'],
  ])('%j → %s', (query, name, field, message) => {
    let error: unknown;
    try {
      compile(query);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ name, field, message, statusCode: 400, data: expect.objectContaining({ field }) });
  });

  it('an explore field without compiledSql is a CompileError (the upload must be compiled), not a crash', () => {
    const explore = referenceExplore();
    delete ((explore.tables as Record<string, { dimensions: Record<string, Record<string, unknown>> }>).orders.dimensions.status).compiledSql;
    expect(() => compile({ dimensions: ['orders_status'] }, {}, explore)).toThrow(expect.objectContaining({ field: 'orders_status', name: 'CompileError' }));
    expect(() => compileMetricQuery({ name: 'broken' }, { exploreName: 'broken' }, OPTIONS)).toThrow(expect.objectContaining({ name: 'CompileError' }));
  });
});

describe('sorting and limit', () => {
  it('nulls order, descending, several sorts, month names in calendar order (through the metrics CTE)', () => {
    const result = compile({
      dimensions: ['orders_created_at_month_name', 'orders_status'],
      metrics: ['orders_total_revenue'],
      sorts: [{ fieldId: 'orders_created_at_month_name', descending: false }, { fieldId: 'orders_status', descending: true, nullsFirst: false }],
    });
    const sql = normalise(result.sql);
    expect(sql).toMatch(/^WITH metrics AS \(.*\) SELECT \* FROM metrics ORDER BY CASE WHEN "orders_created_at_month_name" = 'January' THEN 1 .* ELSE NULL END, "orders_status" DESC NULLS LAST LIMIT \$1::bigint$/);
  });

  it('without sorts: the first date dimension descending, else the first metric descending, else the first dimension', () => {
    expect(compile({ dimensions: ['orders_status', 'orders_order_date'], metrics: ['orders_total_revenue'] }).sql).toContain('ORDER BY "orders_order_date" DESC');
    expect(compile({ dimensions: ['orders_status'], metrics: ['orders_total_revenue'] }).sql).toContain('ORDER BY "orders_total_revenue" DESC');
    expect(compile({ dimensions: ['orders_status'] }).sql).toContain('ORDER BY "orders_status"\n');
    expect(compile({ metrics: ['orders_total_revenue'] }).sql).not.toContain('ORDER BY');
  });

  it('a limit above the maximum is lowered to it, with a warning; no limit takes the default', () => {
    const capped = compile({ metrics: ['orders_total_revenue'], limit: 1_000_000 }, { maxLimit: 5000 });
    expect(capped.sql).toMatch(/LIMIT \$1::bigint$/);
    expect(capped.parameters).toEqual([5000]);
    expect(capped.warnings).toEqual(['The limit 1000000 is above the maximum of 5000 rows; 5000 rows at most are returned']);
    expect(compile({ metrics: ['orders_total_revenue'], limit: 10 }, { maxLimit: 5000 }).parameters).toEqual([10]);
    expect(compile({ metrics: ['orders_total_revenue'], limit: undefined }, { maxLimit: 100 }).parameters).toEqual([100]);
    expect(compile({ metrics: ['orders_total_revenue'], limit: undefined }, { maxLimit: 5000 }).parameters).toEqual([500]);
  });
});

describe('time', () => {
  it('in a query time zone other than UTC, timestamp intervals truncate in that zone (the zone is bound)', () => {
    const result = compile({ dimensions: ['orders_created_at_month', 'orders_created_at_day', 'orders_order_date_month'], timezone: 'Europe/Berlin' });
    expect(normalise(result.sql)).toContain(`SELECT DATE_TRUNC('MONTH', CAST("orders".created_at AS TIMESTAMPTZ), $1::text) AS "orders_created_at_month", DATE_TRUNC('DAY', CAST("orders".created_at AS TIMESTAMPTZ), $1::text) AS "orders_created_at_day", DATE_TRUNC('MONTH', "orders".order_date) AS "orders_order_date_month"`);
    expect(result.parameters[0]).toBe('Europe/Berlin');
  });

  it('an interval dimension missing from the upload is built from its base dimension', () => {
    const result = compile({ dimensions: ['orders_created_at_quarter'] });
    expect(result.sql).toContain(`DATE_TRUNC('QUARTER', "orders".created_at) AS "orders_created_at_quarter"`);
    expect(result.fields.orders_created_at_quarter).toMatchObject({ kind: 'dimension', type: 'timestamp', timeInterval: 'QUARTER' });
    expect(() => compile({ dimensions: ['orders_status_month'] })).toThrow(/unknown field id: orders_status_month/);
  });
});

describe('table calculations', () => {
  it('a calculation reading another is computed in a later CTE', () => {
    const result = compile({
      dimensions: ['orders_status'], metrics: ['orders_total_revenue'],
      tableCalculations: [
        { name: 'doubled_share', displayName: 'd', sql: '${share} * 2' },
        { name: 'share', displayName: 's', sql: '${orders.total_revenue} / SUM(${orders.total_revenue}) OVER ()' },
      ],
      filters: { metrics: and(rule('orders_total_revenue', 'greaterThan', [0])) },
    });
    expect(normalise(result.sql)).toContain('table_calculations AS (SELECT *, "orders_total_revenue" / SUM("orders_total_revenue") OVER () AS "share" FROM metrics WHERE ((("orders_total_revenue") > ($1::numeric)))), "tc_doubled_share" AS (SELECT *, "share" * 2 AS "doubled_share" FROM table_calculations) SELECT * FROM "tc_doubled_share"');
    expect(() => compile({ metrics: ['orders_total_revenue'], tableCalculations: [{ name: 'a', displayName: 'a', sql: '${b}' }, { name: 'b', displayName: 'b', sql: '${a}' }] }))
      .toThrow(/reference cycle/);
  });

  it('a metric only filtered on is computed but not returned', () => {
    const result = compile({ dimensions: ['orders_status'], filters: { metrics: and(rule('orders_total_revenue', 'greaterThan', [10])) } });
    expect(normalise(result.sql)).toContain('SELECT "orders_status" FROM metrics WHERE');
    expect(Object.keys(result.fields)).toEqual(['orders_status']);
  });
});

describe('joins and fan-out', () => {
  it('joins only what the query touches; `always` joins and intermediate tables are added', () => {
    const joins = [
      { table: 'customers', compiledSqlOn: '("orders".customer_id) = ("customers".customer_id)', relationship: 'many-to-one', type: 'inner', tablesReferences: ['orders', 'customers'] },
      { table: 'countries', compiledSqlOn: '("customers".country) = ("countries".code)', relationship: 'many-to-one', type: 'full' },
    ];
    const explore = referenceExplore({ joins });
    (explore.tables as Record<string, unknown>).countries = { name: 'countries', sqlTable: '"w"."countries"', dimensions: { name: { name: 'name', type: 'string', compiledSql: '"countries".name' } }, metrics: {} };
    expect(compile({ dimensions: ['orders_status'] }, {}, explore).sql).not.toContain('JOIN');
    const sql = normalise(compile({ dimensions: ['countries_name'] }, {}, explore).sql);
    expect(sql).toContain('FROM "warehouse"."public"."orders" AS "orders" INNER JOIN "warehouse"."public"."customers" AS "customers" ON ("orders".customer_id) = ("customers".customer_id) FULL OUTER JOIN "w"."countries" AS "countries" ON ("customers".country) = ("countries".code)');
    joins[1] = { ...joins[1], always: true } as never;
    expect(normalise(compile({ dimensions: ['orders_status'] }, {}, explore).sql)).toContain('FULL OUTER JOIN "w"."countries"');
  });

  it('a metric of the "one" side of a many-to-one join is de-duplicated on its primary key', () => {
    const result = compile({ dimensions: ['orders_status'], metrics: ['customers_total_credit', 'orders_total_revenue', 'customers_customer_count'] });
    const sql = normalise(result.sql);
    expect(sql).toContain('"cte_keys_customers" AS (SELECT DISTINCT "orders".status AS "orders_status", "customers".customer_id AS "pk_customer_id" FROM');
    expect(sql).toContain('"cte_metrics_customers" AS (SELECT "cte_keys_customers"."orders_status" AS "orders_status", SUM("customers".credit) AS "customers_total_credit" FROM "cte_keys_customers" LEFT JOIN "warehouse"."public"."customers" AS "customers" ON "customers".customer_id = "cte_keys_customers"."pk_customer_id" GROUP BY 1)');
    // COUNT DISTINCT cannot inflate: it stays in the plain query
    expect(sql).toContain('cte_unaffected AS (SELECT "orders".status AS "orders_status", SUM("orders".amount) AS "orders_total_revenue", COUNT(DISTINCT "customers".customer_id) AS "customers_customer_count" FROM');
    expect(sql).toContain('metrics AS (SELECT cte_unaffected."orders_status", "cte_metrics_customers"."customers_total_credit", cte_unaffected."orders_total_revenue", cte_unaffected."customers_customer_count" FROM cte_unaffected LEFT JOIN "cte_metrics_customers" ON (cte_unaffected."orders_status" = "cte_metrics_customers"."orders_status" OR (cte_unaffected."orders_status" IS NULL AND "cte_metrics_customers"."orders_status" IS NULL)))');
    expect(result.warnings).toEqual([]);
  });

  it('without dimensions the de-duplicated metrics are cross-joined', () => {
    expect(normalise(compile({ metrics: ['customers_total_credit', 'orders_total_revenue'] }).sql)).toContain('FROM cte_unaffected CROSS JOIN "cte_metrics_customers"');
  });

  it('one-to-many: the base table inflates; a missing primary key or relationship gives warnings only', () => {
    const explore = referenceExplore({ customersRelationship: 'one-to-many', ordersExtra: { primaryKey: undefined } });
    const result = compile({ dimensions: ['customers_country'], metrics: ['orders_total_revenue', 'customers_total_credit'] }, {}, explore);
    expect(result.sql).not.toContain('cte_keys');
    expect(result.warnings).toEqual(['Table "orders" is missing a primary key', 'Metric "orders_total_revenue" could be inflated due to join relationships']);
    const noRelationship = referenceExplore({ joins: [{ table: 'customers', compiledSqlOn: '("orders".customer_id) = ("customers".customer_id)' }] });
    expect(compile({ dimensions: ['customers_country'], metrics: ['orders_total_revenue'] }, {}, noRelationship).warnings).toEqual(['Join "customers" is missing a join relationship type']);
  });

  it('one-to-many with a primary key: the base table is de-duplicated, the joined table is not', () => {
    const explore = referenceExplore({ customersRelationship: 'one-to-many' });
    const sql = normalise(compile({ metrics: ['orders_total_revenue', 'customers_total_credit'] }, {}, explore).sql);
    expect(sql).toContain('"cte_keys_orders" AS (SELECT DISTINCT "orders".order_id AS "pk_order_id" FROM');
    expect(sql).toContain('cte_unaffected AS (SELECT SUM("customers".credit) AS "customers_total_credit" FROM');
  });
});
