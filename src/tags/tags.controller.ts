import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { ProjectParamsDto } from '../projects/dto/project.dto.js';
import { CreateTagDto, CreateTagResultDto, TagDto, TagParamsDto, UpdateTagDto } from './dto/tag.dto.js';
import { TagsService } from './tags.service.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;

@ApiTags('Projects')
@Controller('projects/:projectUuid/tags')
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  @Get()
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'getTags', summary: 'Tags of the project, by name' })
  @ApiOkResponse({ type: [TagDto] })
  list(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<TagDto[]> {
    return this.tags.list(access);
  }

  @Post()
  @RequirePermission('project:edit', PROJECT)
  @AuditAction('tag.create', 'tag')
  @ApiOperation({ operationId: 'createTag', summary: 'Create a tag (409 when the project has one of that name, ignoring case)' })
  @ApiCreatedResponse({ type: CreateTagResultDto })
  create(
    @Param() _params: ProjectParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
    @Body() body: CreateTagDto,
  ): Promise<CreateTagResultDto> {
    return this.tags.create(principal, access, body);
  }

  @Patch(':tagUuid')
  @RequirePermission('project:edit', PROJECT)
  @AuditAction('tag.update', 'tag', 'tagUuid')
  @ApiOperation({ operationId: 'updateTag', summary: 'Rename or recolor a tag' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  update(@Param() params: TagParamsDto, @ResolvedAccess() access: ProjectAccess, @Body() body: UpdateTagDto): Promise<void> {
    return this.tags.update(access, params.tagUuid, body);
  }

  @Delete(':tagUuid')
  @RequirePermission('project:edit', PROJECT)
  @AuditAction('tag.delete', 'tag', 'tagUuid')
  @ApiOperation({ operationId: 'deleteTag', summary: 'Delete a tag' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  delete(@Param() params: TagParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<void> {
    return this.tags.delete(access, params.tagUuid);
  }
}
