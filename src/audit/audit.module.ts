import { Global, Module } from '@nestjs/common';
import { AuditRefusals } from './audit-action.js';
import { AuditService } from './audit.service.js';

@Global()
@Module({ providers: [AuditService, AuditRefusals], exports: [AuditService, AuditRefusals] })
export class AuditModule {}
