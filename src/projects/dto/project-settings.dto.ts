import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsOptionalNotNull, Trim } from '../../common/transforms.js';
import { IsTimeZone } from '../time-zone.js';

/** UpdateSchedulerSettings: every field optional; an empty body changes nothing. */
export class UpdateSchedulerSettingsDto {
  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'The default time zone of the project\'s schedulers (an IANA time zone)' })
  @IsOptionalNotNull()
  @IsTimeZone()
  schedulerTimezone?: string;

  @ApiPropertyOptional({ example: true, description: 'Tell the recipients of a scheduled delivery when it fails' })
  @IsOptionalNotNull()
  @IsBoolean()
  schedulerFailureNotifyRecipients?: boolean;

  @ApiPropertyOptional({ example: true, description: 'Include a contact in failure notices' })
  @IsOptionalNotNull()
  @IsBoolean()
  schedulerFailureIncludeContact?: boolean;

  @ApiPropertyOptional({ example: 'data-team@example.com', nullable: true, maxLength: 255, description: 'The contact named in failure notices instead of the scheduler\'s owner; null clears it' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(255)
  schedulerFailureContactOverride?: string | null;
}

/** UpdateMetadata. */
export class UpdateProjectMetadataDto {
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description: 'The project content is promoted to: a project of the same organization you can see; null clears it, absent keeps it',
  })
  @IsOptional()
  @IsUUID()
  upstreamProjectUuid?: string | null;
}

export const SEMANTIC_LAYER_TYPES = ['DBT', 'CUBE'] as const;

/**
 * The project's semantic-layer connection, replaced as a whole. The token is kept (encrypted, never
 * returned); left out or empty, the stored one is kept while type, domain and environment are unchanged.
 */
export class UpdateSemanticLayerConnectionDto {
  @ApiProperty({ enum: SEMANTIC_LAYER_TYPES, example: 'DBT' })
  @IsIn(SEMANTIC_LAYER_TYPES)
  type: (typeof SEMANTIC_LAYER_TYPES)[number];

  @ApiPropertyOptional({ example: '123456', maxLength: 1024, description: 'The dbt Cloud environment (type DBT; ignored for CUBE)' })
  @IsOptionalNotNull()
  @Trim()
  @IsString()
  @MaxLength(1024)
  environmentId?: string;

  @ApiPropertyOptional({ example: 'semantic-layer.cloud.getdbt.com', maxLength: 2048, description: 'Where the semantic layer is served' })
  @IsOptionalNotNull()
  @Trim()
  @IsString()
  @MaxLength(2048)
  domain?: string;

  @ApiPropertyOptional({ writeOnly: true, maxLength: 65536, description: 'Kept on the server (encrypted), never returned' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(64 * 1024)
  token?: string;
}
