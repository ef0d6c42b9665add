import { Body, Controller, Param, Patch, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { ProjectDto, ProjectParamsDto } from './dto/project.dto.js';
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
  @ApiOkResponse({ type: ProjectDto })
  @ApiBadRequestResponse({ description: '`WarehouseConnectionError`: with `?test=true`, the postgres warehouse connection failed; nothing changed' })
  update(
    @Param() _params: ProjectParamsDto,
    @ResolvedAccess() access: ProjectAccess,
    @Body() body: UpdateProjectDto,
    @Query() query: UpdateProjectQueryDto,
  ): Promise<ProjectDto> {
    return this.settings.update(access, body, query.test === true);
  }
}
