import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission } from '../authorization/route-access.decorator.js';
import {
  AddScopesDto,
  CreateRoleDto,
  CustomRoleParamsDto,
  DuplicateRoleDto,
  DuplicateRoleParamsDto,
  ListRolesQueryDto,
  OrganizationParamsDto,
  OrganizationUserParamsDto,
  RoleAssigneeDto,
  RoleAssignmentDto,
  RoleAssignmentRequestDto,
  RoleDto,
  RoleParamsDto,
  RoleScopeParamsDto,
  RoleSetDto,
  UpdateRoleDto,
} from './dto/roles.dto.js';
import { RoleAssignmentsService } from './role-assignments.service.js';
import { type AsCodeAction, type CustomRoleAsCode, RolesAsCodeService } from './roles-as-code.service.js';
import { RolesService } from './roles.service.js';

const ORGANIZATION = { type: 'organization', param: 'orgUuid' } as const;

/** Lightdash's deprecation headers on the per-scope routes (replaced by PATCH with `scopes.add` / `scopes.remove`). */
function markDeprecated(reply: FastifyReply, replacement: 'scopes.add' | 'scopes.remove'): void {
  reply.header('Deprecation', 'Wed, 10 Jun 2026 00:00:00 GMT');
  reply.header('Sunset', 'Thu, 10 Sep 2026 00:00:00 GMT');
  reply.header(
    'Warning',
    `299 - "This API endpoint is deprecated and will be removed after Thu, 10 Sep 2026 00:00:00 GMT. Use PATCH /api/v2/orgs/{orgUuid}/roles/{roleUuid} with ${replacement} instead."`,
  );
}

/** The v2 roles API of an organization: system and custom roles, and organization role assignments. */
@Controller('api/v2/orgs/:orgUuid/roles')
export class OrganizationRolesController {
  constructor(
    private readonly roles: RolesService,
    private readonly assignments: RoleAssignmentsService,
    private readonly asCode: RolesAsCodeService,
  ) {}

  @Get()
  @ApiTags('Organization Roles')
  @RequirePermission('organization:manage', ORGANIZATION)
  @ApiOperation({ operationId: 'GetOrganizationRoles', summary: 'The five system roles (with their scopes) and the organization’s custom roles' })
  @ApiOkResponse({ type: [RoleDto] })
  list(@CurrentPrincipal() principal: Principal, @Param() _params: OrganizationParamsDto, @Query() query: ListRolesQueryDto): Promise<RoleDto[]> {
    return this.roles.list(principal, query);
  }

  @Post()
  @ApiTags('Custom Roles')
  @RequirePermission('organization:manage', ORGANIZATION)
  @AuditAction('role.create', 'role')
  @ApiOperation({ operationId: 'CreateOrganizationRole', summary: 'Create a custom role (a named set of scopes you hold)' })
  @ApiCreatedResponse({ type: RoleDto })
  create(@CurrentPrincipal() principal: Principal, @Param() _params: OrganizationParamsDto, @Body() body: CreateRoleDto): Promise<RoleDto> {
    return this.roles.create(principal, body);
  }

  @Get('assignments')
  @ApiTags('Organization Roles')
  @RequirePermission('organization:manage', ORGANIZATION)
  @ApiOperation({ operationId: 'GetOrganizationRoleAssignments', summary: 'Every member’s organization role' })
  @ApiOkResponse({ type: [RoleAssignmentDto] })
  listAssignments(@CurrentPrincipal() principal: Principal, @Param() _params: OrganizationParamsDto): Promise<RoleAssignmentDto[]> {
    return this.assignments.listOrganization(principal);
  }

  @Post('assignments/user/:userId')
  @HttpCode(200)
  @ApiTags('Organization Roles')
  @RequirePermission('organization:manage', ORGANIZATION)
  @AuditAction('organization.role.assign', 'user', 'userId')
  @ApiOperation({ operationId: 'UpsertOrganizationUserRoleAssignment', summary: 'Set a member’s organization role (a system role or an organization-level custom role)' })
  @ApiOkResponse({ type: RoleAssignmentDto })
  assign(@CurrentPrincipal() principal: Principal, @Param() params: OrganizationUserParamsDto, @Body() body: RoleAssignmentRequestDto): Promise<RoleAssignmentDto> {
    return this.assignments.assignOrganization(principal, params.userId, body.roleId);
  }

  @Get('assignments/user/:userId/set')
  @ApiTags('Organization Roles')
  @RequirePermission('organization:manage', ORGANIZATION)
  @ApiOperation({ operationId: 'GetOrganizationUserRoleSet', summary: 'A member’s organization role as a role set' })
  @ApiOkResponse({ type: RoleSetDto })
  getSet(@CurrentPrincipal() principal: Principal, @Param() params: OrganizationUserParamsDto): Promise<RoleSetDto> {
    return this.assignments.getOrganizationSet(principal, params.userId);
  }

  @Put('assignments/user/:userId/set')
  @ApiTags('Organization Roles')
  @RequirePermission('organization:manage', ORGANIZATION)
  @AuditAction('organization.role.assign', 'user', 'userId')
  @ApiOperation({ operationId: 'ReplaceOrganizationUserRoleSet', summary: 'Replace a member’s organization role set (one role: a system role or one custom role)' })
  @ApiOkResponse({ type: RoleSetDto })
  replaceSet(@CurrentPrincipal() principal: Principal, @Param() params: OrganizationUserParamsDto, @Body() body: RoleSetDto): Promise<RoleSetDto> {
    return this.assignments.replaceOrganizationSet(principal, params.userId, body);
  }

  @Get('code')
  @ApiTags('Roles as code')
  @RequirePermission('organization:manage', ORGANIZATION)
  @ApiOperation({ operationId: 'GetCustomRolesAsCode', summary: 'The custom roles as code (deprecated alias of GET /orgs/{orgUuid}/code/roles)', deprecated: true })
  @ApiOkResponse({ description: '`{customRoles: [{version, name, description, level, scopes}]}`' })
  listAsCode(@CurrentPrincipal() principal: Principal, @Param() _params: OrganizationParamsDto): Promise<{ customRoles: CustomRoleAsCode[] }> {
    return this.asCode.list(principal);
  }

  @Post('code')
  @HttpCode(200)
  @ApiTags('Roles as code')
  @RequirePermission('organization:manage', ORGANIZATION)
  @AuditAction('role.upsert-as-code', 'role')
  @ApiOperation({ operationId: 'UpsertCustomRoleAsCode', summary: 'Create or update a custom role by name (deprecated alias of POST /orgs/{orgUuid}/code/roles)', deprecated: true })
  @ApiOkResponse({ description: '`{action: "create" | "update" | "no changes"}`' })
  upsertAsCode(@CurrentPrincipal() principal: Principal, @Param() _params: OrganizationParamsDto, @Body() body: Record<string, unknown>): Promise<{ action: AsCodeAction }> {
    return this.asCode.upsert(principal, body);
  }

  @Get(':roleUuid')
  @ApiTags('Organization Roles')
  @RequirePermission('organization:manage', ORGANIZATION)
  @ApiOperation({ operationId: 'GetCustomRoleByUuid', summary: 'A custom role with its scopes' })
  @ApiOkResponse({ type: RoleDto })
  get(@CurrentPrincipal() principal: Principal, @Param() params: CustomRoleParamsDto): Promise<RoleDto> {
    return this.roles.get(principal, params.roleUuid);
  }

  @Patch(':roleUuid')
  @ApiTags('Custom Roles')
  @RequirePermission('organization:manage', ORGANIZATION)
  @AuditAction('role.update', 'role', 'roleUuid')
  @ApiOperation({ operationId: 'UpdateOrganizationRole', summary: 'Rename a custom role, change its description, add and remove scopes' })
  @ApiOkResponse({ type: RoleDto })
  update(@CurrentPrincipal() principal: Principal, @Param() params: RoleParamsDto, @Body() body: UpdateRoleDto): Promise<RoleDto> {
    return this.roles.update(principal, params.roleUuid, body);
  }

  @Delete(':roleUuid')
  @ApiTags('Custom Roles')
  @RequirePermission('organization:manage', ORGANIZATION)
  @AuditAction('role.delete', 'role', 'roleUuid')
  @ApiOperation({ operationId: 'DeleteOrganizationRole', summary: 'Delete a custom role that nobody holds' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  delete(@CurrentPrincipal() principal: Principal, @Param() params: RoleParamsDto): Promise<void> {
    return this.roles.delete(principal, params.roleUuid);
  }

  @Post(':roleId/duplicate')
  @ApiTags('Custom Roles')
  @RequirePermission('organization:manage', ORGANIZATION)
  @AuditAction('role.create', 'role')
  @ApiOperation({ operationId: 'DuplicateRole', summary: 'Copy a system or custom role into a new custom role' })
  @ApiCreatedResponse({ type: RoleDto })
  duplicate(@CurrentPrincipal() principal: Principal, @Param() params: DuplicateRoleParamsDto, @Body() body: DuplicateRoleDto): Promise<RoleDto> {
    return this.roles.duplicate(principal, params.roleId, body);
  }

  @Post(':roleUuid/scopes')
  @HttpCode(200)
  @ApiTags('Custom Roles')
  @RequirePermission('organization:manage', ORGANIZATION)
  @AuditAction('role.update', 'role', 'roleUuid')
  @ApiOperation({ operationId: 'AddScopesToRole', summary: 'Add scopes to a custom role (deprecated: PATCH with scopes.add)', deprecated: true })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  async addScopes(
    @CurrentPrincipal() principal: Principal,
    @Param() params: RoleParamsDto,
    @Body() body: AddScopesDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    markDeprecated(reply, 'scopes.add');
    await this.roles.addScopes(principal, params.roleUuid, body.scopeNames);
  }

  @Delete(':roleUuid/scopes/:scopeName')
  @ApiTags('Custom Roles')
  @RequirePermission('organization:manage', ORGANIZATION)
  @AuditAction('role.update', 'role', 'roleUuid')
  @ApiOperation({ operationId: 'RemoveScopeFromRole', summary: 'Remove a scope from a custom role (deprecated: PATCH with scopes.remove)', deprecated: true })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  async removeScope(@CurrentPrincipal() principal: Principal, @Param() params: RoleScopeParamsDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    markDeprecated(reply, 'scopes.remove');
    await this.roles.removeScope(principal, params.roleUuid, params.scopeName);
  }

  @Get(':roleUuid/assignees')
  @ApiTags('Custom Roles')
  @RequirePermission('organization:manage', ORGANIZATION)
  @ApiOperation({ operationId: 'GetOrganizationRoleAssignees', summary: 'Who holds a custom role (organization members, project members, project groups)' })
  @ApiOkResponse({ type: [RoleAssigneeDto] })
  assignees(@CurrentPrincipal() principal: Principal, @Param() params: RoleParamsDto): Promise<RoleAssigneeDto[]> {
    return this.roles.assignees(principal, params.roleUuid);
  }
}

/** Roles as code: the custom roles of an organization as files (the current paths). */
@ApiTags('Roles as code')
@Controller('api/v2/orgs/:orgUuid/code/roles')
export class RolesAsCodeController {
  constructor(private readonly asCode: RolesAsCodeService) {}

  @Get()
  @RequirePermission('organization:manage', ORGANIZATION)
  @ApiOperation({ operationId: 'GetCodeCustomRoles', summary: 'The custom roles as code, scopes sorted' })
  @ApiOkResponse({ description: '`{customRoles: [{version, name, description, level, scopes}]}`' })
  list(@CurrentPrincipal() principal: Principal, @Param() _params: OrganizationParamsDto): Promise<{ customRoles: CustomRoleAsCode[] }> {
    return this.asCode.list(principal);
  }

  @Post()
  @HttpCode(200)
  @RequirePermission('organization:manage', ORGANIZATION)
  @AuditAction('role.upsert-as-code', 'role')
  @ApiOperation({ operationId: 'UpsertCodeCustomRole', summary: 'Create or update a custom role by name; never renames, never changes its level' })
  @ApiOkResponse({ description: '`{action: "create" | "update" | "no changes"}`' })
  upsert(@CurrentPrincipal() principal: Principal, @Param() _params: OrganizationParamsDto, @Body() body: Record<string, unknown>): Promise<{ action: AsCodeAction }> {
    return this.asCode.upsert(principal, body);
  }
}
