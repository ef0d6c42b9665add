import { ORGANIZATION_ROLES, type OrganizationRole, PROJECT_ROLES, type ProjectRole } from '../authorization/roles.js';
import { organizationRoleScopes, PROJECT_ROLE_SCOPES } from '../authorization/scopes.js';
import type { RoleDto } from './dto/roles.dto.js';

/** Labels of the system roles, as the v2 API names them. */
export const SYSTEM_ROLE_LABELS: Record<OrganizationRole, string> = {
  member: 'Member',
  viewer: 'Viewer',
  interactive_viewer: 'Interactive Viewer',
  editor: 'Editor',
  developer: 'Developer',
  admin: 'Admin',
};

/** The five project system roles are the "system roles" of the v2 API (`member` is organization-only and not listed). */
export function isSystemRoleId(id: string): id is ProjectRole {
  return (PROJECT_ROLES as readonly string[]).includes(id);
}

export function isOrganizationRoleId(id: string): id is OrganizationRole {
  return (ORGANIZATION_ROLES as readonly string[]).includes(id);
}

/** A system role as GET /api/v2/orgs/{org}/roles shows it: computed, never stored, always with its scopes. */
export function systemRoleDto(role: ProjectRole): RoleDto {
  const label = SYSTEM_ROLE_LABELS[role];
  return {
    roleUuid: role,
    name: label,
    description: label,
    ownerType: 'system',
    level: 'project',
    scopes: [...PROJECT_ROLE_SCOPES[role]],
    organizationUuid: null,
    createdAt: null,
    updatedAt: null,
    createdBy: null,
  };
}

/**
 * The organization-only `member` role. Lightdash 1.219 leaves it out of GET roles, yet the Terraform
 * provider removes an organization role by looking `member` up in that list and assigning it; we list
 * it after the five project roles so that removal works (docs/permissions.md).
 */
export function memberRoleDto(): RoleDto {
  return {
    roleUuid: 'member',
    name: SYSTEM_ROLE_LABELS.member,
    description: SYSTEM_ROLE_LABELS.member,
    ownerType: 'system',
    level: 'organization',
    scopes: [...organizationRoleScopes('member')],
    organizationUuid: null,
    createdAt: null,
    updatedAt: null,
    createdBy: null,
  };
}
