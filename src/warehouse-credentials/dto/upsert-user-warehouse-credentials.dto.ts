import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsObject, IsString, MaxLength, ValidateBy, ValidateNested } from 'class-validator';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';

export const WAREHOUSE_TYPES = ['postgres', 'redshift', 'trino', 'clickhouse', 'snowflake', 'bigquery', 'databricks', 'athena'] as const;
export type WarehouseType = (typeof WAREHOUSE_TYPES)[number];

const USER_PASSWORD_WAREHOUSE_TYPES = ['postgres', 'redshift', 'trino', 'clickhouse'] as const;
const SNOWFLAKE_AUTHENTICATION_TYPES = ['password', 'private_key', 'sso', 'external_browser', 'none'] as const;
const BIGQUERY_AUTHENTICATION_TYPES = ['sso', 'private_key', 'adc'] as const;
const DATABRICKS_AUTHENTICATION_TYPES = ['personal_access_token', 'oauth_m2m', 'oauth_u2m'] as const;

function IsStringRecord() {
  return ValidateBy({
    name: 'isStringRecord',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string'),
      defaultMessage: (args) => `${args?.property} must be an object whose values are strings`,
    },
  });
}

/** What class-transformer builds when `type` names no variant: its only rule reports the allowed types. */
export class UnknownWarehouseCredentialsDto {
  @IsIn(WAREHOUSE_TYPES)
  type: string;
}

export class UserPasswordWarehouseCredentialsDto {
  @ApiProperty({ enum: USER_PASSWORD_WAREHOUSE_TYPES, example: 'postgres' })
  @IsIn(USER_PASSWORD_WAREHOUSE_TYPES)
  type: (typeof USER_PASSWORD_WAREHOUSE_TYPES)[number];

  @ApiProperty({ example: 'analyst' })
  @IsString()
  @IsNotEmpty()
  user: string;

  @ApiProperty({ example: 'correct horse battery staple', format: 'password', writeOnly: true })
  @IsString()
  password: string;
}

export class SnowflakeWarehouseCredentialsDto {
  @ApiProperty({ enum: ['snowflake'], example: 'snowflake' })
  @IsIn(['snowflake'])
  type: 'snowflake';

  @ApiProperty({ example: 'ANALYST' })
  @IsString()
  @IsNotEmpty()
  user: string;

  @ApiPropertyOptional({ format: 'password', writeOnly: true })
  @IsOptionalNotNull()
  @IsString()
  password?: string;

  @ApiPropertyOptional({ enum: SNOWFLAKE_AUTHENTICATION_TYPES, example: 'password' })
  @IsOptionalNotNull()
  @IsIn(SNOWFLAKE_AUTHENTICATION_TYPES)
  authenticationType?: (typeof SNOWFLAKE_AUTHENTICATION_TYPES)[number];

  @ApiPropertyOptional({ writeOnly: true })
  @IsOptionalNotNull()
  @IsString()
  refreshToken?: string;
}

export class BigqueryWarehouseCredentialsDto {
  @ApiProperty({ enum: ['bigquery'], example: 'bigquery' })
  @IsIn(['bigquery'])
  type: 'bigquery';

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    writeOnly: true,
    description: 'The service account key file (JSON) as an object',
    example: { type: 'service_account', project_id: 'my-project', private_key: '-----BEGIN PRIVATE KEY-----\n…', client_email: 'me@my-project.iam.gserviceaccount.com' },
  })
  @IsStringRecord()
  keyfileContents: Record<string, string>;

  @ApiPropertyOptional({ enum: BIGQUERY_AUTHENTICATION_TYPES, example: 'private_key' })
  @IsOptionalNotNull()
  @IsIn(BIGQUERY_AUTHENTICATION_TYPES)
  authenticationType?: (typeof BIGQUERY_AUTHENTICATION_TYPES)[number];
}

export class DatabricksWarehouseCredentialsDto {
  @ApiProperty({ enum: ['databricks'], example: 'databricks' })
  @IsIn(['databricks'])
  type: 'databricks';

  @ApiPropertyOptional({ writeOnly: true, example: 'dapi0123456789abcdef' })
  @IsOptionalNotNull()
  @IsString()
  personalAccessToken?: string;

  @ApiPropertyOptional({ writeOnly: true })
  @IsOptionalNotNull()
  @IsString()
  refreshToken?: string;

  @ApiPropertyOptional({ enum: DATABRICKS_AUTHENTICATION_TYPES, example: 'personal_access_token' })
  @IsOptionalNotNull()
  @IsIn(DATABRICKS_AUTHENTICATION_TYPES)
  authenticationType?: (typeof DATABRICKS_AUTHENTICATION_TYPES)[number];

  @ApiPropertyOptional({ example: 'analytics' })
  @IsOptionalNotNull()
  @IsString()
  database?: string;

  @ApiPropertyOptional({ example: 'dbc-a1b2c3d4-e5f6.cloud.databricks.com' })
  @IsOptionalNotNull()
  @IsString()
  serverHostName?: string;

  @ApiPropertyOptional({ example: '/sql/1.0/warehouses/abc123' })
  @IsOptionalNotNull()
  @IsString()
  httpPath?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  oauthClientId?: string;
}

export class AthenaWarehouseCredentialsDto {
  @ApiProperty({ enum: ['athena'], example: 'athena' })
  @IsIn(['athena'])
  type: 'athena';

  @ApiPropertyOptional({ example: 'AKIAIOSFODNN7EXAMPLE' })
  @IsOptionalNotNull()
  @IsString()
  accessKeyId?: string;

  @ApiPropertyOptional({ writeOnly: true })
  @IsOptionalNotNull()
  @IsString()
  secretAccessKey?: string;
}

export type WarehouseCredentialsInput =
  | UserPasswordWarehouseCredentialsDto
  | SnowflakeWarehouseCredentialsDto
  | BigqueryWarehouseCredentialsDto
  | DatabricksWarehouseCredentialsDto
  | AthenaWarehouseCredentialsDto;

const VARIANT_BY_TYPE: Record<WarehouseType, Function> = {
  postgres: UserPasswordWarehouseCredentialsDto,
  redshift: UserPasswordWarehouseCredentialsDto,
  trino: UserPasswordWarehouseCredentialsDto,
  clickhouse: UserPasswordWarehouseCredentialsDto,
  snowflake: SnowflakeWarehouseCredentialsDto,
  bigquery: BigqueryWarehouseCredentialsDto,
  databricks: DatabricksWarehouseCredentialsDto,
  athena: AthenaWarehouseCredentialsDto,
};

const VARIANTS = [...new Set(Object.values(VARIANT_BY_TYPE))];

/** Body of POST and PATCH: PATCH replaces both the name and the credentials. */
@ApiExtraModels(...VARIANTS)
export class UpsertUserWarehouseCredentialsDto {
  @ApiProperty({ example: 'My Postgres login', maxLength: 255 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiProperty({
    description: 'One variant, chosen by `type`; only these user-level fields are accepted',
    oneOf: VARIANTS.map((variant) => ({ $ref: getSchemaPath(variant) })),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(Object.entries(VARIANT_BY_TYPE).map(([type, variant]) => [type, getSchemaPath(variant)])),
    },
    example: { type: 'postgres', user: 'analyst', password: 'correct horse battery staple' },
  })
  @IsObject()
  @ValidateNested()
  @Type(() => UnknownWarehouseCredentialsDto, {
    keepDiscriminatorProperty: true,
    discriminator: {
      property: 'type',
      subTypes: Object.entries(VARIANT_BY_TYPE).map(([name, value]) => ({ name, value: value as new () => object })),
    },
  })
  credentials: WarehouseCredentialsInput;
}
