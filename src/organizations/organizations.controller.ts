import { Body, Controller, Delete, Get, Param, Patch, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission, SelfOnly } from '../authorization/route-access.decorator.js';
import { OrganizationUuidParamsDto } from './dto/member.dto.js';
import { CreateOrganizationDto, OrganizationDto, UpdateOrganizationDto } from './dto/organization.dto.js';
import { OrganizationsService } from './organizations.service.js';

@ApiTags('Organizations')
@Controller('org')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @RequirePermission('organization:view')
  @ApiOperation({ operationId: 'GetMyOrganization', summary: 'Your organization' })
  @ApiOkResponse({ type: OrganizationDto })
  get(@CurrentPrincipal() principal: Principal): Promise<OrganizationDto> {
    return this.organizations.get(principal);
  }

  @Put()
  @SelfOnly()
  @AuditAction('organization.create', 'organization')
  @ApiOperation({ operationId: 'CreateOrganization', summary: 'Create an organization; you become its admin (users without an organization only)' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateOrganizationDto): Promise<void> {
    return this.organizations.create(principal, body);
  }

  @Patch()
  @RequirePermission('organization:manage')
  @AuditAction('organization.update', 'organization')
  @ApiOperation({ operationId: 'UpdateMyOrganization', summary: 'Rename the organization or change its chart colours' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  update(@CurrentPrincipal() principal: Principal, @Body() body: UpdateOrganizationDto): Promise<void> {
    return this.organizations.update(principal, body);
  }

  @Delete(':organizationUuid')
  @RequirePermission('organization:manage', { type: 'organization', param: 'organizationUuid' })
  @AuditAction('organization.delete', 'organization', 'organizationUuid')
  @ApiOperation({ operationId: 'DeleteMyOrganization', summary: 'Delete the organization, its groups, invites and memberships' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  delete(@CurrentPrincipal() principal: Principal, @Param() _params: OrganizationUuidParamsDto): Promise<void> {
    return this.organizations.delete(principal);
  }
}
