// The catalog part of npm run bench: compiled explores holding 50,000 catalog items (tables and
// fields), uploaded through the API as the Lightdash CLI would, then searched.

export const CATALOG_ITEMS = 50_000;
const TABLES = 500;
const DIMENSIONS_PER_TABLE = 60;
const METRICS_PER_TABLE = CATALOG_ITEMS / TABLES - 1 - DIMENSIONS_PER_TABLE; // 39: with the table item, 100 per table

const ENTITIES = [
  'customer', 'order', 'payment', 'product', 'invoice', 'shipment', 'refund', 'subscription', 'account', 'session',
  'campaign', 'supplier', 'warehouse', 'employee', 'ticket', 'review', 'cart', 'coupon', 'store', 'region',
];
const ATTRIBUTES = [
  'id', 'date', 'created_at', 'updated_at', 'status', 'country', 'city', 'channel', 'segment', 'currency',
  'amount', 'quantity', 'price', 'discount', 'tax', 'margin', 'weight', 'score', 'rank', 'source',
  'category', 'type', 'tier', 'language', 'device', 'platform', 'owner', 'team', 'priority', 'stage',
];
const MEASURES = ['revenue', 'count', 'total', 'average', 'median', 'minimum', 'maximum', 'distinct', 'growth', 'share'];
const DIMENSION_TYPES = ['string', 'number', 'timestamp', 'date', 'boolean'];
const METRIC_TYPES = ['sum', 'count', 'average', 'count_distinct', 'min', 'max', 'median'];

const words = (name) => name.replace(/_/g, ' ');
const title = (name) => words(name).replace(/\b\w/g, (c) => c.toUpperCase());

function table(name, entity, index) {
  const dimensions = {};
  for (let d = 0; d < DIMENSIONS_PER_TABLE; d++) {
    const attribute = ATTRIBUTES[(d + index) % ATTRIBUTES.length];
    const field = d < ATTRIBUTES.length ? `${entity}_${attribute}` : `${ENTITIES[(index + d) % ENTITIES.length]}_${attribute}_${d}`;
    const type = attribute.includes('date') || attribute.endsWith('_at') ? (attribute === 'date' ? 'date' : 'timestamp') : DIMENSION_TYPES[d % 3 === 0 ? 0 : d % 3];
    dimensions[field] = {
      fieldType: 'dimension', type, name: field, label: title(field), table: name, tableLabel: title(name),
      description: `The ${words(attribute)} of the ${entity} in ${words(name)}.`,
      sql: `\${TABLE}.${field}`, compiledSql: `"${name}".${field}`, tablesReferences: [name], hidden: false,
    };
  }
  const metrics = {};
  for (let m = 0; m < METRICS_PER_TABLE; m++) {
    const measure = MEASURES[m % MEASURES.length];
    const field = `${measure}_${entity}_${ATTRIBUTES[(m * 7 + index) % ATTRIBUTES.length]}_${m}`;
    metrics[field] = {
      fieldType: 'metric', type: METRIC_TYPES[m % METRIC_TYPES.length], name: field, label: title(field), table: name, tableLabel: title(name),
      description: `${title(measure)} of ${words(entity)} ${words(ATTRIBUTES[m % ATTRIBUTES.length])} over ${words(name)}.`,
      sql: `\${TABLE}.${entity}_amount`, compiledSql: `SUM("${name}".${entity}_amount)`, tablesReferences: [name], hidden: false,
    };
  }
  return {
    name, label: title(name), description: `One row per ${entity} (${words(name)}).`, database: 'bench', schema: 'analytics',
    sqlTable: `"bench"."analytics"."${name}"`, orderFieldsBy: 'LABEL', dimensions, metrics, lineageGraph: {},
  };
}

/** 250 explores of two tables each (a base table and one joined), 500 tables, 50,000 items in all. */
export function largeExplores() {
  const explores = [];
  for (let e = 0; e < TABLES / 2; e++) {
    const entity = ENTITIES[e % ENTITIES.length];
    const joinedEntity = ENTITIES[(e + 7) % ENTITIES.length];
    const base = `${entity}s_${e}`;
    const joined = `${joinedEntity}s_${e}_detail`;
    explores.push({
      name: base, label: title(base), tags: ['bench'], baseTable: base, groupLabel: title(entity),
      joinedTables: [{ table: joined, sqlOn: `\${${base}.${entity}_id} = \${${joined}.${entity}_id}`, type: 'left' }],
      tables: { [base]: table(base, entity, 2 * e), [joined]: table(joined, joinedEntity, 2 * e + 1) },
      targetDatabase: 'postgres',
    });
  }
  return explores;
}

/** The search queries measured: one word, part of a word, two words. */
export const CATALOG_SEARCHES = [
  { key: 'search-word', label: 'catalog search "revenue"', search: 'revenue' },
  { key: 'search-partial', label: 'catalog search "cust" (partial)', search: 'cust' },
  { key: 'search-two-words', label: 'catalog search "order date"', search: 'order date' },
];

/**
 * Uploads the explores twice as a project developer (the admin): the first upload builds the
 * catalog, the second is a full re-upload of the same 50,000 items (kept by identity). Returns both
 * durations in ms, or `unavailable` when the route is missing.
 */
export async function seedCatalog(api, ctx, log) {
  const explores = largeExplores();
  const body = JSON.stringify(explores);
  const path = `/api/v1/projects/${ctx.projectUuid}/explores`;
  const timed = async () => {
    const started = process.hrtime.bigint();
    const res = await fetch(api.baseUrl + path, { method: 'PUT', headers: { 'content-type': 'application/json', cookie: ctx.admin.cookie }, body });
    const json = await res.json().catch(() => undefined);
    return { res, json, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  };
  const first = await timed();
  if (first.res.status === 404) return { unavailable: 'PUT …/explores not available' };
  if (first.res.status !== 200) throw new Error(`explores upload failed: ${first.res.status} ${JSON.stringify(first.json)?.slice(0, 300)}`);
  const second = await timed();
  if (second.res.status !== 200) throw new Error(`explores re-upload failed: ${second.res.status}`);
  const items = 50_000;
  log(`  explores uploaded: ${first.json.results?.exploreCount} explores, ${items} catalog items, ${(body.length / 1024 / 1024).toFixed(1)} MB; first ${Math.round(first.ms)} ms, re-upload ${Math.round(second.ms)} ms`);
  return { items, bytes: body.length, firstMs: first.ms, reuploadMs: second.ms };
}
