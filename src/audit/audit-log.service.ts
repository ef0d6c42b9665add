import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { escapeLike, type Paginated, paginated, pageWindow } from '../common/pagination.js';
import type { AuditLogEntryDto, AuditLogQueryDto } from './dto/audit-log.dto.js';

const DEFAULT_PAGE_SIZE = 100;

@Injectable()
export class AuditLogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest first; always paginated (100 a page unless asked), since the trail only grows. */
  async list(principal: Principal, query: AuditLogQueryDto): Promise<Paginated<AuditLogEntryDto>> {
    const window = pageWindow({ page: query.page || 1, pageSize: query.pageSize || DEFAULT_PAGE_SIZE })!;
    const actionPattern = query.action === undefined ? null : escapeLike(query.action) + (query.action.endsWith('.') ? '%' : '');
    const rows = await this.dataSource.query(
      `SELECT audit_log_uuid AS uuid, created_at AS "createdAt",
              CASE WHEN actor_user_uuid IS NULL THEN NULL ELSE json_build_object('userUuid', actor_user_uuid, 'email', actor_email) END AS actor,
              action, target_type AS "targetType", target_uuid AS "targetUuid", outcome, status_code AS "statusCode",
              request_id AS "requestId", details, count(*) OVER () AS total
       FROM audit_logs
       WHERE organization_uuid = $1
         AND ($4::uuid IS NULL OR actor_user_uuid = $4)
         AND ($5::text IS NULL OR target_uuid = $5)
         AND ($6::text IS NULL OR action LIKE $6)
         AND ($7::text IS NULL OR outcome = $7)
         AND ($8::timestamptz IS NULL OR created_at >= $8)
         AND ($9::timestamptz IS NULL OR created_at < $9)
       ORDER BY created_at DESC, audit_log_id DESC
       LIMIT $2 OFFSET $3`,
      [
        principal.organizationUuid,
        window.limit,
        window.offset,
        query.actorUuid ?? null,
        query.targetUuid ?? null,
        actionPattern,
        query.outcome ?? null,
        query.from ?? null,
        query.to ?? null,
      ],
    );
    const total = rows.length ? Number(rows[0].total) : 0;
    return paginated(
      rows.map(({ total: _total, ...entry }: AuditLogEntryDto & { total: string }) => entry),
      total,
      window,
    );
  }
}
