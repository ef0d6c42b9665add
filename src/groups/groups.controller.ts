import { Body, Controller, Delete, Get, Param, Patch, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission } from '../authorization/route-access.decorator.js';
import { GroupMemberDto, GroupWithMembersDto } from './dto/group.dto.js';
import { UpdateGroupDto } from './dto/group-input.dto.js';
import { GetGroupQueryDto, GroupMemberParamsDto, GroupParamsDto } from './dto/group-request.dto.js';
import { GroupsService } from './groups.service.js';

const GROUP = { type: 'group', param: 'groupUuid' } as const;

@ApiTags('User Groups')
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get(':groupUuid')
  @RequirePermission('groups:view', GROUP)
  @ApiOperation({ operationId: 'getGroup', summary: 'A group with its members' })
  @ApiOkResponse({ type: GroupWithMembersDto })
  get(@CurrentPrincipal() principal: Principal, @Param() params: GroupParamsDto, @Query() query: GetGroupQueryDto): Promise<GroupWithMembersDto> {
    return this.groups.get(principal, params.groupUuid, query);
  }

  @Patch(':groupUuid')
  @RequirePermission('groups:manage', GROUP)
  @AuditAction('group.update', 'group', 'groupUuid')
  @ApiOperation({ operationId: 'updateGroup', summary: 'Change the name, description or icon, or replace the members' })
  @ApiOkResponse({ type: GroupWithMembersDto })
  update(@CurrentPrincipal() principal: Principal, @Param() params: GroupParamsDto, @Body() body: UpdateGroupDto): Promise<GroupWithMembersDto> {
    return this.groups.update(principal, params.groupUuid, body);
  }

  @Delete(':groupUuid')
  @RequirePermission('groups:manage', GROUP)
  @AuditAction('group.delete', 'group', 'groupUuid')
  @ApiOperation({ operationId: 'deleteGroup', summary: 'Delete the group and its memberships' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  delete(@CurrentPrincipal() principal: Principal, @Param() params: GroupParamsDto): Promise<void> {
    return this.groups.delete(principal, params.groupUuid);
  }

  @Get(':groupUuid/members')
  @RequirePermission('groups:view', GROUP)
  @ApiOperation({ operationId: 'getGroupMembers', summary: 'Members of the group, by name' })
  @ApiOkResponse({ type: [GroupMemberDto] })
  listMembers(@CurrentPrincipal() principal: Principal, @Param() params: GroupParamsDto): Promise<GroupMemberDto[]> {
    return this.groups.listMembers(principal, params.groupUuid);
  }

  @Put(':groupUuid/members/:userUuid')
  @RequirePermission('groups:manage', GROUP)
  @AuditAction('group.member.add', 'group', 'groupUuid')
  @ApiOperation({
    operationId: 'addUserToGroup',
    summary: 'Add a member of your organization to the group (400 for anyone else, unlike the peer API, which ignores them)',
  })
  @ApiCreatedResponse({ description: '`{"status":"ok"}`: added' })
  @ApiNoContentResponse({ description: 'Already a member, or no member of the organization (nothing changes); no body' })
  async addMember(
    @CurrentPrincipal() principal: Principal,
    @Param() params: GroupMemberParamsDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const added = await this.groups.addMember(principal, params.groupUuid, params.userUuid);
    reply.status(added ? 201 : 204);
  }

  @Delete(':groupUuid/members/:userUuid')
  @RequirePermission('groups:manage', GROUP)
  @AuditAction('group.member.remove', 'group', 'groupUuid')
  @ApiOperation({ operationId: 'removeUserFromGroup', summary: 'Remove a member from the group' })
  @ApiOkResponse({ description: '`{"status":"ok"}`: removed' })
  @ApiNoContentResponse({ description: 'Was not a member; no body' })
  async removeMember(
    @CurrentPrincipal() principal: Principal,
    @Param() params: GroupMemberParamsDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const removed = await this.groups.removeMember(principal, params.groupUuid, params.userUuid);
    reply.status(removed ? 200 : 204);
  }
}
