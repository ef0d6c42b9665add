// the role lists live in common (a principal, in auth, carries an organization role); the rules on them live here
export { ORGANIZATION_ROLES, PROJECT_ROLES, SPACE_ROLES, type OrganizationRole, type ProjectRole, type SpaceRole } from '../common/roles.js';
import { PROJECT_ROLES, type OrganizationRole, type ProjectRole, type SpaceRole } from '../common/roles.js';

function rank<R extends string>(order: readonly R[], role: R): number {
  return order.indexOf(role);
}

export function atLeast<R extends string>(order: readonly R[], role: R | null | undefined, minimum: R): boolean {
  return role != null && rank(order, role) >= rank(order, minimum);
}

/** The highest of the given roles (nulls ignored), or null when there is none. */
export function highest<R extends string>(order: readonly R[], roles: readonly (R | null | undefined)[]): R | null {
  let best: R | null = null;
  for (const role of roles) if (role != null && (best === null || rank(order, role) > rank(order, best))) best = role;
  return best;
}

/** member has no project role; every other organization role maps to the project role of the same name. */
export function organizationRoleToProjectRole(role: OrganizationRole | null | undefined): ProjectRole | null {
  return role == null || role === 'member' ? null : role;
}

/** viewer/interactive_viewer → viewer, editor/developer → editor, admin → admin. */
export function projectRoleToSpaceRole(role: ProjectRole): SpaceRole {
  if (role === 'admin') return 'admin';
  return atLeast(PROJECT_ROLES, role, 'editor') ? 'editor' : 'viewer';
}
