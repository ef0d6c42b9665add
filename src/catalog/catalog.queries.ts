import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { visibleSpacesCte } from '../authorization/access.sql.js';
import type { PreparedSql } from '../database/sql.js';
import type { CatalogSearch } from './catalog-search.js';
import { CATALOG_MAX_RESULTS, CATALOG_SEARCH_MAX_RESULTS, type CatalogCategoryDto, type CatalogJoinDto, type CatalogChartDto, type CatalogItem } from './dto/catalog.dto.js';

// The SQL of the catalog (tables catalog_items, catalog_item_categories, explores, and the charts
// that use them). Each function is one statement; CatalogService holds the rules.

type Json = Record<string, unknown>;

/** Collects positional parameters: `add(value)` gives its placeholder. $1 is always the project id. */
class Params {
  readonly values: unknown[];
  constructor(projectId: string) {
    this.values = [projectId];
  }
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A field's id as charts reference it (`<table>_<field>`, dots as `__`): the expression of catalog_items_field_id_idx. */
const fieldIdSql = (item: string) => `(${item}.table_name || '_' || replace(${item}.field_name, '.', '__'))`;

/** The field ids a saved chart uses: its dimensions and metrics (arrays, as the chart routes validate them). */
const chartFieldIdsSql = (chart: string) => `(
  CASE WHEN jsonb_typeof(${chart}.metric_query->'dimensions') = 'array' THEN ${chart}.metric_query->'dimensions' ELSE '[]' END
  || CASE WHEN jsonb_typeof(${chart}.metric_query->'metrics') = 'array' THEN ${chart}.metric_query->'metrics' ELSE '[]' END)`;

/**
 * `chart_usage(catalog_item_id, charts)`: for every item some chart of project $1 uses, how many
 * charts use it, whatever space they are in (charts in the trash do not count). A field is used by the charts that reference its id; a
 * table by the charts built on it (`table_name`) or using one of its fields. One pass over the
 * project's charts; each distinct id they reference is resolved by catalog_items_field_id_idx
 * (OFFSET 0 keeps the lookup a per-id index probe: as a join the planner would sort every field of
 * the catalog by its id), so the cost follows the number of charts, not the size of the catalog.
 */
const CHART_USAGE_CTES = `
  usage_refs AS (
    SELECT ch.saved_chart_id, r.field_id
    FROM saved_charts ch CROSS JOIN LATERAL jsonb_array_elements_text(${chartFieldIdsSql('ch')}) r(field_id)
    WHERE ch.project_id = $1 AND ch.deleted_at IS NULL
  ),
  usage_items AS (
    SELECT i.field_id, f.catalog_item_id, f.table_name
    FROM (SELECT DISTINCT field_id FROM usage_refs) i
    CROSS JOIN LATERAL (
      SELECT f.catalog_item_id, f.table_name FROM catalog_items f
      WHERE f.project_id = $1 AND f.item_type = 'field' AND ${fieldIdSql('f')} = i.field_id OFFSET 0
    ) f
  ),
  usage_fields AS (
    SELECT u.catalog_item_id, u.table_name, r.saved_chart_id FROM usage_refs r JOIN usage_items u ON u.field_id = r.field_id
  ),
  chart_usage AS (
    SELECT catalog_item_id, count(DISTINCT saved_chart_id)::int AS charts FROM usage_fields GROUP BY catalog_item_id
    UNION ALL
    SELECT t.catalog_item_id, u.charts
    FROM (
      SELECT table_name, count(DISTINCT saved_chart_id)::int AS charts
      FROM (SELECT table_name, saved_chart_id FROM usage_fields UNION ALL SELECT table_name, saved_chart_id FROM saved_charts WHERE project_id = $1 AND deleted_at IS NULL) used
      GROUP BY table_name
    ) u
    CROSS JOIN LATERAL (
      SELECT t.catalog_item_id FROM catalog_items t
      WHERE t.project_id = $1 AND t.item_type = 'table' AND t.table_name = u.table_name AND coalesce(t.field_name, '') = '' OFFSET 0
    ) t
  )`;

/**
 * The explore a table is browsed through (its joined tables, time and segment dimensions): the
 * explore named like the table and built on it when there is one, else the first explore of the
 * upload that has the table (the item's explore_name). At most two lookups by the unique
 * (project, name) key; `baseTable` and `joinedTables` are stored columns, so the definition is only
 * parsed by the callers that need more of it.
 */
const homeExploreSql = (table: string) => `
  SELECT e.definition, e.summary, e.base_table, e.joined_tables
  FROM explores e
  WHERE e.project_id = ${table}.project_id AND NOT e.is_errored AND e.name IN (${table}.table_name, ${table}.explore_name)
  ORDER BY (e.name = ${table}.table_name AND e.base_table = ${table}.table_name) DESC, e.name = ${table}.explore_name DESC
  LIMIT 1`;

const NOT_HIDDEN = (field: string) => `coalesce(${field}->>'hidden', 'false') <> 'true'`;

/** The compiled dimensions of an explore (json `explore`) that pass `condition` on `d.value`, in upload order, as a json array. */
const exploreDimensionsSql = (explore: string, condition: string) => `
  SELECT coalesce(json_agg(d.value ORDER BY tt.ord, d.ord), '[]')
  FROM json_each(${explore}->'tables') WITH ORDINALITY tt(key, value, ord)
  CROSS JOIN LATERAL json_each(tt.value->'dimensions') WITH ORDINALITY d(key, value, ord)
  WHERE ${condition}`;

/** Date and timestamp dimensions a metric can be plotted over: visible, and not a generated interval of another dimension. */
const TIME_DIMENSION = `d.value->>'type' IN ('date', 'timestamp') AND ${NOT_HIDDEN('d.value')} AND d.value->>'timeIntervalBaseDimensionName' IS NULL`;
/** What Lightdash 1.219 offers to segment and to filter a metric by: visible string dimensions, not a generated interval of a date. */
const STRING_DIMENSION = `d.value->>'type' = 'string' AND ${NOT_HIDDEN('d.value')} AND d.value->>'timeIntervalBaseDimensionName' IS NULL`;

/**
 * Every column of a catalog item, for the rows of a relation `r(catalog_item_id, explore_id,
 * position, search_rank)`: an item of the catalog, or (explore_id) an explore that failed to compile,
 * shown as a table with its errors. Needs the chart_usage CTE. Each lookup is a per-row index probe
 * (OFFSET 0 keeps the planner from turning them into joins that sort or scan the whole catalog).
 */
const ITEM_SELECT = `
  SELECT coalesce(c.item_type, 'table') AS type, c.catalog_search_uuid AS "catalogSearchUuid",
         coalesce(c.name, x.name) AS name, coalesce(c.label, x.summary->>'label', x.name) AS label,
         CASE WHEN c.catalog_item_id IS NULL THEN x.summary->>'description' ELSE c.description END AS description,
         c.field_type AS "fieldType", c.table_name AS "tableName",
         coalesce(t.label, c.definition->>'tableLabel', c.table_name) AS "tableLabel", t.definition->'groupLabel' AS "tableGroupLabel",
         c.definition->>'type' AS "fieldValueType",
         coalesce(c.definition, x.summary)->'groupLabel' AS "groupLabel",
         CASE WHEN c.item_type = 'field' THEN c.definition->'tags' ELSE coalesce(c.definition->'tags', h.summary->'tags', x.summary->'tags') END AS tags,
         c.definition->'aiHint' AS "aiHint", c.definition->'requiredAttributes' AS "requiredAttributes",
         c.definition->'anyAttributes' AS "anyAttributes", c.definition->'source'->>'content' AS source,
         CASE WHEN c.item_type IS DISTINCT FROM 'table' THEN NULL
              WHEN h.base_table = c.table_name THEN
                coalesce((SELECT json_agg(j ORDER BY n) FROM json_array_elements(h.joined_tables) WITH ORDINALITY jt(j, n)
                          WHERE json_typeof(j) = 'object' AND json_typeof(j->'table') = 'string'), '[]')
              ELSE '[]' END AS "joinedTables",
         x.summary->'errors' AS errors,
         c.icon, coalesce(cat.list, '[]') AS categories, coalesce(u.charts, 0) AS "chartUsage", r.search_rank AS "searchRank", r.position
  FROM r
  LEFT JOIN LATERAL (SELECT * FROM catalog_items c WHERE c.catalog_item_id = r.catalog_item_id OFFSET 0) c ON true
  LEFT JOIN LATERAL (SELECT * FROM explores x WHERE x.explore_id = r.explore_id OFFSET 0) x ON true
  LEFT JOIN LATERAL (
    SELECT t.label, t.definition FROM catalog_items t
    WHERE c.item_type = 'field' AND t.project_id = c.project_id AND t.item_type = 'table' AND t.table_name = c.table_name
      AND coalesce(t.field_name, '') = '' OFFSET 0
  ) t ON true
  LEFT JOIN LATERAL (SELECT * FROM (${homeExploreSql('c')}) h WHERE c.item_type = 'table' OFFSET 0) h ON true
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object('tagUuid', tg.tag_uuid, 'name', tg.name, 'color', tg.color, 'yamlReference', tg.yaml_reference)
                    ORDER BY lower(tg.name), tg.tag_id) AS list
    FROM catalog_item_categories cc JOIN tags tg ON tg.tag_id = cc.tag_id WHERE cc.catalog_item_id = c.catalog_item_id
  ) cat ON true
  LEFT JOIN chart_usage u ON u.catalog_item_id = r.catalog_item_id
  ORDER BY r.position`;

/** One catalog item as ITEM_SELECT reads it. */
export interface CatalogItemRow {
  type: 'table' | 'field';
  catalogSearchUuid: string | null;
  name: string;
  label: string;
  description: string | null;
  fieldType: 'dimension' | 'metric' | null;
  tableName: string | null;
  tableLabel: string | null;
  tableGroupLabel: unknown;
  fieldValueType: string | null;
  groupLabel: unknown;
  tags: unknown;
  aiHint: unknown;
  requiredAttributes: unknown;
  anyAttributes: unknown;
  source: string | null;
  joinedTables: CatalogJoinDto[] | null;
  errors: { type: string; message: string }[] | null;
  icon: CatalogItem['icon'];
  categories: CatalogCategoryDto[];
  chartUsage: number;
  searchRank: number | null;
}

/**
 * Ranking of search matches, best first (docs/catalog.md), as one number, `searchRank`:
 * the tier (3: the name is the search, ignoring case and separators; 2: the label is; 1: every word
 * is in the name or the label; 0: some word only in the description), plus 0.5 for a table (inside a
 * tier, tables come before fields), plus half the ts_rank (name A 1.0, label B 0.4, description C
 * 0.2; normalized to [0, 1)). Ties are broken by name. `item` has `search_name` and `search_label`
 * (name and label folded: the stored columns of catalog_items), `doc` (the tsvector) and `is_table`.
 */
function searchRankSql(item: string, params: Params, search: CatalogSearch): { where: string; rank: string } {
  // each a scalar subquery, computed once per statement: in a generic plan (the search is a prepared
  // statement) a function of a parameter is otherwise evaluated again for every match
  const query = `(SELECT to_tsquery('simple', catalog_search_fold(${params.add(search.query)})))`;
  const nameOrLabelQuery = `(SELECT to_tsquery('simple', catalog_search_fold(${params.add(search.nameOrLabelQuery)})))`;
  const exact = `ARRAY(SELECT catalog_search_fold(e) FROM unnest(${params.add(search.exact)}::text[]) e)`;
  const tier = `CASE WHEN ${item}.search_name = ANY(${exact}) THEN 3
                     WHEN ${item}.search_label = ANY(${exact}) THEN 2
                     WHEN ${item}.doc @@ ${nameOrLabelQuery} THEN 1 ELSE 0 END`;
  return {
    where: `@@ ${query}`,
    rank: `(${tier} + CASE WHEN ${item}.is_table THEN 0.5 ELSE 0 END + ts_rank(${item}.doc, ${query}, 32) / 2)::float8`,
  };
}

/**
 * The relation `r` of ITEM_SELECT: a page of `source` (rows `m` with catalog_item_id, explore_id and
 * what `order` and `rank` use) in `order`, numbered. Sorted with LIMIT first (a top-N sort in bounded
 * memory), numbered after: a window over the whole source would sort all of it.
 */
function topSql(source: string, rank: string | undefined, order: string, limit: string, offset: string): string {
  return `
    SELECT m.catalog_item_id, m.explore_id, m.search_rank, row_number() OVER (ORDER BY ${order}) AS position
    FROM (
      SELECT m.*, ${rank ?? 'NULL::float8'} AS search_rank FROM ${source} m
      ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}
    ) m`;
}

/** What a catalog search or listing selects; the search, when there is one, ranks the matches. */
export interface CatalogItemFilter {
  itemType?: 'table' | 'field';
  /** only tables (`filter=tables`) */
  tablesOnly: boolean;
  fieldType?: 'dimension' | 'metric';
  /** also explores that failed to compile, as tables */
  withErrored: boolean;
  search?: CatalogSearch;
}

/**
 * A search finds its matches through the GIN index and keeps the project's. Written so that the
 * project's btree cannot be used (`+ 0`): with it the planner either read every item of a project it
 * believed small (statistics not yet updated after an upload: 50,000 rows filtered one by one, 35 ms
 * and more) or intersected the match bitmap with the whole project's (5 ms of waste when the project
 * holds most of the catalog).
 */
const PROJECT_OF_MATCH = '(c.project_id + 0) = $1';

/**
 * GET /dataCatalog: the first CATALOG_SEARCH_MAX_RESULTS matches (Lightdash's cap), ranked (search) or
 * tables first, by name. A named prepared statement per shape of the filter (a few dozen at most):
 * planning this statement cost a third of its time, and its generic plan is the custom one (the
 * matches come from the GIN index whatever the search).
 */
export async function searchCatalogItems(db: PreparedSql, projectId: string, filter: CatalogItemFilter): Promise<CatalogItemRow[]> {
  const params = new Params(projectId);
  const conditions: string[] = [];
  if (filter.itemType) conditions.push(`c.item_type = ${params.add(filter.itemType)}`);
  if (filter.tablesOnly) conditions.push(`c.item_type = 'table'`);
  if (filter.fieldType) conditions.push(`c.field_type = ${params.add(filter.fieldType)}`);
  const ranking = filter.search ? searchRankSql('m', params, filter.search) : undefined;
  const match = (doc: string) => (ranking ? `AND ${doc} ${ranking.where}` : '');
  const order = ranking
    ? `search_rank DESC, m.sort_name, m.table_name, m.catalog_item_id, m.explore_id`
    : `is_table DESC, m.sort_name, m.table_name, m.catalog_item_id, m.explore_id`;
  const sql = `
    WITH ${CHART_USAGE_CTES},
    candidates AS (
      SELECT c.catalog_item_id, NULL::bigint AS explore_id, c.item_type = 'table' AS is_table, c.sort_name, c.table_name,
             ${ranking ? 'c.search_name, c.search_label, c.search_vector AS doc' : 'NULL::text AS search_name, NULL::text AS search_label, NULL::tsvector AS doc'}
      FROM catalog_items c
      WHERE ${ranking ? PROJECT_OF_MATCH : 'c.project_id = $1'} ${conditions.map((condition) => `AND ${condition}`).join(' ')} ${match('c.search_vector')}
      ${
        filter.withErrored
          ? `UNION ALL
             SELECT NULL, e.explore_id, true, lower(e.name), e.name,
                    ${
                      ranking
                        ? `catalog_search_fold(e.name), catalog_search_fold(coalesce(e.summary->>'label', e.name)),
                           catalog_search_vector(e.name, coalesce(e.summary->>'label', e.name), e.summary->>'description')`
                        : 'NULL, NULL, NULL'
                    }
             FROM explores e
             WHERE e.project_id = $1 AND e.is_errored
                   ${match(`catalog_search_vector(e.name, coalesce(e.summary->>'label', e.name), e.summary->>'description')`)}`
          : ''
      }
    ),
    r AS (${topSql('candidates', ranking?.rank, order, String(CATALOG_SEARCH_MAX_RESULTS), '0')})
    ${ITEM_SELECT}`;
  return db.rows<CatalogItemRow>(`catalog-search-${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`, sql, params.values);
}

/** A table and its fields (the table first, then dimensions, then metrics, by name); none when the table is not in the catalog. */
export async function tableWithFields(db: EntityManager, projectId: string, table: string): Promise<CatalogItemRow[]> {
  return db.query(
    `WITH ${CHART_USAGE_CTES},
     r AS (
       SELECT c.catalog_item_id, NULL::bigint AS explore_id, NULL::float8 AS search_rank,
              row_number() OVER (ORDER BY c.item_type = 'table' DESC, c.field_type, lower(c.name), c.catalog_item_id) AS position
       FROM catalog_items c WHERE c.project_id = $1 AND c.item_type IN ('table', 'field') AND c.table_name = $2
     )
     ${ITEM_SELECT}`,
    [projectId, table],
  );
}

export type CatalogChartRow = CatalogChartDto & { position?: number; description: string | null; chartKind: string | null };

/**
 * Whether the table (or its field) is in the catalog, and the first CATALOG_MAX_RESULTS charts using
 * it (built on the table or using one of its fields; or using the field) in the spaces user $2 may see.
 */
export async function chartsUsing(
  db: EntityManager,
  projectId: string,
  userId: string,
  table: string,
  field?: string,
): Promise<{ found: boolean; charts: CatalogChartRow[] }> {
  const uses =
    field === undefined
      ? `ch.table_name = $3 OR ${chartFieldIdsSql('ch')} ?| ARRAY(
           SELECT ${fieldIdSql('f')} FROM catalog_items f WHERE f.project_id = $1 AND f.item_type = 'field' AND f.table_name = $3)`
      : `${chartFieldIdsSql('ch')} @> jsonb_build_array($3::text || '_' || replace($4::text, '.', '__'))`;
  const [row] = await db.query(
    `WITH ${visibleSpacesCte('$1', '$2')}
     SELECT EXISTS (
              SELECT 1 FROM catalog_items c
              WHERE c.project_id = $1 AND c.table_name = $3
                AND ${field === undefined ? `c.item_type = 'table' AND coalesce(c.field_name, '') = ''` : `c.item_type = 'field' AND coalesce(c.field_name, '') = $4`}
            ) AS found,
            coalesce((
              SELECT json_agg(chart ORDER BY chart.position)
              FROM (
                SELECT ch.saved_chart_uuid AS uuid, ch.name, ch.description, ch.slug, s.space_uuid AS "spaceUuid", s.name AS "spaceName",
                       NULL AS "dashboardUuid", NULL AS "dashboardName", ch.chart_kind AS "chartKind", ch.views AS "viewsCount",
                       row_number() OVER (ORDER BY lower(ch.name), ch.saved_chart_id) AS position
                FROM saved_charts ch
                JOIN visible_spaces v ON v.space_id = ch.space_id
                JOIN spaces s ON s.space_id = ch.space_id
                WHERE ch.project_id = $1 AND ch.deleted_at IS NULL AND (${uses})
                ORDER BY position LIMIT ${CATALOG_MAX_RESULTS}
              ) chart
            ), '[]') AS charts`,
    field === undefined ? [projectId, userId, table] : [projectId, userId, table, field],
  );
  return row;
}

/** What the metrics catalog selects, and how it sorts. */
export interface MetricFilter {
  search?: CatalogSearch;
  tables?: string[];
  /** tag uuids (distinct, lower case); `and`: items in all of them, `or`: in any */
  categories?: { tagUuids: string[]; mode: 'and' | 'or' };
  sort?: 'name' | 'chartUsage';
  descending: boolean;
}

/** A page of the project's metrics ($limit after $offset), with the number of all matches. */
export async function metricsPage(
  db: EntityManager,
  projectId: string,
  filter: MetricFilter,
  page: { limit: number; offset: number },
): Promise<{ total: number; data: CatalogItemRow[] }> {
  const params = new Params(projectId);
  const conditions: string[] = [];
  const ranking = filter.search ? searchRankSql('m', params, filter.search) : undefined;
  if (ranking) conditions.push(`c.search_vector ${ranking.where}`);
  if (filter.tables) conditions.push(`c.table_name = ANY(${params.add(filter.tables)}::text[])`);
  if (filter.categories) {
    const { tagUuids, mode } = filter.categories;
    const inCategories = `FROM catalog_item_categories cc JOIN tags tg ON tg.tag_id = cc.tag_id
      WHERE cc.catalog_item_id = c.catalog_item_id AND tg.project_id = $1 AND tg.tag_uuid = ANY(${params.add(tagUuids)}::uuid[])`;
    conditions.push(mode === 'and' ? `(SELECT count(*) ${inCategories}) = ${params.add(tagUuids.length)}` : `EXISTS (SELECT 1 ${inCategories})`);
  }
  const direction = filter.descending ? 'DESC' : 'ASC';
  const order =
    filter.sort === 'name'
      ? `m.sort_name ${direction}, m.table_name ${direction}, m.catalog_item_id`
      : filter.sort === 'chartUsage'
        ? `m.chart_usage ${direction}, m.sort_name, m.table_name, m.catalog_item_id`
        : ranking
          ? `search_rank DESC, m.sort_name, m.table_name, m.catalog_item_id`
          : `m.sort_name, m.table_name, m.catalog_item_id`;
  const limit = params.add(page.limit);
  const offset = params.add(page.offset);
  const [row] = await db.query(
    `WITH ${CHART_USAGE_CTES},
     matching AS (
       SELECT c.catalog_item_id, NULL::bigint AS explore_id, false AS is_table, c.sort_name, c.search_name, c.search_label, c.table_name,
              ${ranking ? 'c.search_vector' : 'NULL::tsvector'} AS doc,
              coalesce(u.charts, 0) AS chart_usage
       FROM catalog_items c LEFT JOIN chart_usage u ON u.catalog_item_id = c.catalog_item_id
       WHERE c.project_id = $1 AND c.item_type = 'field' AND c.field_type = 'metric' ${conditions.map((condition) => `AND ${condition}`).join(' ')}
     ),
     r AS (${topSql('matching', ranking?.rank, order, limit, offset)})
     SELECT (SELECT count(*)::int FROM matching) AS total, coalesce((SELECT json_agg(item ORDER BY item.position) FROM (${ITEM_SELECT}) item), '[]') AS data`,
    params.values,
  );
  return row;
}

export interface MetricWithTimeDimensionsRow {
  tableName: string;
  definition: Json;
  availableTimeDimensions: Json[];
  metricDefault: unknown;
  tableDefault: unknown;
}

/**
 * Metrics as uploaded (the first CATALOG_MAX_RESULTS, by table and name), with the time dimensions
 * of their table's explore and the default time dimensions declared on the metric and its table.
 * Each table's explore is read once, whatever its number of metrics.
 */
export async function metricsWithTimeDimensions(
  db: EntityManager,
  projectId: string,
  filter: { tableName?: string; metricName?: string; onlyComparable: boolean },
): Promise<MetricWithTimeDimensionsRow[]> {
  const params = new Params(projectId);
  const table = filter.tableName === undefined ? '' : `AND t.table_name = ${params.add(filter.tableName)}`;
  const metric = filter.metricName === undefined ? '' : `AND coalesce(m.field_name, '') = ${params.add(filter.metricName)}`;
  // Tables in name order, each explore read once (OFFSET 0: not once per metric) and only when the
  // table has metrics; with the LIMIT, the planner stops reading explores once the answer is full.
  return db.query(
    `SELECT t.table_name AS "tableName", m.definition, h.dims AS "availableTimeDimensions",
            m.definition->'defaultTimeDimension' AS "metricDefault", t.definition->'defaultTimeDimension' AS "tableDefault"
     FROM catalog_items t
     CROSS JOIN LATERAL (
       SELECT coalesce((SELECT (${exploreDimensionsSql('e.definition', TIME_DIMENSION)}) FROM (${homeExploreSql('t')}) e), '[]') AS dims
       WHERE EXISTS (SELECT 1 FROM catalog_items m WHERE m.project_id = $1 AND m.item_type = 'field' AND m.table_name = t.table_name AND m.field_type = 'metric' ${metric})
       OFFSET 0
     ) h
     JOIN catalog_items m ON m.project_id = $1 AND m.item_type = 'field' AND m.table_name = t.table_name AND m.field_type = 'metric' ${metric}
     WHERE t.project_id = $1 AND t.item_type = 'table' AND coalesce(t.field_name, '') = '' ${table}
       ${
         filter.onlyComparable
           ? `AND coalesce(m.definition->'defaultTimeDimension', t.definition->'defaultTimeDimension') IS NOT NULL
              AND coalesce(m.definition->>'type', '') NOT IN ('string', 'boolean', 'date', 'timestamp')`
           : ''
       }
     ORDER BY t.table_name, lower(m.field_name), m.field_name
     LIMIT ${CATALOG_MAX_RESULTS}`,
    params.values,
  );
}

/** The segment and filter dimensions of a table's explore (one list); undefined when the table is not in the catalog. */
export async function tableDimensions(db: EntityManager, projectId: string, tableName: string): Promise<{ dims: Json[] | null } | undefined> {
  const [row] = await db.query(
    `SELECT (SELECT (${exploreDimensionsSql('e.definition', STRING_DIMENSION)}) FROM (${homeExploreSql('t')}) e) AS dims
     FROM catalog_items t
     WHERE t.project_id = $1 AND t.item_type = 'table' AND t.table_name = $2 AND coalesce(t.field_name, '') = ''`,
    [projectId, tableName],
  );
  return row;
}

export async function projectHasMetrics(db: EntityManager, projectId: string): Promise<boolean> {
  const [row]: { has: boolean }[] = await db.query(
    `SELECT EXISTS (SELECT 1 FROM catalog_items WHERE project_id = $1 AND item_type = 'field' AND field_type = 'metric') AS has`,
    [projectId],
  );
  return row.has;
}
