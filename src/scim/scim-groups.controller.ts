import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { CurrentScimPrincipal, type ScimPrincipal } from '../auth/principal.js';
import { RequireScimToken } from '../authorization/route-access.decorator.js';
import type { ScimGroup } from './dto/scim-group.dto.js';
import { ScimListQueryDto, type ScimListResponse } from './dto/scim-list.dto.js';
import { ScimEndpoint } from './scim-http.js';
import { ScimGroupsService } from './scim-groups.service.js';

const GROUP_BODY = { schema: { type: 'object', example: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Analysts', members: [] } } };
const PATCH_BODY = {
  schema: {
    type: 'object',
    example: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: '<userUuid>' }] }] },
  },
};

/** SCIM Groups of the token's organization: the same groups as /api/v1/groups. */
@ScimEndpoint()
@RequireScimToken()
@Controller('scim/v2/Groups')
export class ScimGroupsController {
  constructor(private readonly groups: ScimGroupsService) {}

  @Get()
  @ApiOperation({ operationId: 'GetScimGroups', summary: 'Groups, filtered (displayName eq …) and paged' })
  list(@CurrentScimPrincipal() scim: ScimPrincipal, @Query() query: ScimListQueryDto): Promise<ScimListResponse<ScimGroup>> {
    return this.groups.list(scim, query);
  }

  @Post()
  @HttpCode(201)
  @ApiBody(GROUP_BODY)
  @ApiOperation({ operationId: 'CreateScimGroup', summary: 'Create a group, optionally with members (409 uniqueness on a taken name)' })
  create(@CurrentScimPrincipal() scim: ScimPrincipal, @Body() body: unknown): Promise<ScimGroup> {
    return this.groups.create(scim, body);
  }

  @Get(':groupUuid')
  @ApiOperation({ operationId: 'GetScimGroup', summary: 'One group with its members' })
  get(@CurrentScimPrincipal() scim: ScimPrincipal, @Param('groupUuid') groupUuid: string): Promise<ScimGroup> {
    return this.groups.get(scim, groupUuid);
  }

  @Put(':groupUuid')
  @ApiBody(GROUP_BODY)
  @ApiOperation({ operationId: 'ReplaceScimGroup', summary: 'Rename; replace the members when `members` is sent' })
  replace(@CurrentScimPrincipal() scim: ScimPrincipal, @Param('groupUuid') groupUuid: string, @Body() body: unknown): Promise<ScimGroup> {
    return this.groups.replace(scim, groupUuid, body);
  }

  @Patch(':groupUuid')
  @ApiBody(PATCH_BODY)
  @ApiOperation({ operationId: 'UpdateScimGroup', summary: 'Add, remove or replace members, or rename, with PatchOp operations' })
  patch(@CurrentScimPrincipal() scim: ScimPrincipal, @Param('groupUuid') groupUuid: string, @Body() body: unknown): Promise<ScimGroup> {
    return this.groups.patch(scim, groupUuid, body);
  }

  @Delete(':groupUuid')
  @HttpCode(204)
  @ApiOperation({ operationId: 'DeleteScimGroup', summary: 'Delete the group' })
  delete(@CurrentScimPrincipal() scim: ScimPrincipal, @Param('groupUuid') groupUuid: string): Promise<void> {
    return this.groups.delete(scim, groupUuid);
  }
}
