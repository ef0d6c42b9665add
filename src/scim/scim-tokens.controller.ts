import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { SessionOnly } from '../auth/session-only.decorator.js';
import { RequirePermission } from '../authorization/route-access.decorator.js';
import { CreateScimTokenDto, RotateScimTokenDto, ScimTokenDto, ScimTokenParamsDto, ScimTokenWithTokenDto } from './dto/scim-token.dto.js';
import { ScimTokensService } from './scim-tokens.service.js';

/** An organization's SCIM tokens (Lightdash's organization access tokens), for its admins. */
@ApiTags('SCIM')
@Controller('scim/organization-access-tokens')
export class ScimTokensController {
  constructor(private readonly tokens: ScimTokensService) {}

  @Get()
  @RequirePermission('organization:manage')
  @ApiOperation({ operationId: 'GetScimOrganizationAccessTokens', summary: "The organization's SCIM tokens, newest first (never their values)" })
  @ApiOkResponse({ type: [ScimTokenDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<ScimTokenDto[]> {
    return this.tokens.list(principal);
  }

  @Get(':tokenUuid')
  @RequirePermission('organization:manage')
  @ApiOperation({ operationId: 'GetScimOrganizationAccessToken', summary: 'One SCIM token (never its value)' })
  @ApiOkResponse({ type: ScimTokenDto })
  get(@CurrentPrincipal() principal: Principal, @Param() params: ScimTokenParamsDto): Promise<ScimTokenDto> {
    return this.tokens.get(principal, params.tokenUuid);
  }

  @Post()
  @HttpCode(201)
  @SessionOnly()
  @RequirePermission('organization:manage')
  @AuditAction('scim.token.create', 'scim_token')
  @ApiOperation({ operationId: 'CreateScimOrganizationAccessToken', summary: 'Create a SCIM token; its value is shown only in this answer' })
  @ApiCreatedResponse({ type: ScimTokenWithTokenDto })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateScimTokenDto): Promise<ScimTokenWithTokenDto> {
    return this.tokens.create(principal, body);
  }

  @Patch(':tokenUuid/rotate')
  @SessionOnly()
  @RequirePermission('organization:manage')
  @AuditAction('scim.token.rotate', 'scim_token', 'tokenUuid')
  @ApiOperation({
    operationId: 'RotateScimOrganizationAccessToken',
    summary: 'Replace the value of an expiring SCIM token (at most once an hour); the old value stops working at once',
  })
  @ApiOkResponse({ type: ScimTokenWithTokenDto })
  rotate(@CurrentPrincipal() principal: Principal, @Param() params: ScimTokenParamsDto, @Body() body: RotateScimTokenDto): Promise<ScimTokenWithTokenDto> {
    return this.tokens.rotate(principal, params.tokenUuid, body);
  }

  @Delete(':tokenUuid')
  @SessionOnly()
  @RequirePermission('organization:manage')
  @AuditAction('scim.token.delete', 'scim_token', 'tokenUuid')
  @ApiOperation({ operationId: 'DeleteScimOrganizationAccessToken', summary: 'Delete a SCIM token; it stops working at once' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  delete(@CurrentPrincipal() principal: Principal, @Param() params: ScimTokenParamsDto): Promise<void> {
    return this.tokens.delete(principal, params.tokenUuid);
  }
}
