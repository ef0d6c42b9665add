import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { NotFoundError, ParameterError } from '../common/errors.js';
import { isForeignKeyViolation } from '../common/postgres-errors.js';
import {
  type CatalogItemLock,
  deleteCategory,
  insertCategory,
  type LockedCatalogItemRow,
  lockCatalogItem,
  shareLockTag,
  updateIcon,
} from './catalog-curation.queries.js';
import type { CatalogItemIcon } from './dto/catalog-curation.dto.js';

const ITEM_NOT_FOUND = 'Catalog item not found';
const ITEM_FK = 'catalog_item_categories_catalog_item_id_fkey';
const TAG_FK = 'catalog_item_categories_tag_id_fkey';

function notATagOfTheProject(tagUuid: string): ParameterError {
  return new ParameterError(`Tag ${tagUuid} is not a tag of the project`);
}

/**
 * Curation of the catalog: categories (tags of the project attached to a table or field) and icons.
 * Both hang on the catalog item's row, so they survive re-uploads of the explores (which keep the
 * row) and go with the item when an upload removes it (ON DELETE CASCADE).
 */
@Injectable()
export class CatalogCurationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Idempotent: a category the item already has stays as it is. */
  async addCategory(access: ProjectAccess, catalogSearchUuid: string, tagUuid: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const item = await this.lockItem(manager, access, catalogSearchUuid);
      // the tag cannot be deleted until we commit; a tag deleted before we got here is not found
      const tag = await shareLockTag(manager, access.projectId, tagUuid);
      if (!tag) throw notATagOfTheProject(tagUuid);
      let added: boolean;
      try {
        added = await insertCategory(manager, item.catalogItemId, tag.tagId);
      } catch (error) {
        // unreachable with the locks above; kept so a future change cannot turn a race into a 500
        if (isForeignKeyViolation(error, TAG_FK)) throw notATagOfTheProject(tagUuid);
        if (isForeignKeyViolation(error, ITEM_FK)) throw new NotFoundError(ITEM_NOT_FOUND);
        throw error;
      }
      await this.audit.record(manager, {
        action: 'catalog.category.add',
        targetType: 'catalog_item',
        targetUuid: catalogSearchUuid,
        details: { projectUuid: access.projectUuid, ...this.describe(item), tagUuid, tagName: tag.name, alreadyPresent: !added },
      });
    });
  }

  /** Idempotent: removing a category the item does not have (or an unknown tag) changes nothing and answers ok. */
  async removeCategory(access: ProjectAccess, catalogSearchUuid: string, tagUuid: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const item = await this.lockItem(manager, access, catalogSearchUuid);
      const removed = await deleteCategory(manager, access.projectId, item.catalogItemId, tagUuid);
      await this.audit.record(manager, {
        action: 'catalog.category.remove',
        targetType: 'catalog_item',
        targetUuid: catalogSearchUuid,
        details: { projectUuid: access.projectUuid, ...this.describe(item), tagUuid, removed },
      });
    });
  }

  /** Sets (`{unicode}` / `{url}`) or clears (`null`) the icon; stored exactly as that one-key object. */
  async updateIcon(access: ProjectAccess, catalogSearchUuid: string, icon: CatalogItemIcon | null): Promise<void> {
    const stored = icon === null ? null : 'unicode' in icon ? { unicode: icon.unicode } : { url: icon.url };
    await this.dataSource.transaction(async (manager) => {
      const item = await this.lockItem(manager, access, catalogSearchUuid, 'change');
      await updateIcon(manager, item.catalogItemId, stored);
      await this.audit.record(manager, {
        action: 'catalog.icon.update',
        targetType: 'catalog_item',
        targetUuid: catalogSearchUuid,
        details: { projectUuid: access.projectUuid, ...this.describe(item), from: item.icon ?? null, to: stored },
      });
    });
  }

  /**
   * The item of this project, locked against deletion (a concurrent upload removing it waits for us),
   * or against any change (to change it); an item of another project, or none, is not found.
   */
  private async lockItem(
    manager: EntityManager,
    access: ProjectAccess,
    catalogSearchUuid: string,
    against: CatalogItemLock = 'deletion',
  ): Promise<LockedCatalogItemRow> {
    const item = await lockCatalogItem(manager, access.projectId, catalogSearchUuid, against);
    if (!item) throw new NotFoundError(ITEM_NOT_FOUND);
    return item;
  }

  private describe(item: { itemType: string; tableName: string; fieldName: string | null }): Record<string, unknown> {
    return { itemType: item.itemType, tableName: item.tableName, ...(item.fieldName === null ? {} : { fieldName: item.fieldName }) };
  }
}
