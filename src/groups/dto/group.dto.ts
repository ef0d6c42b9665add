import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PaginationDto } from '../../common/pagination.js';

export class GroupMemberDto {
  @ApiProperty({ format: 'uuid', example: '33733f42-8ff7-460b-9e20-50a2133d3bb0' })
  userUuid: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ example: 'Ada' })
  firstName: string;

  @ApiProperty({ example: 'Lovelace' })
  lastName: string;

  @ApiPropertyOptional({ format: 'uuid', description: "The member's group; only in the group list with includeMembers, as Lightdash lists it" })
  groupUuid?: string;
}

/** Group, with Secoda's `description` and `icon`. */
export class GroupDto {
  @ApiProperty({ format: 'uuid', example: 'f3bdd4f8-d6ea-4f9b-8384-e179fa8eb3da' })
  uuid: string;

  @ApiProperty({ example: 'Data Stewards' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: 'Users responsible for keeping documentation up to date.' })
  description: string | null;

  @ApiProperty({ type: String, nullable: true, example: '🧪', description: 'An emoji' })
  icon: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null once that user is deleted' })
  createdByUserUuid: string | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null until the group is first changed, and once that user is deleted' })
  updatedByUserUuid: string | null;

  @ApiProperty({ format: 'uuid' })
  organizationUuid: string;
}

/** GroupWithMembers: `memberUuids` always lists every member; `members` may be a window of them. */
export class GroupWithMembersDto extends GroupDto {
  @ApiProperty({ type: [GroupMemberDto], description: 'Ordered by name; limited by includeMembers (and offset) when given' })
  members: GroupMemberDto[];

  @ApiProperty({ type: [String], format: 'uuid', example: ['33733f42-8ff7-460b-9e20-50a2133d3bb0'], description: 'Every member, in the same order' })
  memberUuids: string[];
}

export class GroupPageDto {
  @ApiProperty({ type: [GroupWithMembersDto], description: 'Groups ordered by name; `members` and `memberUuids` only with includeMembers' })
  data: (GroupDto | GroupWithMembersDto)[];

  @ApiPropertyOptional({ type: PaginationDto, description: 'Present when both page and pageSize are given' })
  pagination?: PaginationDto;
}
