import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { ORGANIZATION_ROLES, PROJECT_ROLES, type OrganizationRole, type ProjectRole } from '../../authorization/roles.js';

export class OrganizationRoleSourceDto {
  @ApiProperty({ enum: ['organization'] })
  source: 'organization';

  @ApiProperty({ enum: PROJECT_ROLES, nullable: true, description: 'The organization role as a project role (`member` gives none)' })
  role: ProjectRole | null;

  @ApiProperty({ enum: ORGANIZATION_ROLES })
  organizationRole: OrganizationRole;
}

export class DirectRoleSourceDto {
  @ApiProperty({ enum: ['direct'] })
  source: 'direct';

  @ApiProperty({ enum: PROJECT_ROLES, nullable: true, description: 'The direct grant on the project, if any' })
  role: ProjectRole | null;
}

export class GroupRoleSourceDto {
  @ApiProperty({ enum: ['group'] })
  source: 'group';

  @ApiProperty({ format: 'uuid' })
  groupUuid: string;

  @ApiProperty({ example: 'Data stewards' })
  groupName: string;

  @ApiProperty({ enum: PROJECT_ROLES })
  role: ProjectRole;
}

export type ProjectRoleSource = OrganizationRoleSourceDto | DirectRoleSourceDto | GroupRoleSourceDto;

@ApiExtraModels(OrganizationRoleSourceDto, DirectRoleSourceDto, GroupRoleSourceDto)
export class EffectiveProjectAccessDto {
  @ApiProperty({ format: 'uuid' })
  userUuid: string;

  @ApiProperty({ format: 'uuid' })
  projectUuid: string;

  @ApiProperty({ enum: PROJECT_ROLES, nullable: true, description: 'The highest role of all sources; null means no access' })
  role: ProjectRole | null;

  @ApiProperty({
    description: 'Where the role comes from: the organization role, the direct grant, then each group of the user granted the project (by name)',
    type: 'array',
    items: { oneOf: [OrganizationRoleSourceDto, DirectRoleSourceDto, GroupRoleSourceDto].map((model) => ({ $ref: getSchemaPath(model) })) },
  })
  sources: ProjectRoleSource[];
}
