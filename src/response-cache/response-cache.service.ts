import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { PresentedCredential } from '../auth/request-context.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { PreparedSql } from '../database/sql.js';
import {
  deleteSettledChanges,
  type EntryReadAt,
  RESPONSE_CACHE_MAX_AGE_SECONDS,
  type RevalidationRow,
  selectRevalidation,
  settleChanges,
} from './response-cache.queries.js';

export { RESPONSE_CACHE_MAX_AGE_SECONDS };
const PRUNE_EVERY_MS = 60_000;

export interface CachedResponse extends EntryReadAt {
  /** the response body, encoded once: a hit writes these bytes as they are */
  payload: Buffer;
  contentType: string;
  /** the caller's organization: only its writes (and unattributed ones) make the entry stale */
  organizationId: string;
}

export type Revalidation = RevalidationRow;

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
    return selectRevalidation(this.sql, credential, entry, this.config.sessionMaxAgeHours);
  }

  /**
   * Forgets change-log rows no entry can need any more. A row is first stamped once its transaction
   * is over (its commit is then in the past), and deleted a maximum age after that stamp: by then
   * every entry read before that commit has expired.
   */
  async pruneChanges(): Promise<void> {
    await settleChanges(this.dataSource);
    await deleteSettledChanges(this.dataSource);
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
