import { IsOptionalNotNull } from '../../common/transforms.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsString, IsUUID, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.js';

export class AuditLogQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only entries by this user' })
  @IsOptionalNotNull()
  @IsUUID()
  actorUuid?: string;

  @ApiPropertyOptional({ description: 'Only entries about this object (a user, group or organization uuid)' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(128)
  targetUuid?: string;

  @ApiPropertyOptional({ example: 'member.role.update', description: 'Exact action, or a prefix ending in a dot (`group.`)' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ enum: ['success', 'denied', 'failed'] })
  @IsOptionalNotNull()
  @IsIn(['success', 'denied', 'failed'])
  outcome?: 'success' | 'denied' | 'failed';

  @ApiPropertyOptional({ format: 'date-time', description: 'Entries at or after this time' })
  @IsOptionalNotNull()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Entries before this time' })
  @IsOptionalNotNull()
  @IsISO8601({ strict: true })
  to?: string;
}

export class AuditActorDto {
  @ApiProperty({ format: 'uuid' })
  userUuid: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;
}

export class AuditLogEntryDto {
  @ApiProperty({ format: 'uuid' })
  uuid: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ type: AuditActorDto, nullable: true, description: 'null for actions without a logged-in actor (accepting an invite)' })
  actor: AuditActorDto | null;

  @ApiProperty({ example: 'member.role.update' })
  action: string;

  @ApiProperty({ example: 'user', nullable: true })
  targetType: string | null;

  @ApiProperty({ nullable: true })
  targetUuid: string | null;

  @ApiProperty({ enum: ['success', 'denied', 'failed'] })
  outcome: string;

  @ApiProperty({ example: 403, nullable: true, description: 'The HTTP status of a refused attempt' })
  statusCode: number | null;

  @ApiProperty({ nullable: true, description: 'The x-request-id of the request' })
  requestId: string | null;

  @ApiProperty({ example: { from: 'viewer', to: 'editor' } })
  details: Record<string, unknown>;
}
