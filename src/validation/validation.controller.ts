import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { ProjectParamsDto } from '../projects/dto/project.dto.js';
import { ValidateProjectDto, ValidationJobDto, ValidationParamsDto, ValidationQueryDto, ValidationResultDto } from './dto/validation.dto.js';
import { ValidationService } from './validation.service.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;

@ApiTags('Projects')
@Controller('projects/:projectUuid/validate')
export class ValidationController {
  constructor(private readonly validation: ValidationService) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('project:develop', PROJECT)
  @AuditAction('project.validate', 'project', 'projectUuid')
  @ApiOperation({
    operationId: 'ValidateProject',
    summary: "Check the project's charts, dashboards and explores for fields and charts that no longer exist; read the results with GET",
  })
  @ApiOkResponse({ type: ValidationJobDto })
  validate(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @Body() body: ValidateProjectDto): Promise<ValidationJobDto> {
    return this.validation.validate(access, body);
  }

  @Get()
  @RequirePermission('project:develop', PROJECT)
  @ApiOperation({ operationId: 'GetLatestValidationResults', summary: 'The results of the latest project-wide validation, or of one run (`jobId`)' })
  @ApiOkResponse({ type: [ValidationResultDto] })
  list(
    @Param() _params: ProjectParamsDto,
    @Query() query: ValidationQueryDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
  ): Promise<ValidationResultDto[]> {
    return this.validation.list(principal, access, query.jobId);
  }

  @Delete(':validationId')
  @RequirePermission('project:develop', PROJECT)
  @AuditAction('project.validation.dismiss', 'project', 'projectUuid')
  @ApiOperation({ operationId: 'DeleteValidationDismiss', summary: 'Dismiss one validation result (it comes back with the next run if the problem remains)' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  dismiss(@Param() params: ValidationParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<void> {
    return this.validation.dismiss(access, params.validationId);
  }
}
