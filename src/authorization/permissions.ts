import { atLeast, type OrganizationRole, PROJECT_ROLES, type ProjectRole, SPACE_ROLES, type SpaceRole } from './roles.js';

/**
 * The permission table of DESIGN §3: one entry per action, with the scope it is checked in and the
 * minimum role. Route guards, Swagger descriptions and tests are all driven from here.
 */
export type PermissionRule =
  | { scope: 'organization'; minimum: OrganizationRole; description: string }
  | { scope: 'project'; minimum: ProjectRole; description: string }
  | {
      scope: 'space';
      minimum: SpaceRole;
      /** the effective project role also needed (a plain project viewer stays read-only) */
      projectMinimum?: ProjectRole;
      /** on a space that inherits (is public), this project role is needed as well */
      publicSpaceProjectMinimum?: ProjectRole;
      description: string;
    };

export const PERMISSIONS = {
  'organization:view': { scope: 'organization', minimum: 'member', description: 'See your organization and its member list' },
  'organization:manage': {
    scope: 'organization',
    minimum: 'admin',
    description: 'Update or delete the organization; colour palettes, allowed email domains, invites, member roles, removing members; the audit log',
  },
  'groups:view': { scope: 'organization', minimum: 'admin', description: 'See groups and their members (membership can be sensitive)' },
  'groups:manage': { scope: 'organization', minimum: 'admin', description: 'Create, change and delete groups, their members and their project access' },
  'project:create': { scope: 'organization', minimum: 'admin', description: 'Create a DEFAULT project' },
  'project:view': { scope: 'project', minimum: 'viewer', description: 'See the project, its explores, catalog, tags, and the charts and dashboards it may see' },
  'project:explore': { scope: 'project', minimum: 'interactive_viewer', description: 'Run explore queries (compile, totals, CSV)' },
  'project:run-sql': { scope: 'project', minimum: 'developer', description: 'Run raw SQL in the warehouse (SQL runner), and custom SQL in explore queries' },
  'project:edit': { scope: 'project', minimum: 'editor', description: 'Create spaces; manage tags, catalog categories and icons, metrics-tree edges' },
  'project:develop': { scope: 'project', minimum: 'developer', description: 'Run raw SQL, upload explores, validate, update project settings, create preview projects from it' },
  'project:manage-access': { scope: 'project', minimum: 'admin', description: 'Grant, update and revoke project access; see the project access list' },
  'project:manage': { scope: 'project', minimum: 'admin', description: "Set the project's upstream project (Lightdash's `manage Project`)" },
  'project:delete': { scope: 'project', minimum: 'admin', description: 'Delete the project' },
  'space:view': { scope: 'space', minimum: 'viewer', description: 'See the space and its content' },
  'space:edit-content': {
    scope: 'space',
    minimum: 'editor',
    projectMinimum: 'interactive_viewer',
    description: 'Create, edit and delete charts and dashboards in the space',
  },
  'space:manage': {
    scope: 'space',
    minimum: 'admin',
    projectMinimum: 'interactive_viewer',
    publicSpaceProjectMinimum: 'editor',
    description: 'Rename, share, change the privacy of, or delete the space',
  },
} as const satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof PERMISSIONS;

/** One line for Swagger and docs: "Requires organization role admin or higher: …". */
export function describePermission(permission: Permission): string {
  const rule: PermissionRule = PERMISSIONS[permission];
  const extra =
    rule.scope === 'space' && rule.projectMinimum
      ? ` and project role ${rule.projectMinimum}${rule.publicSpaceProjectMinimum ? ` (${rule.publicSpaceProjectMinimum} on a public space)` : ''}`
      : '';
  return `Requires ${rule.scope} role \`${rule.minimum}\` or higher${extra} (permission \`${permission}\`: ${rule.description}).`;
}

type SpacePermission = { [P in Permission]: (typeof PERMISSIONS)[P]['scope'] extends 'space' ? P : never }[Permission];

/**
 * Whether a space-scoped permission holds for the caller's standing on a space: the guard's rule, also
 * used by services that check a second space (a move's destination, each item of a bulk action).
 */
export function spaceAllows(
  permission: SpacePermission,
  space: { spaceRole: SpaceRole | null; projectRole: ProjectRole | null; inheritsFromProject: boolean },
): boolean {
  const rule: PermissionRule = PERMISSIONS[permission];
  if (rule.scope !== 'space') return false;
  return (
    atLeast(SPACE_ROLES, space.spaceRole, rule.minimum) &&
    (!rule.projectMinimum || atLeast(PROJECT_ROLES, space.projectRole, rule.projectMinimum)) &&
    (!rule.publicSpaceProjectMinimum || !space.inheritsFromProject || atLeast(PROJECT_ROLES, space.projectRole, rule.publicSpaceProjectMinimum))
  );
}
