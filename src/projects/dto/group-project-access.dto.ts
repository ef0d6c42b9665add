import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { PROJECT_ROLES, type ProjectRole } from '../../authorization/roles.js';

/** ProjectGroupAccess: a group's role on a project. */
export class ProjectGroupAccessDto {
  @ApiProperty({ format: 'uuid' })
  projectUuid: string;

  @ApiProperty({ format: 'uuid' })
  groupUuid: string;

  @ApiProperty({ example: 'viewer', description: 'A project role, or the uuid of the custom role the group holds' })
  role: ProjectRole;
}

export class GroupProjectAccessRoleDto {
  @ApiProperty({ enum: PROJECT_ROLES, example: 'viewer' })
  @IsIn(PROJECT_ROLES)
  role: ProjectRole;
}

export class GroupProjectParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  groupUuid: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectUuid: string;
}
