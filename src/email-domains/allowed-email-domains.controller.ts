import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission } from '../authorization/route-access.decorator.js';
import { AllowedEmailDomainsDto, UpdateAllowedEmailDomainsDto } from './dto/allowed-email-domains.dto.js';
import { EmailDomainsService } from './email-domains.service.js';

@ApiTags('Organizations')
@Controller('org/allowedEmailDomains')
export class AllowedEmailDomainsController {
  constructor(private readonly emailDomains: EmailDomainsService) {}

  @Get()
  @RequirePermission('organization:manage')
  @ApiOperation({ operationId: 'ListOrganizationEmailDomains', summary: 'Email domains whose users may join your organization, and the role they get' })
  @ApiOkResponse({ type: AllowedEmailDomainsDto })
  get(@CurrentPrincipal() principal: Principal): Promise<AllowedEmailDomainsDto> {
    return this.emailDomains.get(principal);
  }

  @Patch()
  @RequirePermission('organization:manage')
  @AuditAction('organization.email-domains.update', 'organization')
  @ApiOperation({
    operationId: 'UpdateOrganizationEmailDomains',
    summary: 'Replace the allowed email domains, their role and project roles (public email providers are refused)',
  })
  @ApiOkResponse({ type: AllowedEmailDomainsDto })
  update(@CurrentPrincipal() principal: Principal, @Body() body: UpdateAllowedEmailDomainsDto): Promise<AllowedEmailDomainsDto> {
    return this.emailDomains.update(principal, body);
  }
}
