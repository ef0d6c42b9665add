import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsUUID } from 'class-validator';
import { PROJECT_ROLES, type ProjectRole } from '../../authorization/roles.js';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';

/** ProjectMemberProfile: an explicit grant on a project. */
export class ProjectMemberDto {
  @ApiProperty({ format: 'uuid' })
  userUuid: string;

  @ApiProperty({ format: 'uuid' })
  projectUuid: string;

  @ApiProperty({ enum: PROJECT_ROLES })
  role: ProjectRole;

  @ApiProperty({ example: 'grace@example.com' })
  email: string;

  @ApiProperty({ example: 'Grace' })
  firstName: string;

  @ApiProperty({ example: 'Hopper' })
  lastName: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The custom role held (then `role` is the placeholder `viewer`)' })
  roleUuid?: string;
}

/** An item of the project's access list, which (as Lightdash's) also says whether the user has several roles. */
export class ProjectMemberListItemDto extends ProjectMemberDto {
  @ApiProperty({ example: false, description: 'Always false: one direct grant per user and project here' })
  hasMultipleRoles: boolean;
}

export class GrantProjectAccessDto {
  @ApiProperty({ example: 'grace@example.com', description: 'A member of the project’s organization' })
  @Trim()
  @IsEmail()
  email: string;

  @ApiProperty({ enum: PROJECT_ROLES, example: 'editor' })
  @IsIn(PROJECT_ROLES)
  role: ProjectRole;

  @ApiProperty({ example: false, description: 'Accepted for compatibility; no email is sent' })
  @IsOptionalNotNull()
  @IsBoolean()
  sendEmail?: boolean;
}

export class UpdateProjectAccessDto {
  @ApiProperty({ enum: PROJECT_ROLES, example: 'developer' })
  @IsIn(PROJECT_ROLES)
  role: ProjectRole;
}

export class ProjectMemberParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectUuid: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userUuid: string;
}
