// Query execution benchmark (npm run bench, after the access routes): compile time of a 10-dimension /
// 10-metric MetricQuery with a nested filter tree; a v2 metric query end to end (submit, poll, page)
// against the same SQL run directly with `pg`; a CSV export of 100,000 rows (rows/s, server memory).
import fs from 'node:fs';
import pg from 'pg';
import { compileMetricQuery } from '../dist/src/queries/compiler/index.js';

const SCHEMA = 'bench_warehouse';
const ROWS = 100_000;
const E2E_RUNS = 20;
const COMPILE_RUNS = 2_000;
const POLL_MS = 10;
export const QUERY_TARGET_RATIO = 1.2;

const DIMENSIONS = Array.from({ length: 10 }, (_, i) => `d${i}`);
const METRICS = [
  ['total_amount', 'sum', 'amount'],
  ['event_count', 'count', 'id'],
  ['average_amount', 'average', 'amount'],
  ['largest_amount', 'max', 'amount'],
  ['smallest_amount', 'min', 'amount'],
  ['distinct_users', 'count_distinct', 'user_id'],
  ['total_quantity', 'sum', 'quantity'],
  ['average_quantity', 'average', 'quantity'],
  ['first_seen', 'min', 'created_at'],
  ['last_seen', 'max', 'created_at'],
];

function explore() {
  const field = (fieldType, name, type, column, extra = {}) => ({
    fieldType,
    type,
    name,
    label: name.replace(/_/g, ' '),
    table: 'events',
    tableLabel: 'Events',
    sql: `\${TABLE}.${column}`,
    compiledSql: `"events".${column}`,
    tablesReferences: ['events'],
    hidden: false,
    ...extra,
  });
  const dimensions = Object.fromEntries([
    ['id', field('dimension', 'id', 'number', 'id')],
    ['user_id', field('dimension', 'user_id', 'number', 'user_id')],
    ['amount', field('dimension', 'amount', 'number', 'amount')],
    ['quantity', field('dimension', 'quantity', 'number', 'quantity')],
    ['created_at', field('dimension', 'created_at', 'timestamp', 'created_at')],
    ...DIMENSIONS.map((d) => [d, field('dimension', d, 'string', d)]),
  ]);
  const metrics = Object.fromEntries(METRICS.map(([name, type, column]) => [name, field('metric', name, type, column)]));
  const table = { name: 'events', label: 'Events', database: 'bench', schema: SCHEMA, sqlTable: `"${SCHEMA}"."events"`, primaryKey: ['id'], dimensions, metrics, lineageGraph: {} };
  return { name: 'events', label: 'Events', tags: [], baseTable: 'events', joinedTables: [], targetDatabase: 'postgres', type: 'default', tables: { events: table } };
}

/** 10 dimensions, 10 metrics, a filter tree three levels deep (AND of ORs of ANDs) over dimensions and metrics. */
function metricQuery(limit = 500) {
  const rule = (fieldId, operator, values) => ({ target: { fieldId }, operator, values });
  return {
    exploreName: 'events',
    dimensions: DIMENSIONS.map((d) => `events_${d}`),
    metrics: METRICS.map(([name]) => `events_${name}`),
    filters: {
      dimensions: {
        and: [
          rule('events_d0', 'notEquals', ['zzz']),
          { or: [rule('events_d1', 'startsWith', ['v']), { and: [rule('events_d2', 'include', ['1']), rule('events_amount', 'greaterThan', [0])] }] },
          { or: [rule('events_created_at', 'inBetween', ['2020-01-01T00:00:00Z', '2030-01-01T00:00:00Z']), rule('events_d3', 'isNull', [])] },
        ],
      },
      metrics: { and: [rule('events_event_count', 'greaterThan', [0])] },
    },
    sorts: [{ fieldId: 'events_total_amount', descending: true }],
    limit,
    tableCalculations: [],
  };
}

async function createWarehouse(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`
    DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE;
    CREATE SCHEMA ${SCHEMA};
    CREATE TABLE ${SCHEMA}.events AS
      SELECT g AS id, g % 997 AS user_id, (g % 1000) / 10.0 AS amount, g % 7 AS quantity,
             timestamptz '2025-01-01' + (g || ' minutes')::interval AS created_at,
             ${DIMENSIONS.map((d, i) => `'v' || (g % ${[2, 3, 2, 2, 3, 2, 2, 2, 3, 2][i]}) AS ${d}`).join(', ')}
      FROM generate_series(1, ${ROWS}) g;
    ALTER TABLE ${SCHEMA}.events ADD PRIMARY KEY (id);
    ANALYZE ${SCHEMA}.events;
  `);
  return client;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Resident memory of a process in MB (Linux /proc); undefined elsewhere. */
function rssMb(pid) {
  try {
    const pages = Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return (pages * 4096) / 1024 / 1024;
  } catch {
    return undefined;
  }
}

export async function benchQueries(api, ctx, databaseUrl, serverPid, log) {
  const result = {};
  log('\n== Query execution ==');

  // 1. compile time, in this process
  const definition = explore();
  const query = metricQuery();
  compileMetricQuery(definition, query, { maxLimit: 5000 });
  const compileStart = process.hrtime.bigint();
  for (let i = 0; i < COMPILE_RUNS; i++) compileMetricQuery(definition, query, { maxLimit: 5000 });
  result.compileUs = Number(process.hrtime.bigint() - compileStart) / 1000 / COMPILE_RUNS;
  log(`  compile (10 dimensions, 10 metrics, nested filters): ${result.compileUs.toFixed(1)} µs per query (${COMPILE_RUNS} runs)`);

  // 2. a project on a warehouse schema of the bench's own PostgreSQL
  log(`  creating ${ROWS.toLocaleString('en')} warehouse rows…`);
  const client = await createWarehouse(databaseUrl);
  try {
    const url = new URL(databaseUrl);
    const project = await api.ok('warehouse project creation', 'POST', '/api/v1/org/projects', {
      auth: ctx.admin,
      body: {
        name: 'Bench warehouse',
        type: 'DEFAULT',
        dbtVersion: 'v1.9',
        dbtConnection: { type: 'none' },
        warehouseConnection: {
          type: 'postgres', host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password), dbname: url.pathname.slice(1), schema: SCHEMA, sslmode: 'disable',
        },
      },
    });
    const projectUuid = project.body.results.project.projectUuid;
    await api.ok('explores upload', 'PUT', `/api/v1/projects/${projectUuid}/explores`, { auth: ctx.admin, body: [definition] });

    // 3. end to end: submit, poll every POLL_MS until ready, read the first page — vs the compiled SQL run directly
    const compiled = compileMetricQuery(definition, query, { maxLimit: 5000 });
    const direct = [];
    const viaApi = [];
    let rowsReturned;
    for (let run = 0; run < E2E_RUNS; run++) {
      let started = performance.now();
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL TIME ZONE 'UTC'`);
      const directResult = await client.query(compiled.sql, compiled.parameters);
      await client.query('ROLLBACK');
      direct.push(performance.now() - started);

      started = performance.now();
      const submitted = await api.ok('metric query', 'POST', `/api/v2/projects/${projectUuid}/query/metric-query`, { auth: ctx.admin, body: { query, context: 'api' } });
      const { queryUuid } = submitted.body.results;
      let page;
      for (;;) {
        page = await api.ok('poll', 'GET', `/api/v2/projects/${projectUuid}/query/${queryUuid}?page=1&pageSize=500`, { auth: ctx.admin });
        if (page.body.results.status !== 'pending') break;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      if (page.body.results.status !== 'ready') throw new Error(`bench metric query ended ${page.body.results.status}: ${page.body.results.error}`);
      viaApi.push(performance.now() - started);
      rowsReturned = page.body.results.totalResults;
      if (rowsReturned !== directResult.rows.length) throw new Error(`the API returned ${rowsReturned} rows, pg ${directResult.rows.length}`);
    }
    result.directMs = median(direct);
    result.apiMs = median(viaApi);
    result.pollMs = POLL_MS;
    result.ratio = result.apiMs / result.directMs;
    result.ratioMinusPoll = Math.max(result.apiMs - POLL_MS, 0) / result.directMs;
    log(
      `  v2 metric query (${rowsReturned} rows): median ${result.apiMs.toFixed(1)} ms submit→ready→page 1 vs ${result.directMs.toFixed(1)} ms with pg directly ` +
        `= ${result.ratio.toFixed(2)}× (${result.ratioMinusPoll.toFixed(2)}× less one ${POLL_MS} ms poll interval; ${E2E_RUNS} runs)`,
    );

    // 4. CSV export: 100,000 rows streamed from the warehouse; server memory sampled during the download
    const csv = async (rows) => {
      const job = await api.ok('downloadCsv', 'POST', `/api/v1/projects/${projectUuid}/explores/events/downloadCsv`, {
        auth: ctx.admin,
        body: { exploreName: 'events', dimensions: ['events_id', 'events_d0', 'events_created_at'], metrics: [], filters: {}, sorts: [{ fieldId: 'events_id', descending: false }], limit: rows, tableCalculations: [], onlyRaw: true, csvLimit: rows, showTableNames: false, columnOrder: [] },
      });
      const before = rssMb(serverPid);
      let peak = before ?? 0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssMb(serverPid) ?? 0);
      }, 20);
      const started = performance.now();
      const res = await fetch(`${api.baseUrl}/api/v1/projects/${projectUuid}/csv/${job.body.results.jobId}`, { headers: { cookie: ctx.admin.cookie } });
      if (res.status !== 200) throw new Error(`CSV download answered ${res.status}: ${await res.text()}`);
      let lines = 0;
      let bytes = 0;
      for await (const chunk of res.body) {
        bytes += chunk.length;
        for (const byte of chunk) if (byte === 10) lines += 1;
      }
      const ms = performance.now() - started;
      clearInterval(sampler);
      return { rows: lines - 1, ms, bytes, rowsPerSecond: ((lines - 1) / ms) * 1000, before, peak, growthMb: before === undefined ? undefined : peak - before };
    };
    const small = await csv(ROWS / 10);
    const large = await csv(ROWS);
    result.csv = { small, large };
    const mem = (r) => (r.growthMb === undefined ? 'n/a' : `+${r.growthMb.toFixed(1)} MB (peak ${r.peak.toFixed(0)} MB RSS)`);
    log(`  CSV ${small.rows.toLocaleString('en')} rows: ${Math.round(small.rowsPerSecond).toLocaleString('en')} rows/s, ${(small.bytes / 1e6).toFixed(1)} MB, server memory ${mem(small)}`);
    log(`  CSV ${large.rows.toLocaleString('en')} rows: ${Math.round(large.rowsPerSecond).toLocaleString('en')} rows/s, ${(large.bytes / 1e6).toFixed(1)} MB, server memory ${mem(large)}`);
    if (large.rows !== ROWS) throw new Error(`the CSV had ${large.rows} rows, expected ${ROWS}`);
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
    await client.end();
  }
  return result;
}

export function querySummary(result, log, pad) {
  if (!result) return;
  if (result.unavailable) {
    log(`  ${pad('query execution', 56)} ${pad('NOT AVAILABLE', 14)} ${result.unavailable}`);
    return;
  }
  log(`  ${pad('compile 10 dims / 10 metrics / nested filters', 56)} ${pad('(report)', 14)} ${result.compileUs.toFixed(1)} µs`);
  const verdict = result.ratioMinusPoll <= QUERY_TARGET_RATIO ? 'PASS' : 'FAIL';
  log(
    `  ${pad(`v2 metric query vs pg: ≤ ${QUERY_TARGET_RATIO}× plus one poll`, 56)} ${pad(verdict, 14)} ${result.ratio.toFixed(2)}× ` +
      `(${result.apiMs.toFixed(1)} vs ${result.directMs.toFixed(1)} ms; ${result.ratioMinusPoll.toFixed(2)}× less one ${result.pollMs} ms poll)`,
  );
  const { small, large } = result.csv;
  const flat = small.growthMb !== undefined && large.growthMb !== undefined ? (large.growthMb <= Math.max(2 * small.growthMb, small.growthMb + 20) ? 'PASS' : 'FAIL') : 'NOT AVAILABLE';
  log(
    `  ${pad('CSV 100k rows streams (memory flat vs 10k rows)', 56)} ${pad(flat, 14)} ${Math.round(large.rowsPerSecond).toLocaleString('en')} rows/s; ` +
      `memory +${large.growthMb?.toFixed(1) ?? 'n/a'} MB (10k rows: +${small.growthMb?.toFixed(1) ?? 'n/a'} MB)`,
  );
}
