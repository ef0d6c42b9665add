import { IsOptionalNotNull } from '../../common/transforms.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, IsUUID, MaxLength, Min } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.js';

export class GroupParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  groupUuid: string;
}

export class GroupMemberParamsDto extends GroupParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userUuid: string;
}

export class ListGroupsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ example: 'steward', description: 'Matches part of the group name, ignoring case' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  searchQuery?: string;

  @ApiPropertyOptional({ example: 10, minimum: 0, description: 'When given, each group lists up to this many `members` and all its `memberUuids`' })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  includeMembers?: number;
}

export class GetGroupQueryDto {
  @ApiPropertyOptional({ example: 10, minimum: 0, description: 'List at most this many `members` (all when omitted); `memberUuids` always lists all' })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  includeMembers?: number;

  @ApiPropertyOptional({ example: 0, minimum: 0, description: 'Skip this many members in `members`' })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}
