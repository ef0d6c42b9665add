import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsUUID, Matches } from 'class-validator';
import { IsArrayOfOpaqueObjects } from '../../charts/dto/chart.dto.js';
import { IsOptionalNotNull } from '../../common/transforms.js';
import { MAX_EXPLORES } from '../../explores/explore-upload.js';
import type { ValidationTarget } from '../validate-content.js';

export const VALIDATION_TARGETS = ['charts', 'dashboards', 'tables'] as const satisfies readonly ValidationTarget[];

export class ValidateProjectDto {
  @ApiPropertyOptional({
    type: [Object],
    description: 'Compiled explores to validate against instead of the uploaded ones (as the CLI sends them); the results are kept under the job id only',
  })
  @IsOptionalNotNull()
  @IsArrayOfOpaqueObjects()
  @ArrayMaxSize(MAX_EXPLORES)
  explores?: Record<string, unknown>[];

  @ApiPropertyOptional({ enum: VALIDATION_TARGETS, isArray: true, description: 'What to validate (default: all three)' })
  @IsOptionalNotNull()
  @IsArray()
  @IsIn(VALIDATION_TARGETS, { each: true })
  validationTargets?: ValidationTarget[];

  @ApiPropertyOptional({ description: 'With `explores`: validate only the charts (and their dashboards) of those explores' })
  @IsOptionalNotNull()
  @IsBoolean()
  onlyValidateExploresInArgs?: boolean;
}

export class ValidationJobDto {
  @ApiProperty({ format: 'uuid', description: 'Read the results with GET /projects/{p}/validate?jobId=…' })
  jobId: string;
}

export class ValidationQueryDto {
  @ApiPropertyOptional({ description: 'Accepted for compatibility (the settings page sends it); changes nothing' })
  @IsOptionalNotNull()
  @IsIn(['true', 'false'])
  fromSettings?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The results of one run; without it, the results of the latest project-wide run' })
  @IsOptionalNotNull()
  @IsUUID()
  jobId?: string;
}

export class ValidationParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectUuid: string;

  @ApiProperty({ type: String, example: '42', description: 'The numeric `validationId` of a result' })
  @Matches(/^[1-9]\d{0,17}$/, { message: 'validationId must be a positive integer' })
  validationId: string;
}

export class ValidationResultDto {
  @ApiProperty() validationId: number;
  @ApiProperty({ format: 'uuid' }) validationUuid: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ description: 'The chart, dashboard or explore name; "Private content" for content in a space you cannot see' }) name: string;
  @ApiProperty() error: string;
  @ApiProperty({ enum: ['chart', 'sorting', 'filter', 'metric', 'model', 'dimension', 'custom metric'] }) errorType: string;
  @ApiProperty({ format: 'uuid' }) projectUuid: string;
  @ApiPropertyOptional({ format: 'uuid' }) spaceUuid?: string;
  @ApiProperty({ enum: ['chart', 'dashboard', 'table'] }) source: string;
  @ApiPropertyOptional({ format: 'uuid' }) chartUuid?: string;
  @ApiPropertyOptional() chartKind?: string;
  @ApiPropertyOptional({ format: 'uuid' }) dashboardUuid?: string;
  @ApiPropertyOptional() chartName?: string;
  @ApiPropertyOptional() fieldName?: string;
  @ApiPropertyOptional() tableName?: string;
  @ApiPropertyOptional({ enum: ['field_does_not_exist', 'table_does_not_exist'] }) dashboardFilterErrorType?: string;
  @ApiPropertyOptional({ description: 'First and last name of who last changed the content' }) lastUpdatedBy?: string;
  @ApiPropertyOptional() lastUpdatedAt?: Date;
  @ApiPropertyOptional() chartViews?: number;
  @ApiPropertyOptional() dashboardViews?: number;
}
