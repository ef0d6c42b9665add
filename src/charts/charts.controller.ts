import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess, SpaceAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { ProjectParamsDto } from '../projects/dto/project.dto.js';
import { CHART_DETAILS } from './charts.queries.js';
import { ChartsService } from './charts.service.js';
import {
  ChartParamsDto,
  ChartSummariesQueryDto,
  ChartSummaryListItemDto,
  CreateChartDto,
  SavedChartDto,
  SpaceQueryDto,
  UpdateChartDto,
} from './dto/chart.dto.js';
import { CountsView } from '../content-views/counts-view.decorator.js';
import { CachedResponse } from '../response-cache/cached-response.decorator.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;
const CHART = { type: 'chart', param: 'chartUuid' } as const;

@ApiTags('Projects')
@Controller()
export class ChartsController {
  constructor(private readonly charts: ChartsService) {}

  // Declared on the project: the space is the body's `spaceUuid`, or the project's first space the
  // caller may see when it names none, so the service checks `space:edit-content` on it.
  @Post('projects/:projectUuid/saved')
  @HttpCode(200)
  @RequirePermission('project:view', PROJECT, {
    permission: 'space:edit-content',
    on: 'the target space (body `spaceUuid`, else the first space of the project you may see)',
  })
  @ApiOperation({
    operationId: 'CreateSavedChart',
    summary: 'Save a chart in a space of the project (without `spaceUuid`: in its first space you may see, the default space "Shared")',
  })
  @ApiOkResponse({ type: SavedChartDto })
  create(
    @Param() _params: ProjectParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() project: ProjectAccess,
    @Body() body: CreateChartDto,
  ): Promise<SavedChartDto> {
    return this.charts.create(principal, project, body);
  }

  @Get('saved/:chartUuid')
  @RequirePermission('space:view', { ...CHART, load: CHART_DETAILS })
  @CountsView('chart', 'chartUuid')
  @CachedResponse()
  @ApiOperation({ operationId: 'GetSavedChart', summary: 'A saved chart' })
  @ApiOkResponse({ type: SavedChartDto })
  get(@Param() params: ChartParamsDto, @ResolvedAccess() space: SpaceAccess): Promise<SavedChartDto> {
    return this.charts.get(params.chartUuid, space);
  }

  @Patch('saved/:chartUuid')
  @RequirePermission('space:edit-content', CHART, { permission: 'space:edit-content', on: 'the destination space (body `spaceUuid`), when moving' })
  @ApiOperation({ operationId: 'UpdateSavedChart', summary: 'Rename a chart or move it to another space of the project (needs edit rights there too)' })
  @ApiOkResponse({ type: SavedChartDto })
  update(
    @Param() params: ChartParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() space: SpaceAccess,
    @Body() body: UpdateChartDto,
  ): Promise<SavedChartDto> {
    return this.charts.update(principal, space, params.chartUuid, body);
  }

  @Delete('saved/:chartUuid')
  @RequirePermission('space:edit-content', CHART)
  @AuditAction('chart.delete', 'chart', 'chartUuid')
  @ApiOperation({ operationId: 'DeleteSavedChart', summary: 'Move a saved chart to the trash (restore it with POST /api/v2/content/{p}/restore)' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  delete(@Param() params: ChartParamsDto, @CurrentPrincipal() principal: Principal, @ResolvedAccess() space: SpaceAccess): Promise<void> {
    return this.charts.delete(principal, space, params.chartUuid);
  }

  @Get('projects/:projectUuid/charts')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'ListChartsInProject', summary: 'Saved charts in the spaces you may see' })
  @ApiOkResponse({ type: [SpaceQueryDto] })
  list(@Param() _params: ProjectParamsDto, @CurrentPrincipal() principal: Principal, @ResolvedAccess() project: ProjectAccess): Promise<SpaceQueryDto[]> {
    return this.charts.list(principal, project);
  }

  @Get('projects/:projectUuid/chart-summaries')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'ListChartSummariesInProject', summary: 'Summaries of the saved charts in the spaces you may see' })
  @ApiOkResponse({ type: [ChartSummaryListItemDto] })
  listSummaries(
    @Param() _params: ProjectParamsDto,
    @Query() _query: ChartSummariesQueryDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() project: ProjectAccess,
  ): Promise<ChartSummaryListItemDto[]> {
    return this.charts.listSummaries(principal, project);
  }
}
