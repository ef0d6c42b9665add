import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { ConflictError, NotFoundError } from '../common/errors.js';
import {
  deletePermanently,
  lockItem,
  lockSubtree,
  restoreItem,
  restoreSpace,
  selectSpaceState,
  trashItem,
  trashSpace,
} from './content-trash.queries.js';
import type { ContentKind } from './content.queries.js';

const NOT_FOUND: Record<ContentKind, string> = { space: 'Space not found', chart: 'Chart not found', dashboard: 'Dashboard not found' };
const NOT_IN_TRASH: Record<ContentKind, string> = {
  space: 'Space not found in the trash',
  chart: 'Chart not found in the trash',
  dashboard: 'Dashboard not found in the trash',
};

/**
 * The trash: moving a space, chart or dashboard to it, restoring it, deleting it for good. Callers
 * have checked the caller's permission; each operation locks the item first and runs in one
 * transaction with its audit entry, so concurrent requests on one item run one after the other and
 * each finds what the previous one left (the loser gets a 404, nothing is half-done).
 */
@Injectable()
export class ContentTrashService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Moves the live item to the trash; a space takes everything live below it. */
  async trash(principal: Principal, kind: ContentKind, uuid: string, projectUuid: string, manager?: EntityManager): Promise<void> {
    const run = async (tx: EntityManager) => {
      const item = await lockItem(tx, kind, uuid);
      if (!item || item.trashed) throw new NotFoundError(NOT_FOUND[kind]);
      let details: Record<string, unknown> = {};
      if (kind === 'space') {
        await lockSubtree(tx, item.id);
        const counts = await trashSpace(tx, item.id, principal.userId);
        details = { childSpaces: counts.spaces, charts: counts.charts, dashboards: counts.dashboards };
      } else {
        await trashItem(tx, kind, item.id, principal.userId);
      }
      await this.audit.record(tx, { action: `${kind}.delete`, targetType: kind, targetUuid: uuid, details: { projectUuid, name: item.name, trash: true, ...details } });
    };
    await (manager ? run(manager) : this.dataSource.transaction(run));
  }

  /**
   * Brings the trashed item back where it was, with its access (entries were never removed). A
   * space brings back what went to the trash with it. When the space it belongs in is itself in
   * the trash, the restore is refused (409): moving it elsewhere would change who may see it.
   */
  async restore(kind: ContentKind, uuid: string, projectUuid: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const item = await lockItem(tx, kind, uuid);
      if (!item || !item.trashed) throw new NotFoundError(NOT_IN_TRASH[kind]);
      if (item.spaceId !== null) {
        const home = await selectSpaceState(tx, item.spaceId);
        if (!home || home.trashed) {
          throw new ConflictError(`The space "${home?.name ?? ''}" this ${kind} belongs in is in the trash: restore that space first`, {
            spaceName: home?.name ?? null,
          });
        }
      }
      let details: Record<string, unknown> = {};
      if (kind === 'space') {
        const counts = await restoreSpace(tx, item.id);
        details = { childSpaces: counts.spaces, charts: counts.charts, dashboards: counts.dashboards };
      } else {
        await restoreItem(tx, kind, item.id);
      }
      await this.audit.record(tx, { action: `${kind}.restore`, targetType: kind, targetUuid: uuid, details: { projectUuid, name: item.name, ...details } });
    });
  }

  /** Deletes the trashed item for good (a space with everything below it). */
  async deletePermanently(kind: ContentKind, uuid: string, projectUuid: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const item = await lockItem(tx, kind, uuid);
      if (!item || !item.trashed) throw new NotFoundError(NOT_IN_TRASH[kind]);
      await deletePermanently(tx, kind, item.id);
      await this.audit.record(tx, { action: `${kind}.delete-permanently`, targetType: kind, targetUuid: uuid, details: { projectUuid, name: item.name } });
    });
  }
}
