import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';
import { ConnectionModels, IsConnection } from '../../connections/connection-dto.js';
import { type Connection, DBT_CONNECTIONS, WAREHOUSE_CONNECTIONS, WAREHOUSE_TYPES } from '../../connections/connection-schemas.js';

export const PROJECT_TYPES = ['DEFAULT', 'PREVIEW'] as const;
export const DBT_VERSIONS = ['v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11', 'latest'] as const;

export const DBT_CONNECTION_DOCS = {
  description: 'DbtProjectConfig, by `type`. Tokens and keys are stored encrypted and never returned; fields not listed for the type are ignored',
  example: { type: 'github', authorization_method: 'personal_access_token', personal_access_token: 'ghp_…', repository: 'acme/dbt', branch: 'main', project_sub_path: '/' },
};
export const WAREHOUSE_CONNECTION_DOCS = {
  description:
    'Warehouse credentials, by `type`. Passwords, keys, TLS keys and certificates and the `user` are stored encrypted and never returned; fields not listed for the type are ignored',
  example: { type: 'postgres', host: 'db.internal', port: 5432, user: 'lightdash', password: 's3cret', dbname: 'analytics', schema: 'public', sslmode: 'require' },
};

@ConnectionModels(DBT_CONNECTIONS)
@ConnectionModels(WAREHOUSE_CONNECTIONS)
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

  @IsConnection(DBT_CONNECTIONS, DBT_CONNECTION_DOCS)
  dbtConnection: Connection;

  @ApiProperty({ enum: DBT_VERSIONS, example: 'v1.9' })
  @IsIn(DBT_VERSIONS)
  dbtVersion: string;

  @IsOptionalNotNull()
  @IsConnection(WAREHOUSE_CONNECTIONS, { ...WAREHOUSE_CONNECTION_DOCS, required: false })
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

  @ApiProperty({ type: Object, example: { type: 'none' }, description: 'Only the fields of its type that are not secret' })
  dbtConnection: Record<string, unknown>;

  @ApiPropertyOptional({
    type: Object,
    example: { type: 'postgres', host: 'db.internal', port: 5432, dbname: 'analytics', schema: 'public', sslmode: 'require' },
    description: 'Only the fields of its type that are not secret (no user, password, keys or certificates)',
  })
  warehouseConnection?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: Object,
    example: { type: 'DBT', domain: 'semantic-layer.cloud.getdbt.com', environmentId: '123456' },
    description: 'Present when set: the type, domain and environment; never the token',
  })
  semanticLayerConnection?: Record<string, unknown>;

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

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: no project colour palette here' })
  colorPaletteUuid: null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: no pinned list here' })
  pinnedListUuid: null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: projects here do not expire' })
  expiresAt: null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: projects here are not provisioned from elsewhere' })
  provisioningSource: null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: no query time zone override' })
  queryTimezone: null;

  @ApiProperty({ example: false })
  useProjectTimezoneInFilters: boolean;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: no AI agent here' })
  agentSqlScope: null;
}

/** PATCH /projects/{p}: the compile job Lightdash would start (none here: the change is done when answered). */
export class ProjectUpdateJobDto {
  @ApiProperty({ format: 'uuid' })
  jobUuid: string;
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

  @ApiProperty({ example: 'Ada Lovelace', nullable: true, type: String, description: "The creator's first and last name" })
  createdByUserName: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  expiresAt: null;

  @ApiProperty({ type: String, nullable: true, example: null })
  provisioningSource: null;

  @ApiProperty({ example: false, description: 'Always false: every member queries with the project connection (lightdash-client-python requires the key)' })
  requireUserCredentials: boolean;
}

export class ProjectParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectUuid: string;
}
