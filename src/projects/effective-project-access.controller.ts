import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { ProjectMemberParamsDto } from './dto/project-access.dto.js';
import { EffectiveProjectAccessDto } from './dto/effective-project-access.dto.js';
import { EffectiveProjectAccessService } from './effective-project-access.service.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;

@ApiTags('Projects')
@Controller('projects/:projectUuid/access/:userUuid/effective')
export class EffectiveProjectAccessController {
  constructor(private readonly effectiveAccess: EffectiveProjectAccessService) {}

  @Get()
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({
    operationId: 'GetEffectiveProjectAccess',
    summary: "A user's effective project role and where it comes from (project admins for anyone; any user with access for themself)",
  })
  @ApiOkResponse({ type: EffectiveProjectAccessDto })
  get(
    @Param() params: ProjectMemberParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
  ): Promise<EffectiveProjectAccessDto> {
    return this.effectiveAccess.explain(principal, access, params.userUuid);
  }
}
