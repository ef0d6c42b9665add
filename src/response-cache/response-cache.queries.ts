import type { DataSource } from 'typeorm';
import { sessionLive, slideSessionSql, stampTokenSql, tokenLive } from '../auth/credential.sql.js';
import type { PresentedCredential } from '../auth/request-context.js';
import type { PreparedSql } from '../database/sql.js';

// The SQL of the response cache: the revalidation of an entry (one statement per hit) and the
// pruning of the change log. ResponseCache holds the rules.

/** How long an entry may be served at all; the change log keeps what it needs for this long. */
export const RESPONSE_CACHE_MAX_AGE_SECONDS = 300;

// Did a transaction that wrote data of the entry's organization, or data of every organization
// (organization_id NULL), commit after the entry's snapshot? Such a transaction either started after
// it (xid >= xmax: an index probe per organization) or was running when it was taken (in xip: an
// index probe per running transaction), however long a transaction older than the snapshot stays
// open. The entry's organization is the caller's when it was read ($6) and the caller's now (a
// resolved caller may be a few seconds old; a move between organizations writes both). Another
// organization's writes are never looked at, so they neither drop the entry nor show in whether it
// is served. The entry must also be younger than the maximum age and come from this very
// PostgreSQL server.
// The later transactions are found through each organization's latest change: one backward probe of
// the (organization_id, xid) index. Asked as `organization_id = ANY (…) AND xid >= …`, the prepared
// (generic) plan cannot see how recent the snapshot is and read the whole change log on every hit,
// so a hit grew slower with every write of the last minutes.
const ENTRY_ORGANIZATIONS = 'ARRAY[$6::bigint, (SELECT m.organization_id FROM organization_memberships m WHERE m.user_id = $2)]';
const UNCHANGED_SINCE = `
  now() < $4::timestamptz + make_interval(secs => ${RESPONSE_CACHE_MAX_AGE_SECONDS})
  AND pg_postmaster_start_time() = $5::timestamptz
  AND NOT EXISTS (SELECT 1 FROM unnest(${ENTRY_ORGANIZATIONS}) AS entry_organization(id)
                    CROSS JOIN LATERAL (SELECT d.xid FROM data_changes d WHERE d.organization_id = entry_organization.id
                                        ORDER BY d.xid DESC LIMIT 1) latest
                    WHERE latest.xid >= pg_snapshot_xmax($3::pg_snapshot))
  AND NOT EXISTS (SELECT 1 FROM data_changes WHERE organization_id IS NULL AND xid >= pg_snapshot_xmax($3::pg_snapshot))
  AND NOT EXISTS (SELECT 1 FROM data_changes WHERE xid = ANY (ARRAY(SELECT pg_snapshot_xip($3::pg_snapshot)))
                    AND (organization_id IS NULL OR organization_id = ANY (${ENTRY_ORGANIZATIONS})))`;

const ACTIVE_USER = 'EXISTS (SELECT 1 FROM users u WHERE u.user_id = $2 AND u.is_active)';

// The credential checks and last-use stamps of the principal lookup, for one known user ($2).
const REVALIDATE_SQL: Record<PresentedCredential['via'], string> = {
  session: `
    WITH touched AS (${slideSessionSql(`token_hash = $1 AND user_id = $2 AND ${ACTIVE_USER}`, '$7')})
    SELECT EXISTS (SELECT 1 FROM sessions s WHERE s.token_hash = $1 AND s.user_id = $2 AND ${sessionLive('s')}) AND ${ACTIVE_USER} AS live,
           ${UNCHANGED_SINCE} AS fresh,
           EXISTS (SELECT 1 FROM touched) AS refreshed`,
  personal_access_token: `
    WITH touched AS (${stampTokenSql(`token_hash = $1 AND user_id = $2 AND ${ACTIVE_USER}`)})
    SELECT EXISTS (SELECT 1 FROM personal_access_tokens t WHERE t.token_hash = $1 AND t.user_id = $2 AND ${tokenLive('t')}) AND ${ACTIVE_USER} AS live,
           ${UNCHANGED_SINCE} AS fresh,
           false AS refreshed`,
};

/** The row of the revalidation statement. */
export interface RevalidationRow {
  /** the credential is live and still the user's, and the user is active */
  live: boolean;
  /** nothing committed since the entry's snapshot, and the entry is younger than the maximum age */
  fresh: boolean;
  /** a session's expiry was just extended: its cookie must be sent again */
  refreshed: boolean;
}

/** What an entry was read as: for whom, in which snapshot, when and on which server. */
export interface EntryReadAt {
  userId: string;
  organizationId: string;
  snapshot: string;
  checkedAt: string;
  serverStartedAt: string;
}

/**
 * One statement: is the credential (its digest, `via`) still live for the entry's user, and has
 * nothing of the entry's organization changed since it was read? A session's expiry slides by
 * `sessionMaxAgeHours` at most once a minute, a token's last use is stamped.
 */
export async function selectRevalidation(
  sql: PreparedSql,
  credential: Pick<PresentedCredential, 'via' | 'digest'>,
  entry: EntryReadAt,
  sessionMaxAgeHours: number,
): Promise<RevalidationRow> {
  const values: unknown[] = [credential.digest, entry.userId, entry.snapshot, entry.checkedAt, entry.serverStartedAt, entry.organizationId];
  if (credential.via === 'session') values.push(sessionMaxAgeHours);
  const [row] = await sql.rows<RevalidationRow>(`response-cache-${credential.via}`, REVALIDATE_SQL[credential.via], values);
  return row;
}

/**
 * Stamps the change-log rows whose transaction is over (its commit is then in the past). The stamp
 * is the clock at execution, after the statement's snapshot, never its (possibly much earlier)
 * start: a stamp must not predate the commit.
 */
export async function settleChanges(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `UPDATE data_changes SET settled_at = clock_timestamp() WHERE settled_at IS NULL AND xid < pg_snapshot_xmin(pg_current_snapshot())`,
  );
}

/** Deletes the change-log rows stamped more than a maximum age (and a minute) ago. */
export async function deleteSettledChanges(dataSource: DataSource): Promise<void> {
  await dataSource.query(`DELETE FROM data_changes WHERE settled_at < now() - make_interval(secs => ${RESPONSE_CACHE_MAX_AGE_SECONDS + 60})`);
}
