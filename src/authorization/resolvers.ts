import {
  highest,
  organizationRoleToProjectRole,
  type OrganizationRole,
  PROJECT_ROLES,
  type ProjectRole,
  projectRoleToSpaceRole,
  SPACE_ROLES,
  type SpaceRole,
} from './roles.js';

/**
 * Pure resolvers of DESIGN §3. The access service computes the same thing in SQL (one round trip);
 * these are the specification the SQL is tested against.
 */
export interface ProjectRoleSources {
  organizationRole: OrganizationRole | null;
  directRole: ProjectRole | null;
  groupRoles: ProjectRole[];
}

/** The highest of the mapped org role, the direct grant and every group grant. Grants only add. */
export function effectiveProjectRole(sources: ProjectRoleSources): ProjectRole | null {
  return highest(PROJECT_ROLES, [organizationRoleToProjectRole(sources.organizationRole), sources.directRole, ...sources.groupRoles]);
}

/** One space on the path from the leaf (index 0) up to the root. */
export interface SpaceLevel {
  /** false when the space is private / does not inherit its parent's (or the project's) access */
  inheritsParentPermissions: boolean;
  userRole: SpaceRole | null;
  groupRoles: SpaceRole[];
}

export function effectiveSpaceRole(projectRole: ProjectRole | null, chain: SpaceLevel[]): SpaceRole | null {
  if (projectRole === 'admin') return 'admin';
  const userRole = highest(SPACE_ROLES, chain.map((level) => level.userRole));
  if (userRole) return userRole;
  const groupRole = highest(SPACE_ROLES, chain.flatMap((level) => level.groupRoles));
  if (groupRole) return groupRole;
  const everyLevelInherits = chain.every((level) => level.inheritsParentPermissions);
  if (everyLevelInherits && projectRole) return projectRoleToSpaceRole(projectRole);
  return null;
}
