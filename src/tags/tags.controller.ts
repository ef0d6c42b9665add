import { Body, Controller, Delete, Get, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { ProjectParamsDto } from '../projects/dto/project.dto.js';
import { ArrayBodyPipe } from '../common/array-body.pipe.js';
import { CreateTagDto, CreateTagResultDto, TagDto, TagParamsDto, UpdateTagDto, YamlTagDto } from './dto/tag.dto.js';
import { TagsService } from './tags.service.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;
const MAX_YAML_TAGS = 1000;

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

  @Put('yaml')
  @RequirePermission('project:edit', PROJECT)
  @AuditAction('tag.yaml.replace', 'project', 'projectUuid')
  @ApiOperation({
    operationId: 'replaceYamlTags',
    summary: "Replace the project's YAML tags (matched by yamlReference; tags made in the UI are kept; an empty array deletes every YAML tag)",
  })
  @ApiBody({ type: [YamlTagDto] })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  replaceYamlTags(
    @Param() _params: ProjectParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
    @Body(ArrayBodyPipe(YamlTagDto, MAX_YAML_TAGS)) body: YamlTagDto[],
  ): Promise<void> {
    return this.tags.replaceYamlTags(principal, access, body);
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
