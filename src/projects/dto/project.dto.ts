import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsString, IsUUID, MaxLength, ValidateBy } from 'class-validator';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';

export const PROJECT_TYPES = ['DEFAULT', 'PREVIEW'] as const;
export const DBT_PROJECT_TYPES = ['dbt', 'dbt_cloud_ide', 'github', 'bitbucket', 'gitlab', 'azure_devops', 'none', 'manifest'] as const;
export const WAREHOUSE_TYPES = ['bigquery', 'postgres', 'redshift', 'snowflake', 'databricks', 'trino', 'clickhouse', 'athena'] as const;
export const DBT_VERSIONS = ['v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11', 'latest'] as const;

export type Connection = { type: string } & Record<string, unknown>;

/**
 * An object whose `type` is one of `types`; its other fields depend on the type and are kept as given
 * (a connection's secrets are encrypted and never returned).
 */
export function IsConnectionOfType(types: readonly string[]) {
  return ValidateBy({
    name: 'isConnectionOfType',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' && value !== null && !Array.isArray(value) && types.includes((value as { type?: unknown }).type as string),
      defaultMessage: (args) => `${args?.property} must be an object whose type is one of: ${types.join(', ')}`,
    },
  });
}

export class CreateProjectDto {
  @ApiProperty({ example: 'Jaffle shop', maxLength: 255 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiProperty({ enum: PROJECT_TYPES, example: 'DEFAULT' })
  @IsIn(PROJECT_TYPES)
  type: (typeof PROJECT_TYPES)[number];

  @ApiProperty({ type: Object, example: { type: 'none' }, description: 'DbtProjectConfig; secrets (tokens, keys) are stored encrypted and never returned' })
  @IsConnectionOfType(DBT_PROJECT_TYPES)
  dbtConnection: Connection;

  @ApiProperty({ enum: DBT_VERSIONS, example: 'v1.9' })
  @IsIn(DBT_VERSIONS)
  dbtVersion: string;

  @ApiPropertyOptional({
    type: Object,
    example: { type: 'postgres', host: 'db.internal', port: 5432, user: 'lightdash', password: 's3cret', dbname: 'analytics', schema: 'public' },
    description: 'Warehouse credentials; passwords and keys are stored encrypted and never returned',
  })
  @IsOptionalNotNull()
  @IsConnectionOfType(WAREHOUSE_TYPES)
  warehouseConnection?: Connection;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  upstreamProjectUuid?: string;

  @ApiPropertyOptional({ description: 'Accepted for compatibility; content is never copied here', example: false })
  @IsOptionalNotNull()
  @IsBoolean()
  copyContent?: boolean;

  @ApiPropertyOptional({ description: 'Accepted for compatibility', example: false })
  @IsOptionalNotNull()
  @IsBoolean()
  copyWarehouseConnectionFromUpstreamProject?: boolean;

  @ApiPropertyOptional({ enum: ['prod', 'all'], description: 'Accepted for compatibility' })
  @IsOptionalNotNull()
  @IsIn(['prod', 'all'])
  tableConfiguration?: string;
}

export class ProjectDto {
  @ApiProperty({ format: 'uuid' })
  organizationUuid: string;

  @ApiProperty({ format: 'uuid' })
  projectUuid: string;

  @ApiProperty({ example: 'Jaffle shop' })
  name: string;

  @ApiProperty({ enum: PROJECT_TYPES })
  type: string;

  @ApiProperty({ type: Object, example: { type: 'none' }, description: 'Without secrets' })
  dbtConnection: Record<string, unknown>;

  @ApiPropertyOptional({ type: Object, example: { type: 'postgres', host: 'db.internal', port: 5432, user: 'lightdash' }, description: 'Without secrets' })
  warehouseConnection?: Record<string, unknown>;

  @ApiProperty({ enum: DBT_VERSIONS })
  dbtVersion: string;

  @ApiProperty({ example: 'UTC' })
  schedulerTimezone: string;

  @ApiProperty({ example: false, description: 'Tell the recipients of a scheduled delivery when it fails' })
  schedulerFailureNotifyRecipients: boolean;

  @ApiProperty({ example: false, description: 'Include a contact in failure notices' })
  schedulerFailureIncludeContact: boolean;

  @ApiProperty({ example: null, nullable: true, type: String, description: "The contact named in failure notices instead of the scheduler's owner" })
  schedulerFailureContactOverride: string | null;

  @ApiProperty({ format: 'uuid', nullable: true })
  createdByUserUuid: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  upstreamProjectUuid?: string;

  @ApiProperty({ example: false })
  hasDefaultUserSpaces: boolean;
}

export class CreateProjectResultDto {
  @ApiProperty({ type: ProjectDto })
  project: ProjectDto;

  @ApiProperty({ example: false })
  hasContentCopy: boolean;
}

/** Items of GET /org/projects. */
export class OrganizationProjectDto {
  @ApiProperty({ format: 'uuid' })
  projectUuid: string;

  @ApiProperty({ example: 'Jaffle shop' })
  name: string;

  @ApiProperty({ enum: PROJECT_TYPES })
  type: string;

  @ApiProperty({ format: 'uuid', nullable: true })
  createdByUserUuid: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'uuid', nullable: true })
  upstreamProjectUuid: string | null;

  @ApiPropertyOptional({ enum: WAREHOUSE_TYPES })
  warehouseType?: string;
}

export class ProjectParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectUuid: string;
}
