import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsOptionalNotNull, Trim } from '../../common/transforms.js';

export const MAX_GROUP_MEMBERS_PER_REQUEST = 1000;

// one or more emoji, including ZWJ sequences, flags, keycaps and skin tones (needs the `v` flag)
const EMOJI = new RegExp('^(?:\\p{RGI_Emoji}|\\p{Extended_Pictographic})+$', 'v');


export class GroupMemberReferenceDto {
  @ApiProperty({ format: 'uuid', example: '33733f42-8ff7-460b-9e20-50a2133d3bb0' })
  @IsUUID()
  userUuid: string;
}

/** What creation and update share: membership, description and icon. */
class GroupDetailsDto {
  @ApiPropertyOptional({
    type: [GroupMemberReferenceDto],
    maxItems: MAX_GROUP_MEMBERS_PER_REQUEST,
    description:
      'Members of your organization (pending invitees included); any other user refuses the whole request (400). On update, the complete new membership: members not listed are removed.',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_GROUP_MEMBERS_PER_REQUEST)
  @ValidateNested({ each: true })
  @Type(() => GroupMemberReferenceDto)
  members?: GroupMemberReferenceDto[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 1000, example: 'Users responsible for keeping documentation up to date.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 32, example: '🧪', description: 'An emoji' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @Matches(EMOJI, { message: 'icon must be an emoji' })
  icon?: string | null;
}

export class CreateGroupDto extends GroupDetailsDto {
  @ApiProperty({ example: 'Data Stewards', maxLength: 255, description: 'Trimmed; unique in the organization, ignoring case' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;
}

/** Only the fields given change; `description` and `icon` are cleared with null; `members` replaces the whole membership. */
export class UpdateGroupDto extends GroupDetailsDto {
  @ApiPropertyOptional({ example: 'Data Stewards', maxLength: 255, description: 'Trimmed; unique in the organization, ignoring case' })
  @IsOptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;
}
