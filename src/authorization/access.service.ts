import { Injectable } from '@nestjs/common';
import { PreparedSql } from '../database/sql.js';

/**
 * Access questions answered in SQL, one round trip each (prepared statements on the hot path).
 * Answers are "the organization the object belongs to" plus the caller's effective role there, so
 * the guard can tell "not yours" (404) from "not allowed" (403).
 */
@Injectable()
export class AccessService {
  constructor(private readonly sql: PreparedSql) {}

  /** The organization id of a group, or undefined when there is no such group. */
  async groupOrganizationId(groupUuid: string): Promise<string | undefined> {
    const [row] = await this.sql.rows<{ organizationId: string }>(
      'group-organization',
      'SELECT organization_id::text AS "organizationId" FROM groups WHERE group_uuid = $1',
      [groupUuid],
    );
    return row?.organizationId;
  }
}
