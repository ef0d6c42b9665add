import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { Public } from '../auth/public.decorator.js';
import { RequirePermission } from '../authorization/route-access.decorator.js';
import { CreateInviteLinkDto, InviteCodeParamsDto, InviteLinkDto } from './dto/invite-link.dto.js';
import { InvitesService } from './invites.service.js';

@ApiTags('Organizations')
@Controller('invite-links')
export class InvitesController {
  constructor(private readonly invites: InvitesService) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('organization:manage')
  @AuditAction('invite.create', 'user')
  @ApiOperation({ operationId: 'CreateInviteLink', summary: 'Invite an email with a role (default expiry 3 days, at most 30); emails the link' })
  @ApiCreatedResponse({ type: InviteLinkDto })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateInviteLinkDto): Promise<InviteLinkDto> {
    return this.invites.create(principal, body);
  }

  @Public()
  @Get(':inviteCode')
  @ApiOperation({ operationId: 'GetInviteLink', summary: 'Check an invite code: 404 unknown or used, 406 expired' })
  @ApiOkResponse({ type: InviteLinkDto })
  check(@Param() params: InviteCodeParamsDto): Promise<InviteLinkDto> {
    return this.invites.check(params.inviteCode);
  }

  @Delete()
  @RequirePermission('organization:manage')
  @AuditAction('invite.revoke-all', 'organization')
  @ApiOperation({ operationId: 'RevokeAllInviteLinks', summary: "Revoke every pending invite of the organization" })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  revokeAll(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.invites.revokeAll(principal);
  }
}
