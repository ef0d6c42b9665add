import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { escapeLike, type Paginated, paginated, pageWindow } from '../common/pagination.js';
import { selectAuditLogPage } from './audit.queries.js';
import type { AuditLogEntryDto, AuditLogQueryDto } from './dto/audit-log.dto.js';

const DEFAULT_PAGE_SIZE = 100;

@Injectable()
export class AuditLogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest first; always paginated (100 a page unless asked), since the trail only grows. */
  async list(principal: Principal, query: AuditLogQueryDto): Promise<Paginated<AuditLogEntryDto>> {
    const window = pageWindow({ page: query.page || 1, pageSize: query.pageSize || DEFAULT_PAGE_SIZE })!;
    const actionPattern = query.action === undefined ? null : escapeLike(query.action) + (query.action.endsWith('.') ? '%' : '');
    const { entries, total } = await selectAuditLogPage(
      this.dataSource.manager,
      principal.organizationUuid,
      {
        actorUuid: query.actorUuid ?? null,
        targetUuid: query.targetUuid ?? null,
        actionPattern,
        outcome: query.outcome ?? null,
        from: query.from ?? null,
        to: query.to ?? null,
      },
      window,
    );
    return paginated(entries, total, window);
  }
}
