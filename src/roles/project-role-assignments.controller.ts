import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import {
  ProjectGroupParamsDto,
  ProjectIdParamsDto,
  ProjectUserParamsDto,
  RoleAssignmentDto,
  RoleAssignmentRequestDto,
  RoleSetDto,
  UpsertGroupRoleAssignmentDto,
  UpsertUserRoleAssignmentDto,
} from './dto/roles.dto.js';
import { RoleAssignmentsService } from './role-assignments.service.js';

const PROJECT = { type: 'project', param: 'projectId' } as const;

/** The v2 project role assignments of users and groups: the rows the v1 access routes show. */
@ApiTags('Project Roles')
@Controller('api/v2/projects/:projectId/roles/assignments')
export class ProjectRoleAssignmentsController {
  constructor(private readonly assignments: RoleAssignmentsService) {}

  @Get()
  @RequirePermission('project:manage-access', PROJECT)
  @ApiOperation({ operationId: 'GetProjectRoleAssignments', summary: 'Direct user roles, then group roles, on the project' })
  @ApiOkResponse({ type: [RoleAssignmentDto] })
  list(@Param() _params: ProjectIdParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<RoleAssignmentDto[]> {
    return this.assignments.listProject(access);
  }

  @Post('user/:userId')
  @HttpCode(200)
  @RequirePermission('project:manage-access', PROJECT)
  @AuditAction('project.access.assign', 'user', 'userId')
  @ApiOperation({ operationId: 'UpsertProjectUserRoleAssignment', summary: 'Give a member of the organization a role on the project (system or custom)' })
  @ApiOkResponse({ type: RoleAssignmentDto })
  assignUser(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ProjectUserParamsDto,
    @ResolvedAccess() access: ProjectAccess,
    @Body() body: UpsertUserRoleAssignmentDto,
  ): Promise<RoleAssignmentDto> {
    return this.assignments.assignProject(principal, access, 'user', params.userId, body.roleId);
  }

  @Delete('user/:userId')
  @RequirePermission('project:manage-access', PROJECT)
  @AuditAction('project.access.revoke', 'user', 'userId')
  @ApiOperation({ operationId: 'DeleteProjectUserRoleAssignment', summary: 'Remove a user’s direct role on the project' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  unassignUser(@Param() params: ProjectUserParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<void> {
    return this.assignments.unassignProject(access, 'user', params.userId);
  }

  @Get('user/:userId/set')
  @RequirePermission('project:manage-access', PROJECT)
  @ApiOperation({ operationId: 'GetProjectUserRoleSet', summary: 'A user’s direct role on the project, as a role set' })
  @ApiOkResponse({ type: RoleSetDto })
  getUserSet(@Param() params: ProjectUserParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<RoleSetDto> {
    return this.assignments.getProjectSet(access, 'user', params.userId);
  }

  @Put('user/:userId/set')
  @RequirePermission('project:manage-access', PROJECT)
  @AuditAction('project.access.assign', 'user', 'userId')
  @ApiOperation({ operationId: 'ReplaceProjectUserRoleSet', summary: 'Replace a user’s role set on the project (one role: a system role or one custom role)' })
  @ApiOkResponse({ type: RoleSetDto })
  replaceUserSet(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ProjectUserParamsDto,
    @ResolvedAccess() access: ProjectAccess,
    @Body() body: RoleSetDto,
  ): Promise<RoleSetDto> {
    return this.assignments.replaceProjectSet(principal, access, 'user', params.userId, body);
  }

  @Post('group/:groupId')
  @HttpCode(200)
  @RequirePermission('project:manage-access', PROJECT)
  @AuditAction('project.group-access.assign', 'group', 'groupId')
  @ApiOperation({ operationId: 'UpsertProjectGroupRoleAssignment', summary: 'Give a group of the organization a role on the project (system or custom)' })
  @ApiOkResponse({ type: RoleAssignmentDto })
  assignGroup(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ProjectGroupParamsDto,
    @ResolvedAccess() access: ProjectAccess,
    @Body() body: UpsertGroupRoleAssignmentDto,
  ): Promise<RoleAssignmentDto> {
    return this.assignments.assignProject(principal, access, 'group', params.groupId, body.roleId);
  }

  @Patch('group/:groupId')
  @RequirePermission('project:manage-access', PROJECT)
  @AuditAction('project.group-access.assign', 'group', 'groupId')
  @ApiOperation({ operationId: 'UpdateProjectGroupRoleAssignment', summary: 'Change a group’s role on the project (creates it when missing)' })
  @ApiOkResponse({ type: RoleAssignmentDto })
  updateGroup(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ProjectGroupParamsDto,
    @ResolvedAccess() access: ProjectAccess,
    @Body() body: RoleAssignmentRequestDto,
  ): Promise<RoleAssignmentDto> {
    return this.assignments.assignProject(principal, access, 'group', params.groupId, body.roleId);
  }

  @Delete('group/:groupId')
  @RequirePermission('project:manage-access', PROJECT)
  @AuditAction('project.group-access.revoke', 'group', 'groupId')
  @ApiOperation({ operationId: 'DeleteProjectGroupRoleAssignment', summary: 'Remove a group’s role on the project (200 also when it had none)' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  unassignGroup(@Param() params: ProjectGroupParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<void> {
    return this.assignments.unassignProject(access, 'group', params.groupId);
  }

  @Get('group/:groupId/set')
  @RequirePermission('project:manage-access', PROJECT)
  @ApiOperation({ operationId: 'GetProjectGroupRoleSet', summary: 'A group’s role on the project, as a role set' })
  @ApiOkResponse({ type: RoleSetDto })
  getGroupSet(@Param() params: ProjectGroupParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<RoleSetDto> {
    return this.assignments.getProjectSet(access, 'group', params.groupId);
  }

  @Put('group/:groupId/set')
  @RequirePermission('project:manage-access', PROJECT)
  @AuditAction('project.group-access.assign', 'group', 'groupId')
  @ApiOperation({ operationId: 'ReplaceProjectGroupRoleSet', summary: 'Replace a group’s role set on the project (one role: a system role or one custom role)' })
  @ApiOkResponse({ type: RoleSetDto })
  replaceGroupSet(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ProjectGroupParamsDto,
    @ResolvedAccess() access: ProjectAccess,
    @Body() body: RoleSetDto,
  ): Promise<RoleSetDto> {
    return this.assignments.replaceProjectSet(principal, access, 'group', params.groupId, body);
  }
}
