import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { ProjectParamsDto } from '../projects/dto/project.dto.js';
import { ContentAsCodeService } from './content-as-code.service.js';
import {
  ChartAsCodeDto,
  ChartsAsCodeDto,
  ContentAsCodeParamsDto,
  DashboardAsCodeDto,
  DashboardsAsCodeDto,
  DownloadAsCodeQueryDto,
  PromotionChangesDto,
} from './dto/content-as-code.dto.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;

@ApiTags('Projects')
@Controller('projects/:projectUuid')
export class ContentAsCodeController {
  constructor(private readonly contentAsCode: ContentAsCodeService) {}

  @Get('charts/code')
  @RequirePermission('project:content-as-code', PROJECT)
  @ApiOperation({ operationId: 'getChartsAsCode', summary: 'Charts as code documents, a page at a time (only charts in spaces you may see)' })
  @ApiOkResponse({ type: ChartsAsCodeDto })
  downloadCharts(
    @Param() _params: ProjectParamsDto,
    @Query() query: DownloadAsCodeQueryDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() project: ProjectAccess,
  ): Promise<ChartsAsCodeDto> {
    return this.contentAsCode.downloadCharts(principal, project, query);
  }

  @Get('dashboards/code')
  @RequirePermission('project:content-as-code', PROJECT)
  @ApiOperation({ operationId: 'getDashboardsAsCode', summary: 'Dashboards as code documents, a page at a time (only dashboards in spaces you may see)' })
  @ApiOkResponse({ type: DashboardsAsCodeDto })
  downloadDashboards(
    @Param() _params: ProjectParamsDto,
    @Query() query: DownloadAsCodeQueryDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() project: ProjectAccess,
  ): Promise<DashboardsAsCodeDto> {
    return this.contentAsCode.downloadDashboards(principal, project, query);
  }

  @Post('charts/:slug/code')
  @HttpCode(200)
  @RequirePermission('project:content-as-code', PROJECT)
  @ApiOperation({ operationId: 'upsertChartAsCode', summary: 'Create or update the chart with this slug from its document; missing spaces of its path are created' })
  @ApiOkResponse({ type: PromotionChangesDto })
  upsertChart(
    @Param() params: ContentAsCodeParamsDto,
    @Body() body: ChartAsCodeDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() project: ProjectAccess,
  ): Promise<PromotionChangesDto> {
    return this.contentAsCode.upsertChart(principal, project, params.slug, body);
  }

  @Post('dashboards/:slug/code')
  @HttpCode(200)
  @RequirePermission('project:content-as-code', PROJECT)
  @ApiOperation({
    operationId: 'upsertDashboardAsCode',
    summary: 'Create or update the dashboard with this slug from its document; its chart tiles name charts of the project by slug',
  })
  @ApiOkResponse({ type: PromotionChangesDto })
  upsertDashboard(
    @Param() params: ContentAsCodeParamsDto,
    @Body() body: DashboardAsCodeDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() project: ProjectAccess,
  ): Promise<PromotionChangesDto> {
    return this.contentAsCode.upsertDashboard(principal, project, params.slug, body);
  }
}
