import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/principal.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess, SelfOnly } from '../authorization/route-access.decorator.js';
import { ProjectParamsDto } from '../projects/dto/project.dto.js';
import { CsvExportService, type CsvFile } from './csv-export.service.js';
import {
  CalculateTotalBodyDto,
  CsvDownloadBodyDto,
  ExploreQueryParamsDto,
  JobParamsDto,
  MetricQueryBodyDto,
  ProjectJobParamsDto,
  SqlQueryBodyDto,
  SqlRunnerBodyDto,
  TableFieldsQueryDto,
} from './dto/queries.dto.js';
import { QueriesService } from './queries.service.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;

/** Streams a file to the client (no envelope). */
export function sendFile(reply: FastifyReply, file: CsvFile, contentType: string): FastifyReply {
  return reply
    .header('content-type', contentType)
    .header('content-disposition', `attachment; filename="${file.fileName}"`)
    .header('cache-control', 'no-store')
    .send(file.stream);
}

@ApiTags('Queries')
@Controller('projects/:projectUuid')
export class QueriesController {
  constructor(
    private readonly queries: QueriesService,
    private readonly csv: CsvExportService,
  ) {}

  @Post('explores/:exploreId/compileQuery')
  @HttpCode(200)
  @RequirePermission('project:explore', PROJECT)
  @ApiOperation({ operationId: 'CompileQuery', summary: 'The SQL a MetricQuery runs (bound values shown as literals); nothing runs' })
  @ApiBody({ type: MetricQueryBodyDto })
  @ApiOkResponse({ description: '`{query, parameterReferences}`' })
  compile(@Param() params: ExploreQueryParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal, @Body() body: MetricQueryBodyDto) {
    return this.queries.compile(access, principal, params.exploreId, { ...body });
  }

  @Post('sqlQuery')
  @HttpCode(200)
  @RequirePermission('project:run-sql', PROJECT)
  @ApiOperation({ operationId: 'RunSqlQuery', summary: 'Run raw SQL in the warehouse (read only; at most LIGHTDASH_QUERY_MAX_LIMIT rows)' })
  @ApiOkResponse({ description: '`{fields: {column: {type}}, rows}`' })
  sqlQuery(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal, @Body() body: SqlQueryBodyDto) {
    return this.queries.runSql(access, principal, body.sql);
  }

  @Post('calculate-total')
  @HttpCode(200)
  @RequirePermission('project:explore', PROJECT)
  @ApiOperation({ operationId: 'CalculateTotalFromQuery', summary: 'Totals of the metrics of a MetricQuery (one row, keyed by metric id)' })
  @ApiOkResponse({ description: '`{metricId: value}`' })
  calculateTotal(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal, @Body() body: CalculateTotalBodyDto) {
    return this.queries.calculateTotal(access, principal, body.explore, body.metricQuery);
  }

  @Post('explores/:exploreId/downloadCsv')
  @HttpCode(200)
  @RequirePermission('project:explore', PROJECT)
  @ApiOperation({ operationId: 'DownloadCsvFromExplore', summary: 'Start a CSV download of a MetricQuery; poll GET /csv/{jobId} for its URL' })
  @ApiBody({ type: CsvDownloadBodyDto })
  @ApiOkResponse({ description: '`{jobId}`' })
  downloadCsv(@Param() params: ExploreQueryParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal, @Body() body: CsvDownloadBodyDto) {
    return this.csv.createJob(access, principal, params.exploreId, { ...body });
  }

  @Get('csv/:jobId')
  @RequirePermission('project:explore', PROJECT)
  @ApiOperation({ operationId: 'getCsvFile', summary: 'The CSV file of a download job (yours only): the query runs and streams now' })
  @ApiProduces('text/csv')
  async csvFile(@Param() params: ProjectJobParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply) {
    return sendFile(reply, await this.csv.jobFile(access, principal, params.jobId), 'text/csv; charset=utf-8');
  }

  @Get('custom-metrics')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'getCustomMetrics', summary: 'Custom metrics of the saved charts you can see' })
  @ApiOkResponse({ description: '`[{name, label, modelName, yml, chartLabel, chartUrl}]`' })
  customMetrics(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal) {
    return this.queries.customMetrics(access, principal);
  }

  @Post('sqlRunner/run')
  @HttpCode(200)
  @RequirePermission('project:run-sql', PROJECT)
  @ApiOperation({ operationId: 'runSql', summary: 'Run raw SQL (SQL runner); answered synchronously with `{rows, columns}`', deprecated: true })
  @ApiOkResponse({ description: '`{rows, columns: [{reference, type}], fields}`' })
  async sqlRunnerRun(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal, @Body() body: SqlRunnerBodyDto) {
    const { fields, rows } = await this.queries.runSql(access, principal, body.sql, body.limit);
    return { rows, fields, columns: Object.entries(fields).map(([reference, { type }]) => ({ reference, type })) };
  }

  @Get('sqlRunner/tables')
  @RequirePermission('project:run-sql', PROJECT)
  @ApiOperation({ operationId: 'getTables', summary: 'Base tables of the warehouse database: {database: {schema: {table: {}}}}' })
  tables(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal) {
    return this.queries.tables(access, principal);
  }

  @Get('sqlRunner/fields')
  @RequirePermission('project:run-sql', PROJECT)
  @ApiOperation({ operationId: 'getTableFields', summary: 'Columns of a table: {column: type} (tableName/schemaName, or the SDK’s table/schema)' })
  fields(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @CurrentPrincipal() principal: Principal, @Query() query: TableFieldsQueryDto) {
    return this.queries.fields(access, principal, {
      tableName: query.tableName ?? query.table,
      schemaName: query.schemaName ?? query.schema,
      databaseName: query.databaseName,
    });
  }
}

@ApiTags('Queries')
@Controller('csv')
export class CsvJobsController {
  constructor(private readonly csv: CsvExportService) {}

  @Get(':jobId')
  @SelfOnly()
  @ApiOperation({ operationId: 'getCsvUrl', summary: 'The state and URL of your CSV download job' })
  @ApiOkResponse({ description: '`{url, status, truncated}`' })
  status(@Param() params: JobParamsDto, @CurrentPrincipal() principal: Principal) {
    return this.csv.jobStatus(principal, params.jobId);
  }
}
