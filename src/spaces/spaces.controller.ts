import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess, SpaceAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { ProjectParamsDto } from '../projects/dto/project.dto.js';
import {
  CreateSpaceDto,
  ShareSpaceWithGroupDto,
  ShareSpaceWithUserDto,
  SpaceDto,
  SpaceGroupParamsDto,
  SpaceParamsDto,
  SpaceSummaryDto,
  SpaceUserParamsDto,
  UpdateSpaceDto,
} from './dto/space.dto.js';
import { SPACE_CONTENT } from './space-content.queries.js';
import { SpacesService } from './spaces.service.js';
import type { JsonText } from '../common/json-text.js';
import { CachedResponse } from '../response-cache/cached-response.decorator.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;
const SPACE = { type: 'space', param: 'spaceUuid', projectParam: 'projectUuid' } as const;

@ApiTags('Projects')
@Controller('projects/:projectUuid')
export class ProjectSpacesController {
  constructor(private readonly spaces: SpacesService) {}

  @Get('spaces')
  @RequirePermission('project:view', PROJECT)
  @CachedResponse()
  @ApiOperation({ operationId: 'ListSpacesInProject', summary: 'The spaces of the project you may see' })
  @ApiOkResponse({
    description: 'Every space you may see, in path order: the whole array, as Lightdash answers (it ignores `page` and `pageSize` here; GET /api/v2/content pages).',
    type: SpaceSummaryDto,
    isArray: true,
  })
  list(@Param() _params: ProjectParamsDto, @CurrentPrincipal() principal: Principal, @ResolvedAccess() access: ProjectAccess): Promise<JsonText> {
    return this.spaces.listJson(principal, access);
  }
}

@ApiTags('Spaces')
@Controller('projects/:projectUuid/spaces')
export class SpacesController {
  constructor(private readonly spaces: SpacesService) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('project:edit', PROJECT, { permission: 'space:create-nested', on: 'the parent space (body `parentSpaceUuid`), when given' })
  @AuditAction('space.create', 'space')
  @ApiOperation({ operationId: 'CreateSpaceInProject', summary: 'Create a space (you get a direct admin entry on it)' })
  @ApiOkResponse({ type: SpaceDto })
  create(
    @Param() _params: ProjectParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
    @Body() body: CreateSpaceDto,
  ): Promise<SpaceDto> {
    return this.spaces.create(principal, access, body);
  }

  @Get(':spaceUuid')
  @RequirePermission('space:view', { ...SPACE, load: SPACE_CONTENT })
  @CachedResponse()
  @ApiOperation({ operationId: 'GetSpace', summary: 'A space with its charts, dashboards, shares and the child spaces you may see' })
  @ApiOkResponse({ type: SpaceDto })
  get(@Param() _params: SpaceParamsDto, @CurrentPrincipal() principal: Principal, @ResolvedAccess() access: SpaceAccess): Promise<SpaceDto> {
    return this.spaces.get(principal, access);
  }

  @Patch(':spaceUuid')
  @RequirePermission('space:manage', SPACE)
  @AuditAction('space.update', 'space', 'spaceUuid')
  @ApiOperation({ operationId: 'UpdateSpace', summary: 'Rename a space or change its privacy (the slug stays)' })
  @ApiOkResponse({ type: SpaceDto })
  update(
    @Param() _params: SpaceParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: SpaceAccess,
    @Body() body: UpdateSpaceDto,
  ): Promise<SpaceDto> {
    return this.spaces.update(principal, access, body);
  }

  @Delete(':spaceUuid')
  @RequirePermission('space:manage', { ...SPACE, trashed: 'forbidden' })
  @AuditAction('space.delete', 'space', 'spaceUuid')
  @ApiOperation({ operationId: 'DeleteSpace', summary: 'Move a space to the trash with its child spaces, charts and dashboards (restore it with POST /api/v2/content/{p}/restore)' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  delete(@Param() _params: SpaceParamsDto, @CurrentPrincipal() principal: Principal, @ResolvedAccess() access: SpaceAccess): Promise<void> {
    return this.spaces.delete(principal, access);
  }

  @Post(':spaceUuid/share')
  @HttpCode(200)
  @RequirePermission('space:manage', SPACE)
  @AuditAction('space.share', 'space', 'spaceUuid')
  @ApiOperation({ operationId: 'AddSpaceUserAccess', summary: 'Give a member of the organization a direct role on the space (replaces any previous one)' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  share(@Param() _params: SpaceParamsDto, @ResolvedAccess() access: SpaceAccess, @Body() body: ShareSpaceWithUserDto): Promise<void> {
    return this.spaces.shareWithUser(access, body.userUuid, body.spaceRole);
  }

  @Delete(':spaceUuid/share/:userUuid')
  @RequirePermission('space:manage', SPACE)
  @AuditAction('space.unshare', 'space', 'spaceUuid')
  @ApiOperation({ operationId: 'RevokeSpaceAccessForUser', summary: "Remove a user's direct entry on the space (200 also when there was none)" })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  revokeUser(@Param() params: SpaceUserParamsDto, @ResolvedAccess() access: SpaceAccess): Promise<void> {
    return this.spaces.revokeUser(access, params.userUuid);
  }

  @Post(':spaceUuid/group/share')
  @HttpCode(200)
  @RequirePermission('space:manage', SPACE)
  @AuditAction('space.group.share', 'space', 'spaceUuid')
  @ApiOperation({ operationId: 'AddSpaceGroupAccess', summary: 'Give a group of the organization a role on the space (replaces any previous one)' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  shareWithGroup(@Param() _params: SpaceParamsDto, @ResolvedAccess() access: SpaceAccess, @Body() body: ShareSpaceWithGroupDto): Promise<void> {
    return this.spaces.shareWithGroup(access, body.groupUuid, body.spaceRole);
  }

  @Delete(':spaceUuid/group/share/:groupUuid')
  @RequirePermission('space:manage', SPACE)
  @AuditAction('space.group.unshare', 'space', 'spaceUuid')
  @ApiOperation({ operationId: 'RevokeGroupSpaceAccess', summary: "Remove a group's entry on the space (200 also when there was none)" })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  revokeGroup(@Param() params: SpaceGroupParamsDto, @ResolvedAccess() access: SpaceAccess): Promise<void> {
    return this.spaces.revokeGroup(access, params.groupUuid);
  }
}
