import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
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
