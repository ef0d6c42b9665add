import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission } from '../authorization/route-access.decorator.js';
import type { JsonText } from '../common/json-text.js';
import { GroupPageDto, GroupWithMembersDto } from './dto/group.dto.js';
import { CreateGroupDto } from './dto/group-input.dto.js';
import { ListGroupsQueryDto } from './dto/group-request.dto.js';
import { GroupsService } from './groups.service.js';

@ApiTags('Organizations')
@Controller('org/groups')
export class OrganizationGroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('groups:manage')
  @AuditAction('group.create', 'group')
  @ApiOperation({ operationId: 'CreateGroupInOrganization', summary: 'Create a group, optionally with members (409 when the name is taken, ignoring case)' })
  @ApiCreatedResponse({ type: GroupWithMembersDto })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateGroupDto): Promise<GroupWithMembersDto> {
    return this.groups.create(principal, body);
  }

  @Get()
  @RequirePermission('organization:view')
  @ApiOperation({
    operationId: 'ListGroupsInOrganization',
    summary: 'Groups of your organization, oldest first (paginated with page and pageSize); an empty page unless you are an organization admin',
  })
  @ApiOkResponse({ type: GroupPageDto })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListGroupsQueryDto): Promise<JsonText> {
    return this.groups.list(principal, query);
  }
}
