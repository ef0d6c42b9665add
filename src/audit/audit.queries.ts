import type { EntityManager } from 'typeorm';
import type { PageWindow } from '../common/pagination.js';
import type { AuditLogEntryDto } from './dto/audit-log.dto.js';

// The SQL of the audit trail (table audit_logs). AuditService and AuditLogService hold the rules.

/** One entry of the trail as stored. */
export interface AuditLogRow {
  organizationUuid: string;
  actorUserUuid: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetUuid: string | null;
  outcome: string;
  statusCode: number | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** Appends the entry, in the caller's transaction. */
export async function insertAuditEntry(manager: EntityManager, entry: AuditLogRow): Promise<void> {
  await manager.query(
    `INSERT INTO audit_logs (organization_uuid, actor_user_uuid, actor_email, action, target_type, target_uuid, outcome, status_code, request_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      entry.organizationUuid,
      entry.actorUserUuid,
      entry.actorEmail,
      entry.action,
      entry.targetType,
      entry.targetUuid,
      entry.outcome,
      entry.statusCode,
      entry.requestId,
      JSON.stringify(entry.details),
    ],
  );
}

/** What a page of the trail is filtered by; null: any. */
export interface AuditLogFilter {
  actorUuid: string | null;
  targetUuid: string | null;
  /** a LIKE pattern */
  actionPattern: string | null;
  outcome: string | null;
  /** entries at or after */
  from: string | null;
  /** entries before */
  to: string | null;
}

/** One page of the organization's trail, newest first, with the number of entries the filter matches (none without an organization). */
export async function selectAuditLogPage(
  manager: EntityManager,
  organizationUuid: string | null,
  filter: AuditLogFilter,
  window: PageWindow,
): Promise<{ entries: AuditLogEntryDto[]; total: number }> {
  const rows: (AuditLogEntryDto & { total: string })[] = await manager.query(
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
    [organizationUuid, window.limit, window.offset, filter.actorUuid, filter.targetUuid, filter.actionPattern, filter.outcome, filter.from, filter.to],
  );
  return { entries: rows.map(({ total: _total, ...entry }) => entry), total: rows.length ? Number(rows[0].total) : 0 };
}
