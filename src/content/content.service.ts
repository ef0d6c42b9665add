import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { AccessService, type ProjectAccess, type SpaceAccess } from '../authorization/access.service.js';
import { can, spaceAllows } from '../authorization/permissions.js';
import { AppError, ForbiddenError, NotFoundError, PaginationError, ParameterError } from '../common/errors.js';
import { jsonPage, type JsonText } from '../common/json-text.js';
import { containsPattern, escapeLike, MAX_PAGE, MAX_PAGE_SIZE, type Paginated, paginated, type PageWindow } from '../common/pagination.js';
import { PreparedSql } from '../database/sql.js';
import { ContentTrashService } from './content-trash.service.js';
import {
  type ContentKind,
  type DeletedContentRow,
  lockMoveDestination,
  lockSpaceMoves,
  lockSpaceToMove,
  moveItem,
  moveSpace,
  selectContentPage,
  selectDeletedContentPage,
} from './content.queries.js';
import {
  type BulkDeleteResultDto,
  type ContentItemDto,
  type ContentType,
  DEFAULT_CONTENT_PAGE_SIZE,
  type DeletedContentItemDto,
  type ListContentQueryDto,
  type ListDeletedContentQueryDto,
} from './dto/content.dto.js';

const KIND_LABEL: Record<ContentKind, string> = { space: 'Space', chart: 'Chart', dashboard: 'Dashboard' };
const ALL_KINDS: ContentKind[] = ['space', 'dashboard', 'chart'];
const NO_PERMISSION_TO_DELETE = 'You do not have permission to delete this content';

/** The permission an item's trash actions (delete, restore, delete for good) and moves need on its space. */
function permissionFor(kind: ContentKind) {
  return kind === 'space' ? ('space:manage' as const) : ('space:edit-content' as const);
}

/** Lightdash's v2 paging: defaults when absent or 0; negative values are a PaginationError. */
function contentPage(query: { page?: number; pageSize?: number }): PageWindow {
  if ((query.page ?? 0) < 0) throw new PaginationError('page should be greater than 0');
  if ((query.pageSize ?? 0) < 0) throw new PaginationError('pageSize should be greater than 0');
  const page = query.page || 1;
  const pageSize = query.pageSize || DEFAULT_CONTENT_PAGE_SIZE;
  if (page > MAX_PAGE) throw new PaginationError(`page should be at most ${MAX_PAGE}`);
  if (pageSize > MAX_PAGE_SIZE) throw new PaginationError(`pageSize should be at most ${MAX_PAGE_SIZE}`);
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

/** The kind of a requested item; data apps do not exist here (as Lightdash without its enterprise service). */
function kindOf(item: ContentItemDto, action: 'move' | 'delete' | 'restore'): ContentKind {
  if (item.contentType === 'data_app') {
    throw new ParameterError(action === 'delete' ? 'Data apps cannot be deleted via content actions' : 'Data apps are not available');
  }
  return item.contentType;
}

function contentKinds(types: ContentType[] | undefined): ContentKind[] {
  return types?.length ? ALL_KINDS.filter((kind) => types.includes(kind)) : ALL_KINDS;
}

/**
 * The v2 content API: one way to list, move, delete and restore charts, dashboards and spaces.
 * Every item is checked as the v1 route for it would be: 404 when it is not in the path's project
 * (or organization), 403 without the permission on its space (and, for a move, on the destination).
 */
@Injectable()
export class ContentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly trash: ContentTrashService,
    private readonly audit: AuditService,
    private readonly sql: PreparedSql,
  ) {}

  /** The page as JSON text, written by PostgreSQL: as `paginated()` of the ContentItemSummaryDto items would be. */
  async list(principal: Principal, query: ListContentQueryDto): Promise<JsonText> {
    const window = contentPage(query);
    const sortBy = query.sortBy ?? 'last_updated_at';
    const direction = query.sortDirection ?? 'desc';
    const search = query.search?.trim() || null;
    const compact = search?.toLowerCase().replace(/[^a-z0-9]/g, '') || null;
    if (!principal.organizationId) throw new NotFoundError('Organization not found');
    const page = await selectContentPage(this.sql, {
      userId: principal.userId,
      organizationId: principal.organizationId,
      projectUuids: query.projectUuids?.length ? query.projectUuids : null,
      spaceUuids: query.spaceUuids?.length ? query.spaceUuids : null,
      uuids: query.uuids?.length ? query.uuids : null,
      kinds: contentKinds(query.contentTypes),
      search: search ? { pattern: containsPattern(search), compact: compact ? `%${escapeLike(compact)}%` : '' } : null,
      sortBy,
      direction,
      limit: window.limit,
      offset: window.offset,
    });
    return jsonPage(page.items ?? '', page.totalResults, window);
  }

  async listDeleted(principal: Principal, project: ProjectAccess, query: ListDeletedContentQueryDto): Promise<Paginated<DeletedContentItemDto>> {
    const window = contentPage(query);
    const seesEveryonesDeletions = can('project:manage-deleted-content', project);
    const search = query.search?.trim() || null;
    const rows = await selectDeletedContentPage(this.sql, {
      projectId: project.projectId,
      userId: principal.userId,
      seesEveryonesDeletions,
      deletedByUserUuids: seesEveryonesDeletions && query.deletedByUserUuids?.length ? query.deletedByUserUuids : null,
      kinds: contentKinds(query.contentTypes),
      search: search ? containsPattern(search) : null,
      limit: window.limit,
      offset: window.offset,
    });
    const total = rows[0]?.totalResults ?? 0;
    const data = rows.filter((row) => row.contentType !== null).map(toDeletedItem);
    return paginated(data, total, window);
  }

  async delete(principal: Principal, project: ProjectAccess, item: ContentItemDto): Promise<void> {
    const kind = kindOf(item, 'delete');
    await this.allowedOn(principal, project, kind, item.uuid, 'live');
    await this.trash.trash(principal, kind, item.uuid, project.projectUuid);
  }

  /** Each item on its own, in order; refusals are reported, never fail the request (as Lightdash). */
  async bulkDelete(principal: Principal, project: ProjectAccess, items: ContentItemDto[]): Promise<BulkDeleteResultDto> {
    const skipped: BulkDeleteResultDto['skipped'] = [];
    let deletedCount = 0;
    for (const item of items) {
      try {
        await this.delete(principal, project, item);
        deletedCount++;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        skipped.push({ uuid: item.uuid, contentType: item.contentType, reason: error instanceof ForbiddenError ? NO_PERMISSION_TO_DELETE : error.message });
      }
    }
    return { deletedCount, skipped };
  }

  async restore(principal: Principal, project: ProjectAccess, item: ContentItemDto): Promise<void> {
    const kind = kindOf(item, 'restore');
    await this.allowedOn(principal, project, kind, item.uuid, 'trashed');
    await this.trash.restore(kind, item.uuid, project.projectUuid);
  }

  async deletePermanently(principal: Principal, project: ProjectAccess, item: ContentItemDto): Promise<void> {
    const kind = kindOf(item, 'delete');
    await this.allowedOn(principal, project, kind, item.uuid, 'trashed');
    await this.trash.deletePermanently(kind, item.uuid, project.projectUuid);
  }

  async move(principal: Principal, project: ProjectAccess, item: ContentItemDto, targetSpaceUuid: string | null): Promise<void> {
    await this.moveAll(principal, project, [item], targetSpaceUuid);
  }

  /** Every item checked first, then all moved in one transaction: all or nothing. */
  async moveAll(principal: Principal, project: ProjectAccess, items: ContentItemDto[], targetSpaceUuid: string | null): Promise<void> {
    const checked: { kind: ContentKind; item: ContentItemDto; source: SpaceAccess }[] = [];
    for (const item of items) {
      const kind = kindOf(item, 'move');
      if (targetSpaceUuid === null && kind !== 'space') throw new ParameterError(`You cannot move a ${kind} outside of a space`);
      checked.push({ kind, item, source: await this.allowedOn(principal, project, kind, item.uuid, 'live') });
    }
    const target = targetSpaceUuid === null ? null : await this.destination(principal, project, targetSpaceUuid, checked.map((c) => c.kind));
    if (target === null && !can('project:edit', project)) {
      throw new ForbiddenError('Moving a space to the root of the project needs project role editor');
    }
    await this.dataSource.transaction(async (tx) => {
      for (const { kind, item, source } of checked) await this.moveOne(tx, project, kind, item.uuid, source, target);
    });
  }

  private async moveOne(tx: EntityManager, project: ProjectAccess, kind: ContentKind, uuid: string, source: SpaceAccess, target: SpaceAccess | null): Promise<void> {
    if (kind === 'space') {
      await lockSpaceMoves(tx, project.projectId);
      const space = await lockSpaceToMove(tx, source.spaceId);
      if (!space || space.trashed) throw new NotFoundError('Space not found');
      if (target) {
        const destination = await lockMoveDestination(tx, target.spaceId, source.spaceId);
        if (!destination || destination.trashed) throw new NotFoundError('Space not found');
        if (destination.inside) throw new ParameterError('You cannot move a space into one of its own nested-spaces. Please choose a different location.');
        if (space.parentSpaceId === target.spaceId) throw new ParameterError(`Space ${space.name} is already in the correct parent space ${destination.name}`);
      } else if (space.parentSpaceId === null) {
        throw new ParameterError(`Space ${space.name} is already at the root of the project`);
      }
      await moveSpace(tx, source.spaceId, target?.spaceId ?? null);
    } else {
      const moved = await moveItem(tx, kind, uuid, target!.spaceId);
      if (moved === 0) throw new NotFoundError(`${KIND_LABEL[kind]} not found`);
    }
    await this.audit.record(tx, {
      action: `${kind}.move`,
      targetType: kind,
      targetUuid: uuid,
      details: { projectUuid: project.projectUuid, from: kind === 'space' ? null : source.spaceUuid, to: target?.spaceUuid ?? null },
    });
  }

  /**
   * The caller's standing on the space that decides access to the item ($kind $uuid, live or in the
   * trash): 404 unless it is in the path's project, 403 without the permission deleting it needs.
   */
  private async allowedOn(principal: Principal, project: ProjectAccess, kind: ContentKind, uuid: string, state: 'live' | 'trashed'): Promise<SpaceAccess> {
    const space =
      state === 'live' ? await this.access.contentSpace(kind, uuid, principal.userId) : await this.access.trashedContentSpace(kind, uuid, principal.userId);
    if (!space || space.organizationId !== principal.organizationId || space.projectId !== project.projectId) {
      throw new NotFoundError(state === 'live' ? `${KIND_LABEL[kind]} not found` : `${KIND_LABEL[kind]} not found in the trash`);
    }
    if (!spaceAllows(permissionFor(kind), space)) throw new ForbiddenError();
    return space;
  }

  /** A move's destination: a live space of the project, where the caller holds what moving each kind there needs. */
  private async destination(principal: Principal, project: ProjectAccess, spaceUuid: string, kinds: ContentKind[]): Promise<SpaceAccess> {
    const space = await this.access.contentSpace('space', spaceUuid, principal.userId);
    if (!space || space.organizationId !== principal.organizationId || space.projectId !== project.projectId) throw new NotFoundError('Space not found');
    for (const kind of new Set(kinds)) if (!spaceAllows(permissionFor(kind), space)) throw new ForbiddenError();
    return space;
  }
}

function toDeletedItem(row: DeletedContentRow): DeletedContentItemDto {
  const base = {
    uuid: row.uuid,
    name: row.name,
    description: row.description,
    contentType: row.contentType!,
    deletedAt: row.deletedAt,
    deletedBy: row.deletedBy,
    spaceUuid: row.spaceUuid,
    spaceName: row.spaceName,
    projectUuid: row.projectUuid,
    organizationUuid: row.organizationUuid,
  };
  if (row.contentType === 'chart') return { ...base, source: 'dbt_explore', chartKind: row.chartKind, schedulerCount: 0 } as DeletedContentItemDto;
  if (row.contentType === 'dashboard') return { ...base, chartCount: 0, schedulerCount: 0 } as DeletedContentItemDto;
  return {
    ...base,
    nestedSpaceCount: row.nestedSpaceCount,
    dashboardCount: row.dashboardCount,
    chartCount: row.chartCount,
    schedulerCount: 0,
    appCount: 0,
  } as DeletedContentItemDto;
}
