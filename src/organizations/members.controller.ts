import { Body, Controller, Delete, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission } from '../authorization/route-access.decorator.js';
import type { Paginated } from '../common/pagination.js';
import {
  ListMembersQueryDto,
  MemberEmailParamsDto,
  MemberParamsDto,
  OrganizationMemberDto,
  UpdateMemberRoleDto,
} from './dto/member.dto.js';
import { MembersService } from './members.service.js';

@ApiTags('Organizations')
@Controller('org')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get('users')
  @RequirePermission('organization:view')
  @ApiOperation({ operationId: 'ListOrganizationMembers', summary: 'Members of your organization (paginated with page and pageSize)' })
  @ApiOkResponse({ description: '`{data: OrganizationMemberProfile[], pagination?}`', type: [OrganizationMemberDto] })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListMembersQueryDto): Promise<Paginated<OrganizationMemberDto>> {
    return this.members.list(principal, query);
  }

  @Get('users/email/:email')
  @RequirePermission('organization:view')
  @ApiOperation({ operationId: 'GetOrganizationMemberByEmail', summary: 'A member of your organization, by email' })
  @ApiOkResponse({ type: OrganizationMemberDto })
  getByEmail(@CurrentPrincipal() principal: Principal, @Param() params: MemberEmailParamsDto): Promise<OrganizationMemberDto> {
    return this.members.getByEmail(principal, params.email);
  }

  @Get('users/:userUuid')
  @RequirePermission('organization:view')
  @ApiOperation({ operationId: 'GetOrganizationMemberByUuid', summary: 'A member of your organization' })
  @ApiOkResponse({ type: OrganizationMemberDto })
  get(@CurrentPrincipal() principal: Principal, @Param() params: MemberParamsDto): Promise<OrganizationMemberDto> {
    return this.members.getByUuid(principal, params.userUuid);
  }

  @Patch('users/:userUuid')
  @RequirePermission('organization:manage')
  @AuditAction('member.role.update', 'user', 'userUuid')
  @ApiOperation({ operationId: 'UpdateOrganizationMember', summary: "Change a member's role (the organization keeps at least one admin)" })
  @ApiOkResponse({ type: OrganizationMemberDto })
  updateRole(
    @CurrentPrincipal() principal: Principal,
    @Param() params: MemberParamsDto,
    @Body() body: UpdateMemberRoleDto,
  ): Promise<OrganizationMemberDto> {
    return this.members.updateRole(principal, params.userUuid, body.role);
  }

  @Delete('user/:userUuid')
  @RequirePermission('organization:manage')
  @AuditAction('member.remove', 'user', 'userUuid')
  @ApiOperation({ operationId: 'DeleteOrganizationMember', summary: 'Remove a member with their group memberships, grants and sessions' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  remove(@CurrentPrincipal() principal: Principal, @Param() params: MemberParamsDto): Promise<void> {
    return this.members.remove(principal, params.userUuid);
  }
}
