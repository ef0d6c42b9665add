import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { METRIC_QUERY_DEFAULTS } from '../charts/saved-chart-presenter.js';
import { isPlainObject } from '../common/plain-object.js';
import { slugify } from '../spaces/slug.js';
import type { StoredChartRow, StoredDashboardRow } from './content-as-code.queries.js';

/** The document format version Lightdash writes (`version: 1`). */
export const AS_CODE_VERSION = 1;

type Json = Record<string, unknown>;

/** A stored space path (`sales.emea-team`) as a document's `spaceSlug` (`sales/emea-team`). */
export function spaceSlugOf(path: string): string {
  return path.split('.').join('/');
}

/**
 * A document's `spaceSlug` as the slugs of the spaces from the root down: split on `/`, each segment
 * made a slug as a space's name is (so Lightdash's `emea_team` is our `emea-team`). Empty segments are skipped.
 */
export function pathSegmentsOf(spaceSlug: string): string[] {
  return spaceSlug
    .split('/')
    .map((segment) => segment.trim())
    .filter((segment) => segment.length > 0)
    .map((segment) => slugify(segment));
}

/** The name a space created from a path segment gets: `emea-team` → `Emea team`. */
export function friendlyName(segment: string): string {
  const words = segment.replace(/[-_]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What a chart document carries, in Lightdash's key order; absent keys stay absent. */
export interface ChartAsCode {
  contentType: 'chart';
  name: string;
  description: string | null;
  tableName: string;
  updatedAt: string;
  metricQuery: Json;
  chartConfig: Json;
  pivotConfig?: Json;
  tableConfig: Json;
  slug: string;
  version: number;
  spaceSlug: string;
  downloadedAt: string;
  verification: null;
}

export interface DashboardAsCode {
  contentType: 'dashboard';
  name: string;
  description: string | null;
  updatedAt: string;
  tiles: Json[];
  filters: Json;
  tabs: Json[];
  slug: string;
  version: number;
  spaceSlug: string;
  downloadedAt: string;
  verification: null;
}

/**
 * A chart as a document, as Lightdash 1.219 writes it: the metric query with the keys Lightdash
 * always fills in, `chartConfig.config` null when unset, no verification (a feature we do not have).
 */
export function chartAsCode(chart: StoredChartRow, downloadedAt: string): ChartAsCode {
  return {
    contentType: 'chart',
    name: chart.name,
    description: chart.description,
    tableName: chart.tableName,
    updatedAt: chart.updatedAt,
    metricQuery: { ...METRIC_QUERY_DEFAULTS, ...chart.metricQuery },
    chartConfig: { ...chart.chartConfig, config: chart.chartConfig.config ?? null },
    ...(chart.pivotConfig ? { pivotConfig: chart.pivotConfig } : {}),
    tableConfig: chart.tableConfig,
    slug: chart.slug,
    version: AS_CODE_VERSION,
    spaceSlug: spaceSlugOf(chart.spacePath),
    downloadedAt,
    verification: null,
  };
}

/**
 * A dashboard as a document: tiles without uuids, chart tiles naming their chart by slug and
 * carrying a `tileSlug` (the chart's slug, `<slug>-1`, `<slug>-2`… when the chart appears again);
 * every tile naming its tab by `tabSlug` (null when it has none, or the tab no slug); dimension
 * filters without ids, their tile targets keyed by tile slug.
 */
export function dashboardAsCode(dashboard: StoredDashboardRow, downloadedAt: string): DashboardAsCode {
  const tileSlugs = new Map<string, string>();
  const used = new Set<string>();
  const tabSlugs = new Map(dashboard.tabs.map((tab) => [tab.uuid, typeof tab.slug === 'string' ? tab.slug : null]));
  const tiles = dashboard.tiles.map((tile) => {
    const { uuid, ...fields } = tile;
    const rest = { ...fields, tabSlug: tabSlugs.get(tile.tabUuid) ?? null };
    if (tile.type !== 'saved_chart') return rest;
    const properties = isPlainObject(tile.properties) ? tile.properties : {};
    const chartUuid = typeof properties.savedChartUuid === 'string' ? properties.savedChartUuid.toLowerCase() : undefined;
    const chartSlug = (chartUuid && dashboard.chartSlugs[chartUuid]) ?? null;
    let tileSlug: string | undefined;
    if (chartSlug) {
      tileSlug = chartSlug;
      for (let n = 1; used.has(tileSlug); n++) tileSlug = `${chartSlug}-${n}`;
      used.add(tileSlug);
      if (typeof uuid === 'string') tileSlugs.set(uuid, tileSlug);
    }
    return { ...rest, tileSlug, properties: { title: properties.title, hideTitle: properties.hideTitle, chartSlug } };
  });
  const filters = dashboard.filters ?? {};
  const dimensions = Array.isArray(filters.dimensions) ? (filters.dimensions as Json[]) : [];
  return {
    contentType: 'dashboard',
    name: dashboard.name,
    description: dashboard.description,
    updatedAt: dashboard.updatedAt,
    tiles,
    filters: {
      ...filters,
      dimensions: dimensions.map(({ id: _id, ...filter }) => ({
        ...filter,
        ...(isPlainObject(filter.tileTargets) ? { tileTargets: rekey(filter.tileTargets, (tileUuid) => tileSlugs.get(tileUuid)) } : {}),
      })),
    },
    tabs: dashboard.tabs,
    slug: dashboard.slug,
    version: AS_CODE_VERSION,
    spaceSlug: spaceSlugOf(dashboard.spacePath),
    downloadedAt,
    verification: null,
  };
}

/** The spaces that hold `items`, once each, as the download lists them next to the documents. */
export function spacesOfDocuments(items: { spacePath: string; spaceName: string }[]): { contentType: 'space'; slug: string; spaceName: string }[] {
  const byPath = new Map(items.map((item) => [item.spacePath, item.spaceName]));
  return [...byPath].map(([path, spaceName]) => ({ contentType: 'space', slug: spaceSlugOf(path), spaceName }));
}

/** The keys of `object` renamed by `rename`; keys it has no name for are dropped. */
function rekey(object: Json, rename: (key: string) => string | undefined): Json {
  return Object.fromEntries(
    Object.entries(object).flatMap(([key, value]) => {
      const renamed = rename(key);
      return renamed === undefined ? [] : [[renamed, value]];
    }),
  );
}

/** What an uploaded dashboard stores: tiles with new uuids and chart uuids, filters with new ids and tile targets by uuid. */
export interface DashboardContent {
  tiles: Json[];
  filters: Json;
  tabs: Json[];
}

/**
 * The stored form of a dashboard document. `chartUuids` maps each chart slug the tiles name to the
 * chart's uuid (every one resolved beforehand).
 */
export function dashboardContentFromCode(document: { tiles: Json[]; filters?: Json; tabs?: Json[] }, chartUuids: Map<string, string>): DashboardContent {
  const tileUuids = new Map<string, string>();
  const tiles = document.tiles.map((tile) => {
    const { tileSlug, uuid: _uuid, ...rest } = tile;
    const uuid = randomUUID();
    if (typeof tileSlug === 'string') tileUuids.set(tileSlug, uuid);
    if (tile.type !== 'saved_chart') return { ...rest, uuid };
    const { chartSlug, ...properties } = isPlainObject(tile.properties) ? tile.properties : {};
    const savedChartUuid = typeof chartSlug === 'string' ? (chartUuids.get(chartSlug) ?? null) : null;
    return { ...rest, uuid, properties: { ...properties, savedChartUuid } };
  });
  const filters = document.filters ?? {};
  const dimensions = Array.isArray(filters.dimensions) ? (filters.dimensions as Json[]) : [];
  return {
    tiles,
    filters: {
      metrics: [],
      tableCalculations: [],
      ...filters,
      dimensions: dimensions.map(({ id: _id, ...filter }) => ({
        ...filter,
        id: randomUUID(),
        ...(isPlainObject(filter.tileTargets) ? { tileTargets: rekey(filter.tileTargets, (slug) => tileUuids.get(slug)) } : {}),
      })),
    },
    tabs: (document.tabs ?? []).map((tab) => ({ ...tab, uuid: typeof tab.uuid === 'string' ? tab.uuid : randomUUID() })),
  };
}

/** The chart slugs a dashboard document's chart tiles name. */
export function chartSlugsOfTiles(tiles: Json[]): string[] {
  const slugs = tiles
    .filter((tile) => tile.type === 'saved_chart' && isPlainObject(tile.properties) && typeof tile.properties.chartSlug === 'string')
    .map((tile) => (tile.properties as Json).chartSlug as string);
  return [...new Set(slugs)];
}

/**
 * Filter groups and rules of a metric query without an `id` get one (a document may leave them out,
 * Lightdash's FiltersInput); the rest is kept as given.
 */
export function withFilterIds(filters: Json): Json {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isPlainObject(node)) return node;
    const isGroup = Array.isArray(node.and) || Array.isArray(node.or);
    const isRule = 'target' in node;
    if (!isGroup && !isRule) return node;
    const withId: Json = { ...node, id: typeof node.id === 'string' && node.id ? node.id : randomUUID() };
    if (Array.isArray(node.and)) withId.and = node.and.map(visit);
    if (Array.isArray(node.or)) withId.or = node.or.map(visit);
    return withId;
  };
  return Object.fromEntries(Object.entries(filters).map(([key, group]) => [key, visit(group)]));
}

/** The parts of a document that an upload changes: equal ones mean `no changes`. */
export function sameContent(a: ChartAsCode | DashboardAsCode, b: ChartAsCode | DashboardAsCode): boolean {
  const comparable = ({ updatedAt: _u, downloadedAt: _d, version: _v, ...rest }: ChartAsCode | DashboardAsCode) => JSON.parse(JSON.stringify(rest));
  return isDeepStrictEqual(comparable(a), comparable(b));
}
