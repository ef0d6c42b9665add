import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { SelfOnly } from '../authorization/route-access.decorator.js';
import { JoinOrganizationParamsDto, UserAllowedOrganizationDto } from './dto/allowed-email-domains.dto.js';
import { EmailDomainsService } from './email-domains.service.js';

@ApiTags('My Account')
@Controller('user/me')
export class MyAllowedOrganizationsController {
  constructor(private readonly emailDomains: EmailDomainsService) {}

  @Get('allowedOrganizations')
  @SelfOnly()
  @ApiOperation({
    operationId: 'ListMyAvailableOrganizations',
    summary: 'Organizations that allow the domain of your verified email (empty once you belong to one)',
  })
  @ApiOkResponse({ type: [UserAllowedOrganizationDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<UserAllowedOrganizationDto[]> {
    return this.emailDomains.listAllowedOrganizations(principal);
  }

  @Post('joinOrganization/:organizationUuid')
  @SelfOnly()
  @HttpCode(200)
  @AuditAction('member.join', 'organization', 'organizationUuid')
  @ApiOperation({ operationId: 'JoinOrganization', summary: 'Join an organization that allows the domain of your verified email' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  join(@CurrentPrincipal() principal: Principal, @Param() params: JoinOrganizationParamsDto): Promise<void> {
    return this.emailDomains.join(principal, params.organizationUuid);
  }
}
