import { Global, Module } from '@nestjs/common';
import { AuditRefusals } from './audit-action.js';
import { AuditLogController } from './audit-log.controller.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditService } from './audit.service.js';

@Global()
@Module({
  controllers: [AuditLogController],
  providers: [AuditService, AuditRefusals, AuditLogService],
  exports: [AuditService, AuditRefusals],
})
export class AuditModule {}
