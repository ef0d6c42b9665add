import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { ProjectParamsDto } from '../projects/dto/project.dto.js';
import { ExploreParamsDto, ExploresUploadResultDto } from './dto/explore.dto.js';
import type { ExploresUpload } from './explore-upload.js';
import { ExploresService } from './explores.service.js';
import { ExploresUploadPipe } from './explores-upload.pipe.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;

@ApiTags('Projects')
@Controller('projects/:projectUuid/explores')
export class ExploresController {
  constructor(private readonly explores: ExploresService) {}

  @Put()
  @RequirePermission('project:develop', PROJECT)
  @AuditAction('project.explores.upload', 'project', 'projectUuid')
  @ApiOperation({
    operationId: 'setExplores',
    summary: 'Replace the compiled explores of the project (as the Lightdash CLI uploads them) and rebuild its catalog',
  })
  @ApiBody({ schema: { type: 'array', items: { type: 'object' }, maxItems: 1000 } })
  @ApiOkResponse({ type: ExploresUploadResultDto })
  replace(
    @Param() _params: ProjectParamsDto,
    @ResolvedAccess() access: ProjectAccess,
    @Body(ExploresUploadPipe) upload: ExploresUpload,
  ): Promise<ExploresUploadResultDto> {
    return this.explores.replace(access, upload);
  }

  @Get()
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'getExplores', summary: 'Summaries of the explores of the project, errored ones included, by name' })
  @ApiOkResponse({ schema: { type: 'array', items: { type: 'object' } } })
  list(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<Record<string, unknown>[]> {
    return this.explores.list(access);
  }

  @Get(':exploreId')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'getExplore', summary: 'The compiled explore as uploaded (404 NotFoundError when it failed to compile, as in Lightdash)' })
  @ApiOkResponse({ schema: { type: 'object' } })
  get(@Param() params: ExploreParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<Record<string, unknown>> {
    return this.explores.get(access, params.exploreId);
  }
}
