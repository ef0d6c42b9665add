import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { purgeTrashedBefore, tryLockPurge } from './content-trash.queries.js';

const PURGE_EVERY_MS = 60 * 60 * 1000;
/** Rows of each table deleted per transaction: a large purge never holds many locks for long. */
const PURGE_BATCH = 500;

/**
 * Enforces TRASH_RETENTION_DAYS: at start-up and every hour, deletes for good what has been in the
 * trash longer. Every replica runs it, but only one at a time does the work: a purge that cannot take
 * the transaction-level advisory lock leaves it to the one that holds it.
 */
@Injectable()
export class TrashPurgeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TrashPurgeService.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  /** Rows purged, or 'busy' when another replica is purging. */
  async purge(now = new Date()): Promise<number | 'busy'> {
    const cutoff = new Date(now.getTime() - this.config.trashRetentionDays * 24 * 60 * 60 * 1000);
    let total = 0;
    for (;;) {
      const batch = await this.dataSource.transaction(async (tx) => {
        if (!(await tryLockPurge(tx))) return 'busy' as const;
        return purgeTrashedBefore(tx, cutoff, PURGE_BATCH);
      });
      if (batch === 'busy') return total > 0 ? total : 'busy';
      total += batch;
      if (batch === 0) return total;
    }
  }

  onApplicationBootstrap(): void {
    const run = () => {
      this.purge()
        .then((purged) => {
          if (typeof purged === 'number' && purged > 0) this.logger.log(`purged ${purged} rows kept in the trash over ${this.config.trashRetentionDays} days`);
        })
        .catch((error: Error) => this.logger.warn(`purging the trash failed: ${error.message}`));
    };
    run();
    this.timer = setInterval(run, PURGE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
