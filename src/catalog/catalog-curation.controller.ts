import { Body, Controller, Delete, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { CatalogCurationService } from './catalog-curation.service.js';
import { AddCatalogCategoryDto, CatalogCategoryParamsDto, CatalogItemParamsDto, UpdateCatalogItemIconDto } from './dto/catalog-curation.dto.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;
const EMPTY_OK = { description: '`{"status":"ok"}`' };

/** Categories and icons of catalog items (tables and fields). */
@ApiTags('Catalog')
@Controller('projects/:projectUuid/dataCatalog')
export class CatalogCurationController {
  constructor(private readonly curation: CatalogCurationService) {}

  @Post(':catalogSearchUuid/categories')
  @HttpCode(200)
  @RequirePermission('project:edit', PROJECT)
  @AuditAction('catalog.category.add', 'catalog_item', 'catalogSearchUuid')
  @ApiOperation({
    operationId: 'addCategoryToCatalogItem',
    summary: 'Add a tag of the project to a catalog item as a category (idempotent; 400 for a tag that is not of this project)',
  })
  @ApiOkResponse(EMPTY_OK)
  addCategory(@Param() params: CatalogItemParamsDto, @ResolvedAccess() access: ProjectAccess, @Body() body: AddCatalogCategoryDto): Promise<void> {
    return this.curation.addCategory(access, params.catalogSearchUuid, body.tagUuid);
  }

  @Delete(':catalogSearchUuid/categories/:tagUuid')
  @RequirePermission('project:edit', PROJECT)
  @AuditAction('catalog.category.remove', 'catalog_item', 'catalogSearchUuid')
  @ApiOperation({
    operationId: 'removeCategoryFromCatalogItem',
    summary: 'Remove a category from a catalog item (idempotent: ok when the item does not have it)',
  })
  @ApiOkResponse(EMPTY_OK)
  removeCategory(@Param() params: CatalogCategoryParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<void> {
    return this.curation.removeCategory(access, params.catalogSearchUuid, params.tagUuid);
  }

  @Patch(':catalogSearchUuid/icon')
  @RequirePermission('project:edit', PROJECT)
  @AuditAction('catalog.icon.update', 'catalog_item', 'catalogSearchUuid')
  @ApiOperation({ operationId: 'updateCatalogItemIcon', summary: 'Set (`{unicode}` or `{url}`) or clear (`null`) the icon of a catalog item' })
  @ApiOkResponse(EMPTY_OK)
  updateIcon(@Param() params: CatalogItemParamsDto, @ResolvedAccess() access: ProjectAccess, @Body() body: UpdateCatalogItemIconDto): Promise<void> {
    return this.curation.updateIcon(access, params.catalogSearchUuid, body.icon);
  }
}
