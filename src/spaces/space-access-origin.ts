import { effectiveProjectRole } from '../authorization/resolvers.js';
import { highest, type OrganizationRole, organizationRoleToProjectRole, PROJECT_ROLES, type ProjectRole, type SpaceRole } from '../authorization/roles.js';

export const INHERITED_FROM = ['organization', 'project', 'group', 'space_group', 'parent_space'] as const;
export type InheritedFrom = (typeof INHERITED_FROM)[number];

/** What a user's role on a space is made of, as the SQL reads it (the role itself comes from effective_space_role). */
export interface SpaceAccessSources {
  organizationRole: OrganizationRole | null;
  directProjectRole: ProjectRole | null;
  groupProjectRole: ProjectRole | null;
  /** the most generous direct entry on the space or an ancestor */
  userEntry: SpaceRole | null;
  /** the most generous entry of the user's groups on the space or an ancestor */
  groupEntry: SpaceRole | null;
  /** the direct entry on the space itself */
  ownEntry: SpaceRole | null;
  spaceRole: SpaceRole;
}

/** Lightdash's SpaceAccess: the role, and where it comes from. */
export interface SpaceAccessOrigin {
  userUuid: string;
  role: SpaceRole;
  hasDirectAccess: boolean;
  inheritedRole: OrganizationRole | ProjectRole;
  inheritedFrom: InheritedFrom;
  projectRole?: ProjectRole;
}

/**
 * Explains a space role as Lightdash does. `projectRole` counts the organization role and the direct
 * project grant (not groups). `inheritedRole`/`inheritedFrom` name the most generous of the
 * organization role, the direct grant, the groups' project grants and the groups' entries on the
 * space (a tie goes to the later of these), unless the role is a user entry on an ancestor
 * (`parent_space`). With none of these (an organization member with a direct entry only) it is the
 * organization role.
 */
export function describeSpaceAccess(userUuid: string, sources: SpaceAccessSources): SpaceAccessOrigin {
  const organizationProjectRole = organizationRoleToProjectRole(sources.organizationRole);
  const projectRole = highest(PROJECT_ROLES, [organizationProjectRole, sources.directProjectRole]);
  const base = { userUuid, role: sources.spaceRole, hasDirectAccess: sources.ownEntry !== null, ...(projectRole ? { projectRole } : {}) };
  const projectAdmin =
    effectiveProjectRole({
      organizationRole: sources.organizationRole,
      directRole: sources.directProjectRole,
      groupRoles: sources.groupProjectRole ? [sources.groupProjectRole] : [],
    }) === 'admin';
  const fromAncestorEntry = !projectAdmin && sources.userEntry !== null && sources.ownEntry !== sources.userEntry;
  if (fromAncestorEntry) return { ...base, inheritedRole: sources.userEntry!, inheritedFrom: 'parent_space' };
  const candidates: [InheritedFrom, ProjectRole | null][] = [
    ['organization', organizationProjectRole],
    ['project', sources.directProjectRole],
    ['group', sources.groupProjectRole],
    ['space_group', sources.groupEntry],
  ];
  let origin: { inheritedRole: OrganizationRole | ProjectRole; inheritedFrom: InheritedFrom } = {
    inheritedRole: sources.organizationRole ?? 'member',
    inheritedFrom: 'organization',
  };
  let best: ProjectRole | null = null;
  for (const [from, role] of candidates) {
    if (role !== null && (best === null || PROJECT_ROLES.indexOf(role) >= PROJECT_ROLES.indexOf(best))) {
      best = role;
      origin = { inheritedRole: role, inheritedFrom: from };
    }
  }
  return { ...base, ...origin };
}
