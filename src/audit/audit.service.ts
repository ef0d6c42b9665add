import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { currentRequest, type RequestContext } from '../auth/request-context.js';
import { insertAuditEntry } from './audit.queries.js';

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
    await insertAuditEntry(manager, {
      organizationUuid,
      actorUserUuid: principal?.userUuid ?? null,
      actorEmail: principal?.email ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetUuid: entry.targetUuid ?? null,
      outcome,
      statusCode: statusCode ?? null,
      requestId: context?.requestId ?? null,
      details,
    });
  }
}
