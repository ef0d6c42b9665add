import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { currentRequest, type RequestContext } from '../auth/request-context.js';

export type AuditOutcome = 'success' | 'denied' | 'failed';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetUuid?: string | null;
  details?: Record<string, unknown>;
  /** Defaults to the caller's organization (give it when the caller has none yet, e.g. creating one). */
  organizationUuid?: string;
}

/**
 * The audit trail: who did what to which object, when, with what outcome and request id. Changes
 * are recorded with the manager of their own transaction, so the entry exists exactly when the
 * change does; refusals are recorded on their own, since their transaction (if any) rolled back.
 */
@Injectable()
export class AuditService {
  async record(
    manager: EntityManager,
    entry: AuditEntry,
    outcome: AuditOutcome = 'success',
    statusCode?: number,
    context: RequestContext | undefined = currentRequest(),
  ): Promise<void> {
    const principal = context?.principal;
    const scim = context?.scimPrincipal;
    const organizationUuid = entry.organizationUuid ?? principal?.organizationUuid ?? scim?.organizationUuid;
    if (!organizationUuid) return;
    // a SCIM token is no user: the entry has no actor, and names the token in its details
    const details = scim ? { ...entry.details, scimTokenUuid: scim.scimTokenUuid } : (entry.details ?? {});
    await manager.query(
      `INSERT INTO audit_logs (organization_uuid, actor_user_uuid, actor_email, action, target_type, target_uuid, outcome, status_code, request_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        organizationUuid,
        principal?.userUuid ?? null,
        principal?.email ?? null,
        entry.action,
        entry.targetType ?? null,
        entry.targetUuid ?? null,
        outcome,
        statusCode ?? null,
        context?.requestId ?? null,
        JSON.stringify(details),
      ],
    );
  }
}
