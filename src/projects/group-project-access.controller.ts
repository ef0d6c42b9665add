import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuditAction } from '../audit/audit-action.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { GroupProjectAccessRoleDto, GroupProjectParamsDto, ProjectGroupAccessDto } from './dto/group-project-access.dto.js';
import { ProjectParamsDto } from './dto/project.dto.js';
import { GroupProjectAccessService } from './group-project-access.service.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;

/** Project roles of groups: managed by whoever may manage the project's access. */
@Controller()
export class GroupProjectAccessController {
  constructor(private readonly groupAccess: GroupProjectAccessService) {}

  @Get('projects/:projectUuid/groupAccesses')
  @ApiTags('Projects')
  @RequirePermission('project:manage-access', PROJECT)
  @ApiOperation({ operationId: 'GetProjectGroupAccesses', summary: 'Groups granted a role on the project' })
  @ApiOkResponse({ type: [ProjectGroupAccessDto] })
  list(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<ProjectGroupAccessDto[]> {
    return this.groupAccess.list(access);
  }

  @Post('groups/:groupUuid/projects/:projectUuid')
  @HttpCode(200)
  @ApiTags('User Groups')
  @RequirePermission('project:manage-access', PROJECT)
  @AuditAction('project.group-access.grant', 'group', 'groupUuid')
  @ApiOperation({ operationId: 'addProjectAccessToGroup', summary: 'Grant a group of the project’s organization a role on the project' })
  @ApiOkResponse({ type: ProjectGroupAccessDto })
  grant(@Param() params: GroupProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @Body() body: GroupProjectAccessRoleDto): Promise<ProjectGroupAccessDto> {
    return this.groupAccess.grant(access, params.groupUuid, body.role);
  }

  @Patch('groups/:groupUuid/projects/:projectUuid')
  @ApiTags('User Groups')
  @RequirePermission('project:manage-access', PROJECT)
  @AuditAction('project.group-access.update', 'group', 'groupUuid')
  @ApiOperation({ operationId: 'updateProjectAccessForGroup', summary: 'Change a group’s role on the project' })
  @ApiOkResponse({ type: ProjectGroupAccessDto })
  update(@Param() params: GroupProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @Body() body: GroupProjectAccessRoleDto): Promise<ProjectGroupAccessDto> {
    return this.groupAccess.update(access, params.groupUuid, body.role);
  }

  @Delete('groups/:groupUuid/projects/:projectUuid')
  @ApiTags('User Groups')
  @RequirePermission('project:manage-access', PROJECT)
  @AuditAction('project.group-access.revoke', 'group', 'groupUuid')
  @ApiOperation({ operationId: 'removeProjectAccessFromGroup', summary: 'Remove a group’s role on the project' })
  @ApiOkResponse({ description: '`{"status":"ok"}`: removed' })
  @ApiNoContentResponse({ description: 'The group had no access; no body' })
  async revoke(
    @Param() params: GroupProjectParamsDto,
    @ResolvedAccess() access: ProjectAccess,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const removed = await this.groupAccess.revoke(access, params.groupUuid);
    reply.status(removed ? 200 : 204);
  }
}
