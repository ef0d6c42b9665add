import { Body, Controller, Delete, Param, Patch, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { UpdateProjectMetadataDto, UpdateSchedulerSettingsDto, UpdateSemanticLayerConnectionDto } from './dto/project-settings.dto.js';
import { ProjectParamsDto, ProjectUpdateJobDto } from './dto/project.dto.js';
import { UpdateProjectDto, UpdateProjectQueryDto } from './dto/update-project.dto.js';
import { ProjectSettingsService } from './project-settings.service.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;

@ApiTags('Projects')
@Controller('projects/:projectUuid')
export class ProjectSettingsController {
  constructor(private readonly settings: ProjectSettingsService) {}

  @Patch()
  @RequirePermission('project:develop', PROJECT)
  @AuditAction('project.update', 'project', 'projectUuid')
  @ApiOperation({ operationId: 'UpdateProject', summary: 'Change the name, dbt version, connections or scheduler time zone of the project' })
  @ApiOkResponse({ type: ProjectUpdateJobDto })
  @ApiBadRequestResponse({ description: '`WarehouseConnectionError`: with `?test=true`, the postgres warehouse connection failed; nothing changed' })
  update(
    @Param() _params: ProjectParamsDto,
    @ResolvedAccess() access: ProjectAccess,
    @Body() body: UpdateProjectDto,
    @Query() query: UpdateProjectQueryDto,
  ): Promise<ProjectUpdateJobDto> {
    return this.settings.update(access, body, query.test === true);
  }

  @Patch('schedulerSettings')
  @RequirePermission('project:develop', PROJECT)
  @AuditAction('project.scheduler-settings.update', 'project', 'projectUuid')
  @ApiOperation({ operationId: 'updateSchedulerSettings', summary: 'Default scheduler time zone and failure notices of the project (every field optional)' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  updateSchedulerSettings(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @Body() body: UpdateSchedulerSettingsDto): Promise<void> {
    return this.settings.updateSchedulerSettings(access, body);
  }

  @Patch('metadata')
  @RequirePermission('project:manage', PROJECT)
  @AuditAction('project.metadata.update', 'project', 'projectUuid')
  @ApiOperation({ operationId: 'updateProjectMetadata', summary: 'Set or clear (null) the upstream project content is promoted to' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  @ApiBadRequestResponse({ description: '`ParameterError` "Upstream project not found: <uuid>": not a project of this organization that you can see' })
  updateMetadata(
    @Param() _params: ProjectParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
    @Body() body: UpdateProjectMetadataDto,
  ): Promise<void> {
    return this.settings.updateMetadata(principal, access, body);
  }

  @Patch('semantic-layer-connection')
  @RequirePermission('project:develop', PROJECT)
  @AuditAction('project.semantic-layer-connection.update', 'project', 'projectUuid')
  @ApiOperation({
    operationId: 'updateProjectSemanticLayerConnection',
    summary: 'Set the semantic-layer connection (DBT or CUBE); the token is kept encrypted and never returned',
  })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  updateSemanticLayerConnection(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @Body() body: UpdateSemanticLayerConnectionDto): Promise<void> {
    return this.settings.updateSemanticLayerConnection(access, body);
  }

  @Delete('semantic-layer-connection')
  @RequirePermission('project:develop', PROJECT)
  @AuditAction('project.semantic-layer-connection.delete', 'project', 'projectUuid')
  @ApiOperation({ operationId: 'deleteProjectSemanticLayerConnection', summary: 'Remove the semantic-layer connection and its token' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  deleteSemanticLayerConnection(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<void> {
    return this.settings.deleteSemanticLayerConnection(access);
  }
}
