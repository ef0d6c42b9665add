import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsNotEmpty, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { ORGANIZATION_ROLES, type OrganizationRole, PROJECT_ROLES, type ProjectRole, SPACE_ROLES, type SpaceRole } from '../../authorization/roles.js';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';
import { INHERITED_FROM, type InheritedFrom } from '../space-access-origin.js';

export class SpaceParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectUuid: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  spaceUuid: string;
}

export class SpaceUserParamsDto extends SpaceParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userUuid: string;
}

export class SpaceGroupParamsDto extends SpaceParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  groupUuid: string;
}

export class InitialSpaceShareDto {
  @ApiProperty({ format: 'uuid', description: 'A member of the project’s organization' })
  @IsUUID()
  userUuid: string;

  @ApiProperty({ enum: SPACE_ROLES, example: 'viewer' })
  @IsIn(SPACE_ROLES)
  role: SpaceRole;
}

export class CreateSpaceDto {
  @ApiProperty({ example: 'Ventes été 2024', maxLength: 255 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiPropertyOptional({ example: false, description: 'Private = does not inherit its parent’s (or the project’s) access; must agree with inheritParentPermissions' })
  @IsOptionalNotNull()
  @IsBoolean()
  isPrivate?: boolean;

  @ApiPropertyOptional({ example: true, description: 'The opposite of isPrivate; defaults to false (private) for a root space and true for a nested one' })
  @IsOptionalNotNull()
  @IsBoolean()
  inheritParentPermissions?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'Nest the space in a space of the same project in which you have space `editor`' })
  @IsOptionalNotNull()
  @IsUUID()
  parentSpaceUuid?: string;

  @ApiPropertyOptional({ type: [InitialSpaceShareDto], description: 'Initial direct user entries (members of the organization only)' })
  @IsOptionalNotNull()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => InitialSpaceShareDto)
  access?: InitialSpaceShareDto[];
}

export class UpdateSpaceDto {
  @ApiProperty({ example: 'Sales 2024', maxLength: 255, description: 'The slug does not change' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiPropertyOptional({ example: true })
  @IsOptionalNotNull()
  @IsBoolean()
  isPrivate?: boolean;

  @ApiPropertyOptional({ example: false })
  @IsOptionalNotNull()
  @IsBoolean()
  inheritParentPermissions?: boolean;
}

export class ShareSpaceWithUserDto {
  @ApiProperty({ format: 'uuid', description: 'A member of the project’s organization' })
  @IsUUID()
  userUuid: string;

  @ApiProperty({ enum: SPACE_ROLES, example: 'editor' })
  @IsIn(SPACE_ROLES)
  spaceRole: SpaceRole;
}

export class ShareSpaceWithGroupDto {
  @ApiProperty({ format: 'uuid', description: 'A group of the project’s organization' })
  @IsUUID()
  groupUuid: string;

  @ApiProperty({ enum: SPACE_ROLES, example: 'viewer' })
  @IsIn(SPACE_ROLES)
  spaceRole: SpaceRole;
}

/** A user's effective access to a space and where it comes from (Lightdash SpaceAccess). */
export class SpaceAccessDto {
  @ApiProperty({ format: 'uuid' })
  userUuid: string;

  @ApiProperty({ enum: SPACE_ROLES })
  role: SpaceRole;

  @ApiProperty({ description: 'The user has an entry on this very space' })
  hasDirectAccess: boolean;

  @ApiProperty({ enum: [...new Set([...ORGANIZATION_ROLES, ...PROJECT_ROLES])], description: 'The most generous role the access comes from' })
  inheritedRole: OrganizationRole | ProjectRole;

  @ApiProperty({ enum: INHERITED_FROM, description: 'Where inheritedRole comes from; `parent_space` when a user entry on an ancestor decides' })
  inheritedFrom: InheritedFrom;

  @ApiPropertyOptional({ enum: PROJECT_ROLES, description: 'From the organization role and the direct project grant (not groups); absent without either' })
  projectRole?: ProjectRole;
}

/** The caller's access in the space list, with their name (the Python client reads it as a SpaceShare). */
export class SpaceUserAccessDto extends SpaceAccessDto {
  @ApiProperty({ example: 'Grace' })
  firstName: string;

  @ApiProperty({ example: 'Hopper' })
  lastName: string;

  @ApiProperty({ example: 'grace@example.com' })
  email: string;
}

/** A user who may open the space (Lightdash SpaceShare). */
export class SpaceShareDto extends SpaceUserAccessDto {
  @ApiProperty({ nullable: true, type: String, example: null }) avatarUrl: null;
  @ApiProperty({ nullable: true, type: String, example: null }) avatarGradient: null;
  @ApiProperty({ example: false }) isInternal: boolean;
}

export class SpaceGroupAccessDto {
  @ApiProperty({ format: 'uuid' })
  groupUuid: string;

  @ApiProperty({ example: 'Analysts' })
  groupName: string;

  @ApiProperty({ enum: SPACE_ROLES })
  spaceRole: SpaceRole;
}

/** SpaceSummaryBase: a space without the caller's access (children of a space). Counts are strings, as Lightdash sends them. */
export class SpaceSummaryBaseDto {
  @ApiProperty({ format: 'uuid' })
  uuid: string;

  @ApiProperty({ example: 'Sales' })
  name: string;

  @ApiProperty({ format: 'uuid' })
  projectUuid: string;

  @ApiProperty({ format: 'uuid' })
  organizationUuid: string;

  @ApiProperty({ example: 'sales', description: 'From the name at creation, unique in the project; never changes' })
  slug: string;

  @ApiProperty()
  inheritParentPermissions: boolean;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  parentSpaceUuid: string | null;

  @ApiProperty({ example: 'sales.emea', description: 'Slugs from the root space, joined with "."' })
  path: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  pinnedListUuid: string | null;

  @ApiProperty({ nullable: true, type: Number, example: null })
  pinnedListOrder: number | null;

  @ApiProperty({ nullable: true, type: String, example: null, description: 'Always null (no project-wide space role is set)' })
  projectMemberAccessRole: null;

  @ApiProperty({ example: '3' })
  chartCount: string;

  @ApiProperty({ example: '1' })
  dashboardCount: string;

  @ApiProperty({ example: '0' })
  childSpaceCount: string;

  @ApiProperty({ example: '0', description: 'Always "0" (no data apps)' })
  appCount: string;
}

/** Items of GET /projects/{p}/spaces. */
export class SpaceSummaryDto extends SpaceSummaryBaseDto {
  @ApiProperty({ description: 'The opposite of inheritParentPermissions (kept for lightdash-client-python, which requires it)' })
  isPrivate: boolean;

  @ApiProperty({ description: 'The space and every ancestor inherit: project roles apply' })
  inheritsFromOrgOrProject: boolean;

  @ApiProperty({ type: [String], description: 'Users with a direct entry on the space' })
  access: string[];

  @ApiProperty({ type: SpaceUserAccessDto })
  userAccess: SpaceUserAccessDto;
}

class UpdatedByUserDto {
  @ApiProperty({ format: 'uuid' }) userUuid: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
}

/** A chart in a space (SpaceQuery, minimal). */
export class SpaceChartDto {
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ format: 'uuid' }) spaceUuid: string;
  @ApiProperty() spaceName: string;
  @ApiProperty({ format: 'uuid' }) projectUuid: string;
  @ApiProperty({ format: 'uuid' }) organizationUuid: string;
  @ApiProperty() slug: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;
  @ApiProperty({ nullable: true, type: String }) chartKind: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'cartesian' }) chartType: string | null;
  @ApiProperty({ example: 'dbt_explore' }) source: string;
  @ApiPropertyOptional({ type: UpdatedByUserDto, description: 'Absent when the user who last changed it is gone' }) updatedByUser?: UpdatedByUserDto | null;
  @ApiProperty({ type: [Object], example: [] }) validationErrors: [];
  @ApiProperty({ nullable: true, type: Object, example: null }) verification: null;
  @ApiProperty({ nullable: true, type: String, example: null }) dashboardUuid: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) dashboardName: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) pinnedListUuid: string | null;
  @ApiProperty({ nullable: true, type: Number, example: null }) pinnedListOrder: number | null;
  @ApiProperty() views: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) firstViewedAt: Date | null;
}

/** A dashboard in a space (DashboardBasicDetails, minimal). */
export class SpaceDashboardDto {
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;
  @ApiProperty({ format: 'uuid' }) projectUuid: string;
  @ApiProperty({ format: 'uuid' }) organizationUuid: string;
  @ApiProperty({ format: 'uuid' }) spaceUuid: string;
  @ApiProperty() slug: string;
  @ApiPropertyOptional({ type: UpdatedByUserDto, description: 'Absent when the user who last changed it is gone' }) updatedByUser?: UpdatedByUserDto | null;
  @ApiProperty({ type: [Object], example: [] }) validationErrors: [];
  @ApiProperty({ nullable: true, type: Object, example: null }) verification: null;
  @ApiProperty() views: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) firstViewedAt: Date | null;
  @ApiProperty({ nullable: true, type: String, example: null }) pinnedListUuid: string | null;
  @ApiProperty({ nullable: true, type: Number, example: null }) pinnedListOrder: number | null;
}

export class BreadcrumbDto {
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Whether the caller may see that space' }) hasAccess: boolean;
}

/** GET/POST/PATCH a single space. */
export class SpaceDto {
  @ApiProperty({ format: 'uuid' }) organizationUuid: string;
  @ApiProperty({ format: 'uuid' }) projectUuid: string;
  @ApiProperty({ format: 'uuid' }) uuid: string;
  @ApiProperty({ example: 'Sales' }) name: string;
  @ApiProperty({ example: 'sales' }) slug: string;
  @ApiProperty({ description: 'The opposite of inheritParentPermissions (kept for lightdash-client-python, which requires it)' }) isPrivate: boolean;
  @ApiProperty() inheritParentPermissions: boolean;
  @ApiProperty({ description: 'The space and every ancestor inherit: project roles apply' }) inheritsFromOrgOrProject: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentSpaceUuid: string | null;
  @ApiProperty({ example: 'sales' }) path: string;
  @ApiProperty({ nullable: true, type: String, example: null }) pinnedListUuid: string | null;
  @ApiProperty({ nullable: true, type: Number, example: null }) pinnedListOrder: number | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Always null (no project-wide space role is set)' }) projectMemberAccessRole: null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Always null (spaces have no colour palette of their own)' }) colorPaletteUuid: null;
  @ApiProperty({ type: [SpaceChartDto] }) queries: SpaceChartDto[];
  @ApiProperty({ type: [SpaceDashboardDto] }) dashboards: SpaceDashboardDto[];
  @ApiProperty({ type: [SpaceShareDto], description: 'Every member of the organization who may open the space, with where their role comes from' }) access: SpaceShareDto[];
  @ApiProperty({ type: [SpaceGroupAccessDto] }) groupsAccess: SpaceGroupAccessDto[];
  @ApiProperty({ type: [SpaceSummaryBaseDto], description: 'Child spaces the caller may see' }) childSpaces: SpaceSummaryBaseDto[];
  @ApiProperty({ type: [BreadcrumbDto], description: 'From the root space to this one' }) breadcrumbs: BreadcrumbDto[];
}
