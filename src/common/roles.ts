/**
 * The ordered roles of DESIGN §3, as data every layer may name (a principal carries its organization
 * role). The arrays are in ascending order and match the PostgreSQL enums (migration RoleEnums), so
 * SQL `GREATEST(...)` and the helpers of authorization/roles.ts agree.
 */
export const ORGANIZATION_ROLES = ['member', 'viewer', 'interactive_viewer', 'editor', 'developer', 'admin'] as const;
export const PROJECT_ROLES = ['viewer', 'interactive_viewer', 'editor', 'developer', 'admin'] as const;
export const SPACE_ROLES = ['viewer', 'editor', 'admin'] as const;

export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number];
export type ProjectRole = (typeof PROJECT_ROLES)[number];
export type SpaceRole = (typeof SPACE_ROLES)[number];
