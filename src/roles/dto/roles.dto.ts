import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsOptional, IsString, IsUUID, ValidateNested } from 'class-validator';
import { IsOptionalNotNull } from '../../common/transforms.js';

export class OrganizationParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  orgUuid: string;
}

/** Route 3 types the role as a UUID, so a system role id is a validation error there (as in Lightdash). */
export class CustomRoleParamsDto extends OrganizationParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  roleUuid: string;
}

/** A custom role uuid, or a system role id (refused by the writes with 400). */
export class RoleParamsDto extends OrganizationParamsDto {
  @ApiProperty({ description: 'A custom role uuid or a system role id' })
  @IsString()
  roleUuid: string;
}

export class DuplicateRoleParamsDto extends OrganizationParamsDto {
  @ApiProperty({ description: 'A custom role uuid or a system role id' })
  @IsString()
  roleId: string;
}

export class RoleScopeParamsDto extends RoleParamsDto {
  @ApiProperty({ example: 'manage:SqlRunner' })
  @IsString()
  scopeName: string;
}

export class OrganizationUserParamsDto extends OrganizationParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId: string;
}

export class ProjectUserParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectId: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId: string;
}

export class ProjectGroupParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectId: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  groupId: string;
}

export class ProjectIdParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectId: string;
}

export class ListRolesQueryDto {
  @ApiPropertyOptional({ description: '`scopes` adds every custom role’s scopes' })
  @IsOptional()
  @IsString()
  load?: string;

  @ApiPropertyOptional({ description: '`system`: system roles only; `user`: custom roles only' })
  @IsOptional()
  @IsString()
  roleTypeFilter?: string;
}

export class CreateRoleDto {
  @ApiProperty({ example: 'Dashboard Curator' })
  @IsString()
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;

  @ApiPropertyOptional({ enum: ['project', 'organization'], default: 'project' })
  @IsOptionalNotNull()
  @IsString()
  level?: string;

  @ApiPropertyOptional({ type: [String], example: ['view:Project', 'view:Space', 'view:Dashboard', 'manage:Dashboard@space'] })
  @IsOptionalNotNull()
  @IsArray()
  @IsString({ each: true })
  scopes?: string[];
}

export class ScopeChangesDto {
  @ApiProperty({ type: [String] })
  @IsArray()
  @IsString({ each: true })
  add: string[];

  @ApiProperty({ type: [String] })
  @IsArray()
  @IsString({ each: true })
  remove: string[];
}

export class UpdateRoleDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;

  @ApiPropertyOptional({ type: ScopeChangesDto })
  @IsOptionalNotNull()
  @ValidateNested()
  @Type(() => ScopeChangesDto)
  scopes?: ScopeChangesDto;
}

export class DuplicateRoleDto {
  @ApiProperty()
  @IsString()
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;
}

export class AddScopesDto {
  @ApiProperty({ type: [String] })
  @IsArray()
  @IsString({ each: true })
  scopeNames: string[];
}

export class RoleAssignmentRequestDto {
  @ApiProperty({ description: 'A system role id or a custom role uuid', example: 'editor' })
  @IsString()
  roleId: string;
}

export class UpsertUserRoleAssignmentDto extends RoleAssignmentRequestDto {
  @ApiPropertyOptional({ description: 'Accepted for compatibility; no email is sent' })
  @IsOptionalNotNull()
  @IsBoolean()
  sendEmail?: boolean;
}

export class UpsertGroupRoleAssignmentDto extends RoleAssignmentRequestDto {
  @ApiPropertyOptional({ description: 'Accepted and ignored for groups (as in Lightdash)' })
  @IsOptionalNotNull()
  @IsBoolean()
  sendEmail?: boolean;
}

/** A role as the v2 API shows it (system roles carry their scopes always, custom roles with `load=scopes`). */
export class RoleDto {
  @ApiProperty({ description: 'A system role id (`viewer` … `admin`) or a custom role uuid' })
  roleUuid: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ type: String, nullable: true })
  description: string | null;
  @ApiProperty({ enum: ['project', 'organization'] })
  level: 'project' | 'organization';
  @ApiProperty({ type: String, nullable: true })
  organizationUuid: string | null;
  @ApiProperty({ type: String, nullable: true })
  createdBy: string | null;
  @ApiProperty({ type: String, nullable: true })
  createdAt: Date | null;
  @ApiProperty({ type: String, nullable: true })
  updatedAt: Date | null;
  @ApiProperty({ enum: ['user', 'system'] })
  ownerType: 'user' | 'system';
  @ApiPropertyOptional({ type: [String] })
  scopes?: string[];
}

export class RoleAssigneeDto {
  @ApiProperty({ enum: ['organization_user', 'project_user', 'project_group'] })
  kind: string;
  @ApiProperty()
  assigneeId: string;
  @ApiProperty()
  assigneeName: string;
  @ApiProperty({ type: String, nullable: true })
  projectUuid: string | null;
  @ApiProperty({ type: String, nullable: true })
  projectName: string | null;
}

export class RoleAssignmentDto {
  @ApiProperty()
  roleId: string;
  @ApiProperty()
  roleName: string;
  @ApiProperty({ enum: ['user', 'system'] })
  ownerType: 'user' | 'system';
  @ApiProperty({ enum: ['user', 'group'] })
  assigneeType: 'user' | 'group';
  @ApiProperty()
  assigneeId: string;
  @ApiPropertyOptional()
  assigneeName?: string;
  @ApiPropertyOptional()
  organizationId?: string;
  @ApiPropertyOptional()
  projectId?: string;
  @ApiProperty()
  createdAt: Date;
  @ApiProperty()
  updatedAt: Date;
  @ApiPropertyOptional()
  hasMultipleRoles?: boolean;
}

export class RoleSetDto {
  @ApiProperty({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  systemRole: string | null;

  @ApiProperty({ type: [String] })
  @IsArray()
  @IsUUID('all', { each: true })
  customRoleUuids: string[];
}

