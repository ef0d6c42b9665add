import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { CreatePreviewDto } from './dto/create-preview.dto.js';
import { CreateProjectDto, CreateProjectResultDto, OrganizationProjectDto, ProjectDto, ProjectParamsDto } from './dto/project.dto.js';
import { ProjectPreviewService } from './project-preview.service.js';
import { ProjectsService } from './projects.service.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;

@ApiTags('Projects')
@Controller()
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly previews: ProjectPreviewService,
  ) {}

  @Post('org/projects')
  @HttpCode(200)
  @RequirePermission('project:create')
  @AuditAction('project.create', 'project')
  @ApiTags('Organizations')
  @ApiOperation({ operationId: 'CreateProject', summary: 'Create a project (synchronous; upload explores afterwards)' })
  @ApiOkResponse({ type: CreateProjectResultDto })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateProjectDto): Promise<CreateProjectResultDto> {
    return this.projects.create(principal, body);
  }

  @Get('org/projects')
  @RequirePermission('organization:view')
  @ApiTags('Organizations')
  @ApiOperation({ operationId: 'ListOrganizationProjects', summary: 'Projects of your organization that you may see' })
  @ApiOkResponse({ type: [OrganizationProjectDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<OrganizationProjectDto[]> {
    return this.projects.listForOrganization(principal);
  }

  @Get('projects/:projectUuid')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'GetProject', summary: 'A project (connections without their secrets)' })
  @ApiOkResponse({ type: ProjectDto })
  get(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<ProjectDto> {
    return this.projects.get(access);
  }

  @Post('projects/:projectUuid/createPreview')
  @HttpCode(200)
  @RequirePermission('project:develop', PROJECT)
  @AuditAction('project.preview.create', 'project', 'projectUuid')
  @ApiOperation({
    operationId: 'createPreview',
    summary: 'Copy the project into a new PREVIEW project (with copyContent: its spaces, charts, dashboards and access, linked to this one)',
  })
  @ApiOkResponse({ description: 'The new project\'s uuid, as a string: `{"status":"ok","results":"<uuid>"}`' })
  @ApiBadRequestResponse({ description: '`ParameterError` "Missing warehouse connection for project <uuid>"' })
  createPreview(
    @Param() _params: ProjectParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
    @Body() body: CreatePreviewDto,
  ): Promise<string> {
    return this.previews.createPreview(principal, access, body);
  }

  @Delete('org/projects/:projectUuid')
  @RequirePermission('project:delete', PROJECT)
  @AuditAction('project.delete', 'project', 'projectUuid')
  @ApiTags('Organizations')
  @ApiOperation({ operationId: 'DeleteProject', summary: 'Delete a project with its spaces, charts, dashboards, tags and grants' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  delete(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<void> {
    return this.projects.delete(access);
  }
}
