import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission } from '../authorization/route-access.decorator.js';
import type { Paginated } from '../common/pagination.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditLogEntryDto, AuditLogQueryDto } from './dto/audit-log.dto.js';

@ApiTags('Organizations')
@Controller('org/audit-logs')
export class AuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get()
  @RequirePermission('organization:manage')
  @ApiOperation({
    operationId: 'ListAuditLogs',
    summary: 'The audit trail: every change to the organization, its members, invites and groups, and every refused attempt',
  })
  @ApiOkResponse({ type: [AuditLogEntryDto], description: '`{data: AuditLogEntry[], pagination}`, newest first' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: AuditLogQueryDto): Promise<Paginated<AuditLogEntryDto>> {
    return this.auditLog.list(principal, query);
  }
}
