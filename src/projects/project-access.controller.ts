import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { GrantProjectAccessDto, ProjectMemberDto, ProjectMemberListItemDto, ProjectMemberParamsDto, UpdateProjectAccessDto } from './dto/project-access.dto.js';
import { ProjectParamsDto } from './dto/project.dto.js';
import { ProjectAccessService } from './project-access.service.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;

@ApiTags('Projects')
@Controller('projects/:projectUuid')
export class ProjectAccessController {
  constructor(private readonly projectAccess: ProjectAccessService) {}

  @Get('access')
  @RequirePermission('project:manage-access', PROJECT)
  @ApiOperation({ operationId: 'GetProjectAccessList', summary: 'Users granted access to the project directly' })
  @ApiOkResponse({ type: [ProjectMemberListItemDto] })
  list(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<ProjectMemberListItemDto[]> {
    return this.projectAccess.list(access);
  }

  @Post('access')
  @HttpCode(200)
  @RequirePermission('project:manage-access', PROJECT)
  @AuditAction('project.access.grant', 'project', 'projectUuid')
  @ApiOperation({ operationId: 'GrantProjectAccessToUser', summary: 'Grant a member of the organization a role on the project' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  grant(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @Body() body: GrantProjectAccessDto): Promise<void> {
    return this.projectAccess.grant(access, body.email, body.role);
  }

  @Get('user/:userUuid')
  @RequirePermission('project:manage-access', PROJECT)
  @ApiOperation({ operationId: 'GetProjectMemberAccess', summary: "A user's direct grant on the project (404 without one)" })
  @ApiOkResponse({ type: ProjectMemberDto })
  get(@Param() params: ProjectMemberParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<ProjectMemberDto> {
    return this.projectAccess.get(access, params.userUuid);
  }

  @Patch('access/:userUuid')
  @RequirePermission('project:manage-access', PROJECT)
  @AuditAction('project.access.update', 'user', 'userUuid')
  @ApiOperation({ operationId: 'UpdateProjectAccessForUser', summary: "Change a user's direct role on the project" })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  update(@Param() params: ProjectMemberParamsDto, @ResolvedAccess() access: ProjectAccess, @Body() body: UpdateProjectAccessDto): Promise<void> {
    return this.projectAccess.update(access, params.userUuid, body.role);
  }

  @Delete('access/:userUuid')
  @RequirePermission('project:manage-access', PROJECT)
  @AuditAction('project.access.revoke', 'user', 'userUuid')
  @ApiOperation({ operationId: 'RevokeProjectAccessForUser', summary: "Remove a user's direct grant on the project" })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  revoke(@Param() params: ProjectMemberParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<void> {
    return this.projectAccess.revoke(access, params.userUuid);
  }
}
