import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import type { Paginated } from '../common/pagination.js';
import { ProjectParamsDto } from '../projects/dto/project.dto.js';
import { CachedResponse } from '../response-cache/cached-response.decorator.js';
import { CatalogService } from './catalog.service.js';
import {
  CATALOG_ITEM_SCHEMA,
  CATALOG_MAX_RESULTS,
  CatalogAnalyticsDto,
  CatalogFieldDto,
  CatalogFieldParamsDto,
  CatalogMetadataDto,
  CatalogMetricParamsDto,
  CatalogQueryDto,
  CatalogTableDto,
  CatalogTableNameParamsDto,
  CatalogTableParamsDto,
  COMPILED_DIMENSION_SCHEMA,
  METRIC_WITH_TIME_DIMENSIONS_SCHEMA,
  MetricsCatalogPageDto,
  MetricsCatalogQueryDto,
  MetricsWithTimeDimensionsQueryDto,
  type CatalogItem,
} from './dto/catalog.dto.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;

/**
 * Reading the data catalog (docs/catalog.md). Literal paths (`metrics`, `metrics/has`,
 * `metrics-with-time-dimensions`) win over the `{table}` patterns: fastify's router tries static
 * segments first, whatever the order of declaration.
 */
@ApiTags('Catalog')
@ApiExtraModels(CatalogTableDto, CatalogFieldDto)
@Controller('projects/:projectUuid/dataCatalog')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @RequirePermission('project:view', PROJECT)
  // the answer changes only with the catalog, its curation, chart usage or the caller's access: all
  // recorded in data_changes, so a repeated search is one revalidation statement
  @CachedResponse({ query: ['search', 'type', 'filter'] })
  @ApiOperation({
    operationId: 'getCatalog',
    summary: `Search or list the catalog's tables and fields (at most ${CATALOG_MAX_RESULTS}: best ranked first, or tables then fields by name)`,
  })
  @ApiOkResponse({ schema: { type: 'array', items: CATALOG_ITEM_SCHEMA } })
  search(@Param() _params: ProjectParamsDto, @Query() query: CatalogQueryDto, @ResolvedAccess() access: ProjectAccess): Promise<CatalogItem[]> {
    return this.catalog.search(access, query);
  }

  @Get('metrics')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({
    operationId: 'getMetricsCatalog',
    summary: `Metrics of the catalog, filtered and sorted; paginated with page and pageSize, else the first ${CATALOG_MAX_RESULTS}`,
  })
  @ApiOkResponse({ type: MetricsCatalogPageDto })
  metrics(
    @Param() _params: ProjectParamsDto,
    @Query() query: MetricsCatalogQueryDto,
    @ResolvedAccess() access: ProjectAccess,
  ): Promise<Paginated<CatalogFieldDto>> {
    return this.catalog.metrics(access, query);
  }

  @Get('metrics/has')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'hasMetricsInCatalog', summary: 'Whether the catalog has at least one metric' })
  @ApiOkResponse({ schema: { type: 'boolean', example: true } })
  hasMetrics(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<boolean> {
    return this.catalog.hasMetrics(access);
  }

  @Get('metrics-with-time-dimensions')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({
    operationId: 'getMetricsWithTimeDimensions',
    summary: `Metrics that declare a default time dimension (theirs or their table's) and are not of a string, boolean, date or timestamp type, as Lightdash, with their time dimensions (at most ${CATALOG_MAX_RESULTS}, by table and name)`,
  })
  @ApiOkResponse({ schema: { type: 'array', items: METRIC_WITH_TIME_DIMENSIONS_SCHEMA } })
  metricsWithTimeDimensions(
    @Param() _params: ProjectParamsDto,
    @Query() query: MetricsWithTimeDimensionsQueryDto,
    @ResolvedAccess() access: ProjectAccess,
  ): Promise<Record<string, unknown>[]> {
    return this.catalog.metricsWithTimeDimensions(access, { tableName: query.tableName, onlyComparable: true });
  }

  @Get('metrics/:tableName/:metricName')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'getMetric', summary: 'A metric as uploaded, with its available time dimensions and default time dimension' })
  @ApiOkResponse({ schema: METRIC_WITH_TIME_DIMENSIONS_SCHEMA })
  metric(@Param() params: CatalogMetricParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<Record<string, unknown>> {
    return this.catalog.metric(access, params.tableName, params.metricName);
  }

  @Get(':table/metadata')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'getMetadata', summary: 'A table of the catalog with its fields' })
  @ApiOkResponse({ type: CatalogMetadataDto })
  metadata(@Param() params: CatalogTableParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<CatalogMetadataDto> {
    return this.catalog.metadata(access, params.table);
  }

  @Get(':table/analytics')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'getAnalytics', summary: 'Charts that use the table, in the spaces you may see' })
  @ApiOkResponse({ type: CatalogAnalyticsDto })
  analytics(
    @Param() params: CatalogTableParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
  ): Promise<CatalogAnalyticsDto> {
    return this.catalog.analytics(principal, access, params.table);
  }

  @Get(':table/analytics/:field')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'getAnalyticsField', summary: 'Charts that use the field (`<table>_<field>`), in the spaces you may see' })
  @ApiOkResponse({ type: CatalogAnalyticsDto })
  analyticsField(
    @Param() params: CatalogFieldParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
  ): Promise<CatalogAnalyticsDto> {
    return this.catalog.analytics(principal, access, params.table, params.field);
  }

  @Get(':tableName/segment-dimensions')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'getSegmentDimensions', summary: "Visible string dimensions of the table's explore (not generated date intervals), to segment its metrics by" })
  @ApiOkResponse({ schema: { type: 'array', items: COMPILED_DIMENSION_SCHEMA } })
  segmentDimensions(@Param() params: CatalogTableNameParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<Record<string, unknown>[]> {
    return this.catalog.dimensions(access, params.tableName);
  }

  @Get(':tableName/filter-dimensions')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'getFilterDimensions', summary: "Visible string dimensions of the table's explore (not generated date intervals), to filter its metrics by, as Lightdash 1.219" })
  @ApiOkResponse({ schema: { type: 'array', items: COMPILED_DIMENSION_SCHEMA } })
  filterDimensions(@Param() params: CatalogTableNameParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<Record<string, unknown>[]> {
    return this.catalog.dimensions(access, params.tableName);
  }
}
