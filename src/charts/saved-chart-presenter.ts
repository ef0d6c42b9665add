import type { SavedChartDto } from './dto/chart.dto.js';

/** Lightdash's default chart palette, used when the organization has set none. */
export const DEFAULT_CHART_COLORS = ['#5470c6', '#fc8452', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#9a60b4', '#ea7ccc'];

type Json = Record<string, any>;

/** A chart as read by CHART_DETAILS, before it is shaped as Lightdash answers it. */
export type SavedChartRow = Omit<
  SavedChartDto,
  | 'colorPalette'
  | 'resolvedColorPalette'
  | 'access'
  | 'colorPaletteUuid'
  | 'merge'
  | 'verification'
  | 'dashboardUuid'
  | 'dashboardName'
  | 'dashboardSlug'
  | 'pinnedListUuid'
  | 'pinnedListOrder'
  | 'isPrivate'
> & {
  organizationColors: string[] | null;
};

/** The metric query keys Lightdash always answers, with the values of a query that uses none of them. */
export const METRIC_QUERY_DEFAULTS = { additionalMetrics: [], customDimensions: [], metricOverrides: {}, timezone: 'UTC' };

/**
 * A saved chart as Lightdash 1.219 answers it: the stored query and configuration with the keys
 * Lightdash fills in (the metric query's defaults, `chartConfig.config` null when unset, the column
 * order of a table filled from the query when empty), the organization's palette, and the keys of
 * features this server does not have (verification, merges, pinning) as an unconfigured Lightdash.
 */
export function presentSavedChart(row: SavedChartRow): SavedChartDto {
  const { organizationColors, pivotConfig, tableConfig } = row;
  const query: Json = { ...METRIC_QUERY_DEFAULTS, ...(row.metricQuery as Json) };
  const configured = row.chartConfig as Json;
  const columnOrder: string[] = (tableConfig as Json | null)?.columnOrder ?? [];
  const colors = organizationColors ?? DEFAULT_CHART_COLORS;
  // the row's fields one by one, in the row's order (no object rest and spread: this runs on every read)
  return {
    uuid: row.uuid,
    projectUuid: row.projectUuid,
    organizationUuid: row.organizationUuid,
    spaceUuid: row.spaceUuid,
    spaceName: row.spaceName,
    name: row.name,
    description: row.description,
    slug: row.slug,
    tableName: row.tableName,
    updatedAt: row.updatedAt,
    updatedByUser: row.updatedByUser,
    // charts here are never inside a dashboard nor pinned: these are constants, not columns to read
    dashboardUuid: null,
    dashboardName: null,
    dashboardSlug: null,
    pinnedListUuid: null,
    pinnedListOrder: null,
    isPrivate: !row.inheritsFromOrgOrProject,
    inheritsFromOrgOrProject: row.inheritsFromOrgOrProject,
    metricQuery: query,
    chartConfig: { ...configured, config: configured.config ?? null } as SavedChartDto['chartConfig'],
    tableConfig: { ...(tableConfig as Json | null), columnOrder: columnOrder.length ? columnOrder : defaultColumnOrder(query) },
    ...(pivotConfig ? { pivotConfig } : {}),
    access: [],
    colorPaletteUuid: null,
    colorPalette: colors,
    resolvedColorPalette: {
      colors,
      darkColors: null,
      paletteName: null,
      paletteUuid: null,
      source: { type: organizationColors ? 'organization' : 'default' },
    },
    merge: null,
    verification: null,
  };
}

/** Lightdash's order when none is saved: dimensions, then metrics, then table calculations. */
function defaultColumnOrder(query: Json): string[] {
  const calculations: string[] = (query.tableCalculations ?? []).map((calculation: Json) => calculation.name).filter((name: unknown) => typeof name === 'string');
  return [...(query.dimensions ?? []), ...(query.metrics ?? []), ...calculations];
}
