import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { PresentedCredential } from '../auth/request-context.js';
import { sessionLive, slideSessionSql, stampTokenSql, tokenLive } from '../auth/credential.sql.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { PreparedSql } from '../database/sql.js';
import type { ReadAt } from '../database/read-at.js';

/** How long an entry may be served at all; the change log keeps what it needs for this long. */
export const RESPONSE_CACHE_MAX_AGE_SECONDS = 300;
const PRUNE_EVERY_MS = 60_000;

export interface CachedResponse extends ReadAt {
  /** the response body, encoded once: a hit writes these bytes as they are */
  payload: Buffer;
  contentType: string;
  userId: string;
  /** the caller's organization: only its writes (and unattributed ones) make the entry stale */
  organizationId: string;
}

export interface Revalidation {
  /** the credential is live and still the user's, and the user is active */
  live: boolean;
  /** nothing committed since the entry's snapshot, and the entry is younger than the maximum age */
  fresh: boolean;
  /** a session's expiry was just extended: its cookie must be sent again */
  refreshed: boolean;
}

// Did a transaction that wrote data of the entry's organization, or data of every organization
// (organization_id NULL), commit after the entry's snapshot? Such a transaction either started after
// it (xid >= xmax: an index probe per organization) or was running when it was taken (in xip: an
// index probe per running transaction), however long a transaction older than the snapshot stays
// open. The entry's organization is the caller's when it was read ($6) and the caller's now (a
// resolved caller may be a few seconds old; a move between organizations writes both). Another
// organization's writes are never looked at, so they neither drop the entry nor show in whether it
// is served. The entry must also be younger than the maximum age and come from this very
// PostgreSQL server.
const ENTRY_ORGANIZATIONS = 'ARRAY[$6::bigint, (SELECT m.organization_id FROM organization_memberships m WHERE m.user_id = $2)]';
const UNCHANGED_SINCE = `
  now() < $4::timestamptz + make_interval(secs => ${RESPONSE_CACHE_MAX_AGE_SECONDS})
  AND pg_postmaster_start_time() = $5::timestamptz
  AND NOT EXISTS (SELECT 1 FROM data_changes WHERE organization_id = ANY (${ENTRY_ORGANIZATIONS}) AND xid >= pg_snapshot_xmax($3::pg_snapshot))
  AND NOT EXISTS (SELECT 1 FROM data_changes WHERE organization_id IS NULL AND xid >= pg_snapshot_xmax($3::pg_snapshot))
  AND NOT EXISTS (SELECT 1 FROM data_changes WHERE xid = ANY (ARRAY(SELECT pg_snapshot_xip($3::pg_snapshot)))
                    AND (organization_id IS NULL OR organization_id = ANY (${ENTRY_ORGANIZATIONS})))`;

const ACTIVE_USER = 'EXISTS (SELECT 1 FROM users u WHERE u.user_id = $2 AND u.is_active)';

// The credential checks and last-use stamps of PrincipalLookupService, for one known user ($2).
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

/**
 * Responses of routes marked @CachedResponse(), kept in memory by credential and URL, each with the
 * database snapshot its access check was answered in. Before an entry is served again, one
 * statement re-checks the credential and asks whether any transaction that wrote application data of
 * the entry's organization (or data nobody could attribute) committed since that snapshot
 * (`data_changes`, filled by triggers); if one did, the entry is
 * dropped and the request is answered as usual. So an entry is only ever served while the database
 * would give the same answer, on every replica. Least recently used entries go first when the byte
 * budget (RESPONSE_CACHE_MB) is reached.
 */
@Injectable()
export class ResponseCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly entries = new Map<string, CachedResponse>();
  private bytes = 0;
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly logger = new Logger(ResponseCache.name);

  constructor(
    private readonly sql: PreparedSql,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  get enabled(): boolean {
    return this.config.responseCacheBytes > 0;
  }

  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Map iteration follows insertion order: re-inserting keeps the least recently used first
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CachedResponse): void {
    const size = sizeOf(key, entry);
    this.delete(key);
    // one response may take at most a quarter of the budget, so a few huge lists cannot flush the rest
    if (size > this.config.responseCacheBytes / 4) return;
    while (this.bytes + size > this.config.responseCacheBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
    this.entries.set(key, entry);
    this.bytes += size;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= sizeOf(key, entry);
  }

  /** One statement: may `entry` be served to the holder of `credential`? */
  async revalidate(entry: CachedResponse, credential: PresentedCredential): Promise<Revalidation> {
    const values: unknown[] = [credential.digest, entry.userId, entry.snapshot, entry.checkedAt, entry.serverStartedAt, entry.organizationId];
    if (credential.via === 'session') values.push(this.config.sessionMaxAgeHours);
    const [row] = await this.sql.rows<Revalidation>(`response-cache-${credential.via}`, REVALIDATE_SQL[credential.via], values);
    return row;
  }

  /**
   * Forgets change-log rows no entry can need any more. A row is first stamped once its transaction
   * is over (its commit is then in the past), and deleted a maximum age after that stamp: by then
   * every entry read before that commit has expired. The stamp is the clock at execution, after the
   * statement's snapshot, never its (possibly much earlier) start: a stamp must not predate the commit.
   */
  async pruneChanges(): Promise<void> {
    await this.dataSource.query(
      `UPDATE data_changes SET settled_at = clock_timestamp() WHERE settled_at IS NULL AND xid < pg_snapshot_xmin(pg_current_snapshot())`,
    );
    await this.dataSource.query(
      `DELETE FROM data_changes WHERE settled_at < now() - make_interval(secs => ${RESPONSE_CACHE_MAX_AGE_SECONDS + 60})`,
    );
  }

  onApplicationBootstrap(): void {
    this.pruneTimer = setInterval(() => {
      this.pruneChanges().catch((error: Error) => this.logger.warn(`pruning the data change log failed: ${error.message}`));
    }, PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.pruneTimer);
  }
}

function sizeOf(key: string, entry: CachedResponse): number {
  return entry.payload.length + 2 * (key.length + entry.snapshot.length) + 200;
}
