import { Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { ProjectParamsDto } from './dto/project.dto.js';
import { UserWarehouseCredentialsDto } from '../warehouse-credentials/dto/user-warehouse-credentials.dto.js';
import { ProjectUserCredentialsParamsDto } from './dto/project-user-credentials.dto.js';
import { ProjectUserCredentialsService } from './project-user-credentials.service.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;

/** The caller's own warehouse credentials for a project; nobody sees or sets anyone else's. */
@ApiTags('Projects')
@Controller('projects/:projectUuid/user-credentials')
export class ProjectUserCredentialsController {
  constructor(private readonly userCredentials: ProjectUserCredentialsService) {}

  @Get()
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({
    operationId: 'GetProjectUserCredentials',
    summary: 'The warehouse credentials your queries in the project use: the selected ones, else your oldest of its warehouse type; no `results` when you have none',
  })
  @ApiOkResponse({ type: UserWarehouseCredentialsDto })
  preferred(
    @Param() _params: ProjectParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
  ): Promise<UserWarehouseCredentialsDto | undefined> {
    return this.userCredentials.preferred(principal, access);
  }

  @Patch(':userWarehouseCredentialsUuid')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'SelectProjectUserCredentials', summary: 'Use one of your warehouse credentials for the project' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  select(
    @Param() params: ProjectUserCredentialsParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
  ): Promise<void> {
    return this.userCredentials.select(principal, access, params.userWarehouseCredentialsUuid);
  }
}
