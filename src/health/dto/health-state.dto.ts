import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class PatOptionsDto {
  @ApiPropertyOptional({ example: 90, nullable: true, description: 'Longest allowed token lifetime in days; absent when unlimited' })
  maxExpirationTimeInDays?: number;
}

export class SsoOptionsDto {
  @ApiProperty({ example: true, description: 'Whether this sign-in method is configured' })
  enabled: boolean;

  @ApiProperty({ example: '/login/oidc', description: 'Where a browser starts the sign-in, under /api/v1' })
  loginPath: string;
}

export class AuthOptionsDto {
  @ApiProperty({ type: Object, description: 'azuread, databricks, google, okta, oneLogin, snowflake: as an unconfigured Lightdash answers them (never enabled here)' })
  azuread: object;
  databricks: object;
  google: object;
  okta: object;
  oneLogin: object;
  snowflake: object;

  @ApiProperty({ example: false })
  disablePasswordAuthentication: boolean;

  @ApiProperty({ type: SsoOptionsDto, description: 'OpenID Connect single sign-on (AUTH_OIDC_*)' })
  oidc: SsoOptionsDto;

  @ApiProperty({ type: PatOptionsDto })
  pat: PatOptionsDto;
}

export class LatestVersionDto {
  @ApiPropertyOptional({ example: '0.1.0', description: 'Not reported: an on-prem server does not call home' })
  version?: string;
}

export class QueryLimitsDto {
  @ApiProperty({ example: 100000, description: 'LIGHTDASH_CSV_CELLS_LIMIT: cells of a CSV download' })
  csvCellsLimit: number;

  @ApiProperty({ example: 5000, description: 'LIGHTDASH_QUERY_MAX_LIMIT: the largest row limit of an interactive query' })
  maxLimit: number;

  @ApiProperty({ example: 5000000 })
  csvMaxLimit: number;

  @ApiProperty({ example: 5000 })
  queryMaxLimit: number;

  @ApiProperty({ example: 2500, description: 'LIGHTDASH_QUERY_MAX_PAGE_SIZE: rows per results page at most' })
  maxPageSize: number;

  @ApiProperty({ example: 500, description: 'LIGHTDASH_QUERY_DEFAULT_LIMIT' })
  defaultLimit: number;

  @ApiProperty({ example: false })
  retryQueryOnTransientErrors: boolean;
}

export class HealthStateDto {
  @ApiProperty({ example: true, description: 'The server reached its database just now' })
  healthy: boolean;

  @ApiProperty({ example: 'default', enum: ['default', 'demo', 'pr', 'cloud_beta', 'development'] })
  mode: string;

  @ApiProperty({ example: '0.1.0' })
  version: string;

  @ApiProperty({ example: false, description: 'The request carried a valid session or token' })
  isAuthenticated: boolean;

  @ApiProperty({ example: true, description: 'No organization exists yet: the first user must create one' })
  requiresOrgRegistration: boolean;

  @ApiProperty({ example: false, description: 'Email is sent over SMTP (otherwise written to the log)' })
  hasEmailClient: boolean;

  @ApiProperty({ example: 'http://localhost:8080' })
  siteUrl: string;

  @ApiProperty({ type: LatestVersionDto })
  latest: LatestVersionDto;

  @ApiProperty({ type: AuthOptionsDto })
  auth: AuthOptionsDto;

  @ApiProperty({ type: QueryLimitsDto, description: 'Query limits, as the SDK reads them' })
  query: QueryLimitsDto;

  @ApiProperty({ example: true, description: 'Custom roles take effect (without a licence, DESIGN §8.7)' })
  isCustomRolesEnabled: boolean;

  @ApiProperty({ type: Object, example: { enabled: true, retentionDays: 30 }, description: 'Deleted content stays in the trash for retentionDays (TRASH_RETENTION_DAYS)' })
  softDelete: { enabled: boolean; retentionDays: number };
}
