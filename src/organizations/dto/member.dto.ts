import { IsOptionalNotNull } from '../../common/transforms.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, IsUUID, MaxLength, Min } from 'class-validator';
import { ORGANIZATION_ROLES, type OrganizationRole } from '../../authorization/roles.js';
import { PaginationQueryDto } from '../../common/pagination.js';

export class MemberGroupDto {
  @ApiProperty({ format: 'uuid' })
  uuid: string;

  @ApiProperty({ example: 'Data Stewards' })
  name: string;
}

/** OrganizationMemberProfile. */
export class OrganizationMemberDto {
  @ApiProperty({ format: 'uuid' })
  userUuid: string;

  @ApiProperty({ example: 'Ada' })
  firstName: string;

  @ApiProperty({ example: 'Lovelace' })
  lastName: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ format: 'uuid' })
  organizationUuid: string;

  @ApiProperty({ enum: ORGANIZATION_ROLES, example: 'editor' })
  role: OrganizationRole;

  @ApiPropertyOptional({ format: 'uuid', description: 'The organization custom role held (then `role` is the placeholder `member`)' })
  roleUuid?: string;

  @ApiProperty({ example: true })
  isActive: boolean;

  @ApiProperty({ example: false, description: 'Invited, has not registered yet' })
  isPending: boolean;

  @ApiProperty({ example: false, description: 'Pending, and the invite is no longer valid' })
  isInviteExpired: boolean;

  @ApiProperty({ format: 'date-time', type: String })
  userCreatedAt: string;

  @ApiProperty({ format: 'date-time', type: String })
  userUpdatedAt: string;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: no avatars here' })
  avatarUrl: null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: no avatars here' })
  avatarGradient: null;

  @ApiProperty({ example: false, description: 'Always false: one role per member and organization here' })
  hasMultipleRoles: boolean;

  @ApiPropertyOptional({ type: [MemberGroupDto], description: 'With includeGroups > 0: the member\'s groups (empty unless you are an organization admin)' })
  groups?: MemberGroupDto[];
}

export class ListMembersQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ example: 'ada', description: 'Matches first name, last name or email' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  searchQuery?: string;

  @ApiPropertyOptional({ example: 10, description: 'When > 0: each member carries `groups` (filled for organization admins, empty for everyone else) and, unless paginated, only this many members are listed (as Lightdash)' })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  includeGroups?: number;
}

export class MemberParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userUuid: string;
}

/** Any text: a string that is no email matches nobody, so it is 404 like an unknown email (as Lightdash), not 422. */
export class MemberEmailParamsDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsString()
  @MaxLength(254)
  email: string;
}

export class UpdateMemberRoleDto {
  @ApiProperty({ enum: ORGANIZATION_ROLES, example: 'editor' })
  @IsIn(ORGANIZATION_ROLES)
  role: OrganizationRole;
}

export class OrganizationUuidParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  organizationUuid: string;
}
