import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/principal.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess, SpaceAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { ProjectParamsDto } from '../projects/dto/project.dto.js';
import { AsyncQueriesService } from './async-queries.service.js';
import { CsvExportService } from './csv-export.service.js';
import {
  CalculateTotalAsyncBodyDto,
  DownloadBodyDto,
  ExecuteChartQueryBodyDto,
  ExecuteMetricQueryBodyDto,
  ExecuteSqlQueryBodyDto,
  ExecuteUnderlyingDataBodyDto,
  QueryParamsDto,
  ResultsPageQueryDto,
} from './dto/queries.dto.js';
import { sendFile } from './queries.controller.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;
const BODY_CHART = { type: 'chart', param: 'chartUuid', in: 'body', projectParam: 'projectUuid' } as const;

/** The v2 routes live outside the global /api/v1 prefix (see app-setup.ts). */
export const V2_PREFIX = 'api/v2';

@ApiTags('Queries (v2)')
@Controller(`${V2_PREFIX}/projects/:projectUuid/query`)
export class AsyncQueriesController {
  constructor(
    private readonly queries: AsyncQueriesService,
    private readonly csv: CsvExportService,
  ) {}

  @Post('metric-query')
  @HttpCode(200)
  @RequirePermission('project:explore', PROJECT)
  @ApiOperation({ operationId: 'executeAsyncMetricQuery', summary: 'Run a MetricQuery asynchronously: answers at once with the queryUuid to poll' })
  @ApiOkResponse({ description: '`{queryUuid, cacheMetadata, metricQuery, fields, warnings, parameterReferences, usedParametersValues, resolvedTimezone}`' })
  metricQuery(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal, @Body() body: ExecuteMetricQueryBodyDto) {
    return this.queries.metricQuery(access, principal, body.query);
  }

  @Post('sql')
  @HttpCode(200)
  @RequirePermission('project:run-sql', PROJECT)
  @ApiOperation({ operationId: 'executeAsyncSqlQuery', summary: 'Run raw SQL asynchronously (SQL errors answer the submit: the statement is planned first)' })
  sql(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal, @Body() body: ExecuteSqlQueryBodyDto) {
    return this.queries.sql(access, principal, body.sql, body.limit);
  }

  @Post('chart')
  @HttpCode(200)
  @RequirePermission('space:view', BODY_CHART)
  @ApiOperation({ operationId: 'executeAsyncSavedChartQuery', summary: 'Run a saved chart of this project (you must see its space)' })
  chart(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: SpaceAccess, @CurrentPrincipal() principal: Principal, @Body() body: ExecuteChartQueryBodyDto) {
    return this.queries.chart(access, principal, body.chartUuid, body.limit);
  }

  @Post('underlying-data')
  @HttpCode(200)
  @RequirePermission('project:explore', PROJECT)
  @ApiOperation({ operationId: 'executeAsyncUnderlyingDataQuery', summary: 'The rows behind a result of one of your metric queries' })
  underlyingData(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal, @Body() body: ExecuteUnderlyingDataBodyDto) {
    return this.queries.underlyingData(access, principal, body);
  }

  @Get(':queryUuid')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'getAsyncQueryResults', summary: 'Status of one of your queries, and a page of its rows when ready' })
  results(@Param() params: QueryParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal, @Query() query: ResultsPageQueryDto) {
    return this.queries.results(access, principal, params.queryUuid, query.page, query.pageSize);
  }

  @Post(':queryUuid/cancel')
  @HttpCode(200)
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'cancelAsyncQuery', summary: 'Cancel one of your queries (the statement is cancelled in the warehouse)' })
  cancel(@Param() params: QueryParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.queries.cancel(access, principal, params.queryUuid);
  }

  @Post(':queryUuid/calculate-total')
  @HttpCode(200)
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'executeAsyncCalculateTotal', summary: 'Grand total of one of your metric queries: a new query to poll' })
  calculateTotal(@Param() params: QueryParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal, @Body() body: CalculateTotalAsyncBodyDto) {
    return this.queries.calculateTotal(access, principal, params.queryUuid, body.kind);
  }

  @Post(':queryUuid/download')
  @HttpCode(200)
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'downloadResults', summary: 'The results of one of your ready queries as a CSV (default) or JSONL file, streamed' })
  @ApiBody({ type: DownloadBodyDto, required: false })
  @ApiProduces('text/csv', 'application/jsonl')
  async download(
    @Param() params: QueryParamsDto,
    @ResolvedAccess() access: ProjectAccess,
    @CurrentPrincipal() principal: Principal,
    @Body() body: DownloadBodyDto,
    @Res() reply: FastifyReply,
  ) {
    const type = body?.type ?? 'csv';
    const file = await this.csv.queryFile(access, principal, params.queryUuid, type, { ...(body ?? {}) });
    return sendFile(reply, file, type === 'csv' ? 'text/csv; charset=utf-8' : 'application/jsonl');
  }
}
