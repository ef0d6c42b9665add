import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess, SpaceAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { CountsView } from '../content-views/counts-view.decorator.js';
import { ProjectParamsDto } from '../projects/dto/project.dto.js';
import { ArrayBodyPipe } from '../common/array-body.pipe.js';
import { DashboardsService } from './dashboards.service.js';
import {
  CreateDashboardDto,
  CreateDashboardQueryDto,
  DashboardDto,
  DashboardListItemDto,
  DashboardParamsDto,
  DashboardRenameDto,
  ListDashboardsQueryDto,
  UpdateDashboardDto,
} from './dto/dashboard.dto.js';

/** Dashboards renamed or moved by one PATCH /projects/{p}/dashboards. */
const MAX_DASHBOARD_RENAMES = 500;

const PROJECT = { type: 'project', param: 'projectUuid' } as const;
const DASHBOARD = { type: 'dashboard', param: 'dashboardUuid' } as const;

@ApiTags('Projects')
@Controller()
export class DashboardsController {
  constructor(private readonly dashboards: DashboardsService) {}

  // Any member of the project's organization may ask: without a project role they see the dashboards
  // of spaces shared with them, often none (200 [], as Lightdash; another organization's project: 404).
  @Get('projects/:projectUuid/dashboards')
  @RequirePermission('organization:view', PROJECT)
  @ApiOperation({ operationId: 'getDashboards', summary: 'Dashboards in the spaces you may see (an empty list when you may see none)' })
  @ApiOkResponse({ type: [DashboardListItemDto] })
  list(
    @Param() _params: ProjectParamsDto,
    @Query() query: ListDashboardsQueryDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() project: ProjectAccess,
  ): Promise<DashboardListItemDto[]> {
    return this.dashboards.list(principal, project, query);
  }

  // Declared on the project: the space is the body's `spaceUuid`, or the source's space when
  // duplicating (whose body names no space), so the service checks `space:edit-content` on it.
  @Post('projects/:projectUuid/dashboards')
  @HttpCode(201)
  @RequirePermission('project:view', PROJECT, {
    permission: 'space:edit-content',
    on: "the target space (body `spaceUuid`; when duplicating, the source dashboard's space)",
  })
  @ApiOperation({
    operationId: 'createDashboard',
    summary: 'Create a dashboard in a space, or duplicate one (`?duplicateFrom=`, body `{dashboardName, dashboardDesc}`)',
  })
  @ApiCreatedResponse({ type: DashboardDto })
  create(
    @Param() _params: ProjectParamsDto,
    @Query() query: CreateDashboardQueryDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() project: ProjectAccess,
    @Body() body: CreateDashboardDto,
  ): Promise<DashboardDto> {
    return this.dashboards.create(principal, project, body, query.duplicateFrom);
  }

  @Patch('projects/:projectUuid/dashboards')
  @RequirePermission('project:view', PROJECT, {
    permission: 'space:edit-content',
    on: "each dashboard's space and each destination space (all or nothing changes)",
  })
  @ApiOperation({ operationId: 'updateDashboards', summary: 'Rename and/or move several dashboards at once' })
  @ApiBody({ type: [DashboardRenameDto] })
  @ApiOkResponse({ type: [DashboardDto] })
  updateMany(
    @Param() _params: ProjectParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() project: ProjectAccess,
    @Body(ArrayBodyPipe(DashboardRenameDto, MAX_DASHBOARD_RENAMES)) body: DashboardRenameDto[],
  ): Promise<DashboardDto[]> {
    return this.dashboards.updateMany(principal, project, body);
  }

  @Get('dashboards/:dashboardUuid')
  @RequirePermission('space:view', DASHBOARD)
  @CountsView('dashboard', 'dashboardUuid')
  @ApiOperation({ operationId: 'getDashboard', summary: 'A dashboard with its tiles, tabs and filters' })
  @ApiOkResponse({ type: DashboardDto })
  get(@Param() params: DashboardParamsDto): Promise<DashboardDto> {
    return this.dashboards.get(params.dashboardUuid);
  }

  @Patch('dashboards/:dashboardUuid')
  @RequirePermission('space:edit-content', DASHBOARD, { permission: 'space:edit-content', on: 'the destination space (body `spaceUuid`), when moving' })
  @ApiOperation({ operationId: 'updateDashboard', summary: 'Change a dashboard (a new version) or move it to another space of the project' })
  @ApiOkResponse({ type: DashboardDto })
  update(
    @Param() params: DashboardParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() space: SpaceAccess,
    @Body() body: UpdateDashboardDto,
  ): Promise<DashboardDto> {
    return this.dashboards.update(principal, space, params.dashboardUuid, body);
  }

  @Delete('dashboards/:dashboardUuid')
  @RequirePermission('space:edit-content', DASHBOARD)
  @AuditAction('dashboard.delete', 'dashboard', 'dashboardUuid')
  @ApiOperation({ operationId: 'deleteDashboard', summary: 'Move a dashboard to the trash (restore it with POST /api/v2/content/{p}/restore)' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  delete(@Param() params: DashboardParamsDto, @CurrentPrincipal() principal: Principal, @ResolvedAccess() space: SpaceAccess): Promise<void> {
    return this.dashboards.delete(principal, space, params.dashboardUuid);
  }
}
