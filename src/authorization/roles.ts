/**
 * The ordered roles of DESIGN §3. The arrays are in ascending order and match the PostgreSQL enums
 * (migration RoleEnums), so SQL `GREATEST(...)` and these helpers agree.
 */
export const ORGANIZATION_ROLES = ['member', 'viewer', 'interactive_viewer', 'editor', 'developer', 'admin'] as const;
export const PROJECT_ROLES = ['viewer', 'interactive_viewer', 'editor', 'developer', 'admin'] as const;
export const SPACE_ROLES = ['viewer', 'editor', 'admin'] as const;

export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number];
export type ProjectRole = (typeof PROJECT_ROLES)[number];
export type SpaceRole = (typeof SPACE_ROLES)[number];

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
