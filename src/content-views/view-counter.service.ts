import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { addViews, type ViewBatchParams } from './content-views.queries.js';
import type { ViewedKind } from './counts-view.decorator.js';

interface PendingViews {
  count: number;
  firstViewedAt: Date;
}

/** Distinct items waiting before a flush is started early. */
const EARLY_FLUSH_ITEMS = 10_000;
/** Distinct items kept at most while the database cannot take them; views of further items are dropped. */
const MAX_PENDING_ITEMS = 100_000;

/**
 * Counts chart and dashboard views (`views`, `firstViewedAt`) without a database write per read: views
 * add up in memory and are written in one statement per kind every VIEWS_FLUSH_INTERVAL_MS, when many
 * items are waiting, and at shutdown. Each replica adds its own counts, so replicas never overwrite
 * each other. A flush that fails keeps its counts for the next one.
 */
@Injectable()
export class ViewCounter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ViewCounter.name);
  private pending: Record<ViewedKind, Map<string, PendingViews>> = { chart: new Map(), dashboard: new Map() };
  private running: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private warnedFull = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  /** One view of the chart or dashboard `uuid`, seen at `at`. */
  record(kind: ViewedKind, uuid: string, at = new Date()): void {
    const key = uuid.toLowerCase();
    const waiting = this.pending[kind];
    const known = waiting.get(key);
    if (known) {
      known.count += 1;
      return;
    }
    if (this.pendingItems() >= MAX_PENDING_ITEMS) {
      if (!this.warnedFull) this.logger.warn(`${MAX_PENDING_ITEMS} items wait for their views to be written; views of others are not counted until a flush succeeds`);
      this.warnedFull = true;
      return;
    }
    waiting.set(key, { count: 1, firstViewedAt: at });
    if (this.pendingItems() === EARLY_FLUSH_ITEMS) void this.flush().catch(() => undefined);
  }

  /**
   * When the first view of `uuid` that is not written yet was seen (undefined when none waits): what
   * `firstViewedAt` becomes at the next flush, for answers given before it. Views waiting in another
   * replica are not seen here.
   */
  firstPendingView(kind: ViewedKind, uuid: string): Date | undefined {
    return this.pending[kind].get(uuid.toLowerCase())?.firstViewedAt;
  }

  /** Writes every view counted so far; flushes run one after another. */
  flush(): Promise<void> {
    const next = this.running.then(() => this.writePending());
    this.running = next.catch(() => undefined);
    return next;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.flush().catch((error: Error) => this.logger.warn(`writing view counts failed (kept for the next try): ${error.message}`));
    }, this.config.viewsFlushIntervalMs);
    this.timer.unref();
  }

  /** Before the database connection closes: the last views are written. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch((error: Error) => this.logger.warn(`writing view counts at shutdown failed: ${error.message}`));
  }

  private pendingItems(): number {
    return this.pending.chart.size + this.pending.dashboard.size;
  }

  private async writePending(): Promise<void> {
    const batches = this.pending;
    this.pending = { chart: new Map(), dashboard: new Map() };
    const failed: ViewedKind[] = [];
    let firstError: unknown;
    for (const kind of ['chart', 'dashboard'] as const) {
      const batch = batches[kind];
      if (batch.size === 0) continue;
      const params: ViewBatchParams = [[], [], []];
      for (const [uuid, views] of batch) {
        params[0].push(uuid);
        params[1].push(views.count);
        params[2].push(views.firstViewedAt);
      }
      try {
        await addViews(this.dataSource, kind, params);
      } catch (error) {
        failed.push(kind);
        firstError ??= error;
      }
    }
    for (const kind of failed) this.restore(kind, batches[kind]);
    if (failed.length === 0) this.warnedFull = false;
    if (firstError) throw firstError;
  }

  /** Puts a batch that could not be written back in front of what was counted meanwhile. */
  private restore(kind: ViewedKind, batch: Map<string, PendingViews>): void {
    for (const [uuid, views] of this.pending[kind]) {
      const earlier = batch.get(uuid);
      if (earlier) earlier.count += views.count;
      else batch.set(uuid, views);
    }
    this.pending[kind] = batch;
  }
}
