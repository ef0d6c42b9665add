import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import type { JsonText } from '../common/json-text.js';
import type { Paginated } from '../common/pagination.js';
import { ContentService } from './content.service.js';
import {
  BulkDeleteContentDto,
  BulkDeleteResultDto,
  BulkMoveContentDto,
  ContentPageDto,
  ContentProjectParamsDto,
  DeleteContentDto,
  DeletedContentItemDto,
  DeletedContentPageDto,
  ListContentQueryDto,
  ListDeletedContentQueryDto,
  MoveContentDto,
  TrashedContentDto,
} from './dto/content.dto.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;
const OK = { description: '`{"status":"ok"}`' };
// What the service checks on each item's space (the guard only knows the path's project): see ContentService.allowedOn.
const EDIT_ITEM = { permission: 'space:edit-content', on: "each chart's or dashboard's space" } as const;
const MANAGE_ITEM = { permission: 'space:manage', on: 'each space acted on' } as const;
const EDIT_TARGET = { permission: 'space:edit-content', on: 'the target space, when charts or dashboards move there' } as const;
const MANAGE_TARGET = { permission: 'space:manage', on: 'the target space, when spaces move there' } as const;
const EDIT_PROJECT = { permission: 'project:edit', on: 'the project, when a space moves to its root' } as const;
const TRASHED_EDIT = { permission: 'space:edit-content', on: "each chart's or dashboard's space as it was when deleted" } as const;
const TRASHED_MANAGE = { permission: 'space:manage', on: 'each space as it was when deleted' } as const;

/** Lightdash's v2 content routes (`/api/v2/content`): list, move, delete, restore and delete for good. */
@ApiTags('Content')
@Controller('api/v2/content')
export class ContentController {
  constructor(private readonly content: ContentService) {}

  @Get()
  @RequirePermission('organization:view')
  @ApiOperation({
    operationId: 'ListContent',
    summary: 'Spaces, dashboards and charts you may see, one page at a time (spaces first, then dashboards, then charts)',
  })
  @ApiOkResponse({ type: ContentPageDto })
  list(@Query() query: ListContentQueryDto, @CurrentPrincipal() principal: Principal): Promise<JsonText> {
    return this.content.list(principal, query);
  }

  @Get('deleted')
  @RequirePermission(
    'project:view',
    { type: 'project', param: 'projectUuids', in: 'query' },
    { permission: 'project:manage-deleted-content', on: "the project, to list everyone's deletions (otherwise only your own)" },
  )
  @ApiOperation({ operationId: 'ListDeletedContent', summary: 'The trash of a project: what you deleted (project admins: what anyone deleted)' })
  @ApiOkResponse({ type: DeletedContentPageDto })
  listDeleted(
    @Query() query: ListDeletedContentQueryDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
  ): Promise<Paginated<DeletedContentItemDto>> {
    return this.content.listDeleted(principal, access, query);
  }

  @Post(':projectUuid/move')
  @HttpCode(200)
  @RequirePermission('project:view', PROJECT, EDIT_ITEM, MANAGE_ITEM, EDIT_TARGET, MANAGE_TARGET, EDIT_PROJECT)
  @AuditAction('content.move', 'content')
  @ApiOperation({ operationId: 'MoveContent', summary: 'Move a chart, dashboard or space (needs the same permission on its space and on the destination)' })
  @ApiOkResponse(OK)
  move(@Param() _params: ContentProjectParamsDto, @Body() body: MoveContentDto, @CurrentPrincipal() principal: Principal, @ResolvedAccess() access: ProjectAccess): Promise<void> {
    return this.content.move(principal, access, body.item, body.action.targetSpaceUuid);
  }

  @Post('bulk-action/:projectUuid/move')
  @HttpCode(200)
  @RequirePermission('project:view', PROJECT, EDIT_ITEM, MANAGE_ITEM, EDIT_TARGET, MANAGE_TARGET, EDIT_PROJECT)
  @AuditAction('content.move', 'content')
  @ApiOperation({ operationId: 'BulkMoveContent', summary: 'Move several items to one space: all or nothing' })
  @ApiOkResponse(OK)
  bulkMove(
    @Param() _params: ContentProjectParamsDto,
    @Body() body: BulkMoveContentDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
  ): Promise<void> {
    return this.content.moveAll(principal, access, body.content, body.action.targetSpaceUuid);
  }

  @Post(':projectUuid/delete')
  @HttpCode(200)
  @RequirePermission('project:view', PROJECT, EDIT_ITEM, MANAGE_ITEM)
  @AuditAction('content.delete', 'content')
  @ApiOperation({ operationId: 'DeleteContent', summary: 'Move a chart, dashboard or space (with everything in it) to the trash' })
  @ApiOkResponse(OK)
  delete(@Param() _params: ContentProjectParamsDto, @Body() body: DeleteContentDto, @CurrentPrincipal() principal: Principal, @ResolvedAccess() access: ProjectAccess): Promise<void> {
    return this.content.delete(principal, access, body.item);
  }

  @Post('bulk-action/:projectUuid/delete')
  @HttpCode(200)
  @RequirePermission('project:view', PROJECT, EDIT_ITEM, MANAGE_ITEM)
  @AuditAction('content.delete', 'content')
  @ApiOperation({ operationId: 'BulkDeleteContent', summary: 'Move several items to the trash, one by one; refusals are listed in `skipped`' })
  @ApiOkResponse({ type: BulkDeleteResultDto })
  bulkDelete(
    @Param() _params: ContentProjectParamsDto,
    @Body() body: BulkDeleteContentDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
  ): Promise<BulkDeleteResultDto> {
    return this.content.bulkDelete(principal, access, body.content);
  }

  @Post(':projectUuid/restore')
  @HttpCode(200)
  @RequirePermission('project:view', PROJECT, TRASHED_EDIT, TRASHED_MANAGE)
  @AuditAction('content.restore', 'content')
  @ApiOperation({ operationId: 'RestoreContent', summary: 'Bring an item back from the trash, where it was, with its access (needs what deleting it needed)' })
  @ApiOkResponse(OK)
  restore(@Param() _params: ContentProjectParamsDto, @Body() body: TrashedContentDto, @CurrentPrincipal() principal: Principal, @ResolvedAccess() access: ProjectAccess): Promise<void> {
    return this.content.restore(principal, access, body.item);
  }

  @Delete(':projectUuid/permanent')
  @RequirePermission('project:view', PROJECT, TRASHED_EDIT, TRASHED_MANAGE)
  @AuditAction('content.delete-permanently', 'content')
  @ApiOperation({ operationId: 'PermanentlyDeleteContent', summary: 'Delete an item in the trash for good (JSON body on the DELETE, as Lightdash)' })
  @ApiOkResponse(OK)
  deletePermanently(
    @Param() _params: ContentProjectParamsDto,
    @Body() body: TrashedContentDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
  ): Promise<void> {
    return this.content.deletePermanently(principal, access, body.item);
  }
}
