import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { CurrentScimPrincipal, type ScimPrincipal } from '../auth/principal.js';
import { RequireScimToken } from '../authorization/route-access.decorator.js';
import { ScimListQueryDto, type ScimListResponse } from './dto/scim-list.dto.js';
import type { ScimUser } from './dto/scim-user.dto.js';
import { ScimEndpoint } from './scim-http.js';
import { ScimUsersService } from './scim-users.service.js';

const USER_BODY = { schema: { type: 'object', example: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'kim@example.org', name: { givenName: 'Kim', familyName: 'Lee' }, active: true } } };
const PATCH_BODY = {
  schema: { type: 'object', example: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] } },
};

/** SCIM Users (RFC 7644 §3) of the token's organization; bodies are read by the service (SCIM clients send attributes we ignore). */
@ScimEndpoint()
@RequireScimToken()
@Controller('scim/v2/Users')
export class ScimUsersController {
  constructor(private readonly users: ScimUsersService) {}

  @Get()
  @ApiOperation({ operationId: 'GetScimUsers', summary: 'Members, filtered (userName, emails.value, externalId … with eq, and, or) and paged (startIndex, count)' })
  list(@CurrentScimPrincipal() scim: ScimPrincipal, @Query() query: ScimListQueryDto): Promise<ScimListResponse<ScimUser>> {
    return this.users.list(scim, query);
  }

  @Post()
  @HttpCode(201)
  @ApiBody(USER_BODY)
  @ApiOperation({ operationId: 'CreateScimUser', summary: 'Provision a user (409 uniqueness when the email already has an account in an organization)' })
  create(@CurrentScimPrincipal() scim: ScimPrincipal, @Body() body: unknown): Promise<ScimUser> {
    return this.users.create(scim, body);
  }

  @Get(':userUuid')
  @ApiOperation({ operationId: 'GetScimUser', summary: 'One member' })
  get(@CurrentScimPrincipal() scim: ScimPrincipal, @Param('userUuid') userUuid: string): Promise<ScimUser> {
    return this.users.get(scim, userUuid);
  }

  @Put(':userUuid')
  @ApiBody(USER_BODY)
  @ApiOperation({ operationId: 'UpdateScimUser', summary: 'Replace a member (active:false deactivates them)' })
  replace(@CurrentScimPrincipal() scim: ScimPrincipal, @Param('userUuid') userUuid: string, @Body() body: unknown): Promise<ScimUser> {
    return this.users.replace(scim, userUuid, body);
  }

  @Patch(':userUuid')
  @ApiBody(PATCH_BODY)
  @ApiOperation({ operationId: 'PatchScimUser', summary: 'Change a member with PatchOp operations' })
  patch(@CurrentScimPrincipal() scim: ScimPrincipal, @Param('userUuid') userUuid: string, @Body() body: unknown): Promise<ScimUser> {
    return this.users.patch(scim, userUuid, body);
  }

  @Delete(':userUuid')
  @HttpCode(204)
  @ApiOperation({ operationId: 'DeleteScimUser', summary: 'Delete the account (the last admin is refused)' })
  delete(@CurrentScimPrincipal() scim: ScimPrincipal, @Param('userUuid') userUuid: string): Promise<void> {
    return this.users.delete(scim, userUuid);
  }
}
