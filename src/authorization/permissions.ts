import { atLeast, ORGANIZATION_ROLES, type OrganizationRole, PROJECT_ROLES, type ProjectRole, SPACE_ROLES, type SpaceRole } from './roles.js';
import { holds, isOrganizationOnlyScope, isScope, organizationRoleScopes, PROJECT_ROLE_SCOPES, type Scope } from './scopes.js';

/**
 * The permission table of DESIGN §3 and §11: one entry per action, with the level it is checked at
 * and the scopes that allow it (any one of them). A caller holds the scopes of their system role and
 * of every custom role they hold, so system and custom roles go through the one decision, `can`.
 * The minimum system role of each action is derived from the scopes (the lowest role holding one).
 */
type RuleSpec =
  | { scope: 'organization'; scopes: readonly Scope[]; description: string }
  | { scope: 'project'; scopes: readonly Scope[]; description: string }
  | {
      scope: 'space';
      /** the space role needed */
      minimum: SpaceRole;
      /** project scopes needed as well (any one), when the space role is not enough on its own */
      projectScopes?: readonly Scope[];
      /** on a space that inherits (is public), one of these project scopes is enough on its own, whatever the space role */
      publicSpaceScopes?: readonly Scope[];
      description: string;
    };

export type PermissionRule =
  | { scope: 'organization'; scopes: readonly Scope[]; minimum: OrganizationRole; description: string }
  | { scope: 'project'; scopes: readonly Scope[]; minimum: ProjectRole; description: string }
  | {
      scope: 'space';
      minimum: SpaceRole;
      projectScopes?: readonly Scope[];
      publicSpaceScopes?: readonly Scope[];
      /** the lowest project system role holding one of projectScopes (a plain project viewer stays read-only) */
      projectMinimum?: ProjectRole;
      /** the lowest project system role holding one of publicSpaceScopes: on a public space, that role is enough on its own */
      publicSpaceProjectMinimum?: ProjectRole;
      description: string;
    };

const SPECS = {
  'organization:view': { scope: 'organization', scopes: ['view:OrganizationMemberProfile'], description: 'See your organization and its member list' },
  'organization:manage': {
    scope: 'organization',
    scopes: ['manage:Organization'],
    description:
      'Update or delete the organization; colour palettes, allowed email domains, invites, member roles, removing members; custom roles and role assignments; the audit log',
  },
  'groups:view': { scope: 'organization', scopes: ['manage:Group'], description: 'See groups and their members (membership can be sensitive)' },
  'groups:manage': { scope: 'organization', scopes: ['manage:Group'], description: 'Create, change and delete groups, their members and their project access' },
  'project:create': { scope: 'organization', scopes: ['manage:Project'], description: 'Create a DEFAULT project' },
  'project:view': { scope: 'project', scopes: ['view:Project'], description: 'See the project, its explores, catalog, tags, and the charts and dashboards it may see' },
  'project:explore': { scope: 'project', scopes: ['manage:Explore'], description: 'Run explore queries (compile, totals, CSV)' },
  'project:run-sql': { scope: 'project', scopes: ['manage:SqlRunner'], description: 'Run raw SQL in the warehouse (SQL runner), and custom SQL in explore queries' },
  'project:edit': { scope: 'project', scopes: ['create:Space'], description: 'Create spaces; manage tags, catalog categories and icons, metrics-tree edges' },
  'project:develop': { scope: 'project', scopes: ['update:Project'], description: 'Run raw SQL, upload explores, validate, update project settings, create preview projects from it' },
  'project:content-as-code': {
    scope: 'project',
    scopes: ['manage:ContentAsCode'],
    description: "Download and upload charts and dashboards as code (Lightdash's `manage ContentAsCode`); each space still needs its own access",
  },
  'project:manage-access': { scope: 'project', scopes: ['manage:Project'], description: 'Grant, update and revoke project access and role assignments; see the project access list' },
  'project:manage': { scope: 'project', scopes: ['manage:Project'], description: "Set the project's upstream project (Lightdash's `manage Project`)" },
  'project:delete': { scope: 'project', scopes: ['delete:Project'], description: 'Delete the project' },
  'project:manage-deleted-content': {
    scope: 'project',
    scopes: ['manage:DeletedContent'],
    description: "See everyone's deleted content in the project's trash and filter it by who deleted it (others see what they deleted themselves)",
  },
  'space:view': { scope: 'space', minimum: 'viewer', description: 'See the space and its content' },
  'space:edit-content': {
    scope: 'space',
    minimum: 'editor',
    projectScopes: ['manage:SavedChart@space', 'manage:Dashboard@space'],
    description: 'Create, edit and delete charts and dashboards in the space',
  },
  'space:create-nested': {
    scope: 'space',
    minimum: 'editor',
    projectScopes: ['create:Space'],
    description: 'Create a space inside this space',
  },
  'space:manage': {
    scope: 'space',
    minimum: 'admin',
    projectScopes: ['manage:Space@assigned'],
    publicSpaceScopes: ['manage:Space@public'],
    description: 'Rename, share, change the privacy of, or delete the space',
  },
} as const satisfies Record<string, RuleSpec>;

export type Permission = keyof typeof SPECS;

const systemHolds = new Map<string, boolean>();

/** Whether a system role's scope set covers `scope` (memoised: the table is small and fixed). */
function systemRoleHolds(level: 'organization' | 'project', role: OrganizationRole | ProjectRole, scope: Scope): boolean {
  const key = `${level}|${role}|${scope}`;
  let result = systemHolds.get(key);
  if (result === undefined) {
    result = holds(level === 'organization' ? organizationRoleScopes(role) : PROJECT_ROLE_SCOPES[role as ProjectRole], scope);
    systemHolds.set(key, result);
  }
  return result;
}

function lowestHolding<R extends OrganizationRole | ProjectRole>(level: 'organization' | 'project', order: readonly R[], scopes: readonly Scope[]): R {
  const found = order.find((role) => scopes.some((scope) => systemRoleHolds(level, role, scope)));
  if (!found) throw new Error(`No system role holds any of ${scopes.join(', ')}`);
  return found;
}

function derive(spec: RuleSpec): PermissionRule {
  switch (spec.scope) {
    case 'organization':
      return { ...spec, minimum: lowestHolding('organization', ORGANIZATION_ROLES, spec.scopes) };
    case 'project':
      return { ...spec, minimum: lowestHolding('project', PROJECT_ROLES, spec.scopes) };
    case 'space':
      return {
        ...spec,
        ...(spec.projectScopes ? { projectMinimum: lowestHolding('project', PROJECT_ROLES, spec.projectScopes) } : {}),
        ...(spec.publicSpaceScopes ? { publicSpaceProjectMinimum: lowestHolding('project', PROJECT_ROLES, spec.publicSpaceScopes) } : {}),
      };
  }
}

export const PERMISSIONS = Object.fromEntries(Object.entries(SPECS).map(([permission, spec]) => [permission, derive(spec)])) as Record<
  Permission,
  PermissionRule
>;

/**
 * What the decision needs to know about the caller: their system role at the rule's level, the
 * scopes of every custom role they hold there, and for space rules their standing on the space.
 */
export interface Standing {
  organizationRole?: OrganizationRole | null;
  projectRole?: ProjectRole | null;
  /** the union of the scopes of the caller's custom roles (project, group and organization assignments) */
  customScopes?: readonly string[] | null;
  spaceRole?: SpaceRole | null;
  /** the space and every ancestor inherit: the space is public */
  inheritsFromProject?: boolean;
}

/** Whether the caller holds one of `scopes`, through their system role or a custom role. */
function holdsAny(level: 'organization' | 'project', standing: Standing, scopes: readonly Scope[]): boolean {
  const role = level === 'organization' ? standing.organizationRole : standing.projectRole;
  return scopes.some((scope) => (role != null && systemRoleHolds(level, role, scope)) || (standing.customScopes != null && holds(standing.customScopes, scope)));
}

/**
 * The one decision: may a caller with this standing do `permission`? Guards, services and list
 * filters all ask it (the SQL supplies the standing in one round trip).
 */
export function can(permission: Permission, standing: Standing): boolean {
  const rule = SPECS[permission] as RuleSpec;
  switch (rule.scope) {
    case 'organization':
      return holdsAny('organization', standing, rule.scopes);
    case 'project':
      return holdsAny('project', standing, rule.scopes);
    case 'space': {
      // a public space is managed by whoever the project lets manage public spaces (Lightdash: editor and up)
      const byPublicSpace = rule.publicSpaceScopes !== undefined && standing.inheritsFromProject === true && holdsAny('project', standing, rule.publicSpaceScopes);
      return (
        byPublicSpace ||
        (atLeast(SPACE_ROLES, standing.spaceRole, rule.minimum) && (!rule.projectScopes || holdsAny('project', standing, rule.projectScopes)))
      );
    }
  }
}

/**
 * Whether the caller manages public spaces of the project on their project roles alone (Lightdash's
 * `manage Space@public`): what opening a private space to the whole project needs.
 */
export function managesPublicSpaces(standing: Pick<Standing, 'projectRole' | 'customScopes'>): boolean {
  return holdsAny('project', standing, SPECS['space:manage'].publicSpaceScopes);
}

/** The scopes a caller holds at project level: their system role's and their custom roles'. */
export function heldProjectScopes(standing: Pick<Standing, 'projectRole' | 'customScopes'>): string[] {
  return [...new Set([...(standing.projectRole ? PROJECT_ROLE_SCOPES[standing.projectRole] : []), ...(standing.customScopes ?? [])])];
}

/** One line for Swagger and docs: "Requires organization role admin or higher: …". */
export function describePermission(permission: Permission): string {
  const rule: PermissionRule = PERMISSIONS[permission];
  const extra =
    rule.scope === 'space' && rule.projectMinimum
      ? ` and project role ${rule.projectMinimum}${rule.publicSpaceProjectMinimum ? `; on a public space, project role ${rule.publicSpaceProjectMinimum} is enough` : ''}`
      : '';
  return `Requires ${rule.scope} role \`${rule.minimum}\` or higher${extra} (permission \`${permission}\`: ${rule.description}; scopes: ${scopesOf(permission)}).`;
}

/** The scopes a permission asks for, as the route listing and docs show them. */
export function scopesOf(permission: Permission): string {
  const rule = SPECS[permission] as RuleSpec;
  if (rule.scope !== 'space') return rule.scopes.join(' | ');
  const parts = [`space ${rule.minimum}`];
  if (rule.projectScopes) parts.push(rule.projectScopes.join(' | '));
  if (rule.publicSpaceScopes) parts.push(`public space: ${rule.publicSpaceScopes.join(' | ')}`);
  return parts.join(' + ');
}

type OrganizationPermission = { [P in Permission]: (typeof SPECS)[P]['scope'] extends 'organization' ? P : never }[Permission];

/**
 * Whether an organization-scoped permission holds for the caller at organization level: the guard's
 * decision, also used by lists that filter rather than refuse (a list whose items need more).
 */
export function organizationAllows(
  permission: OrganizationPermission,
  standing: { organizationRole: OrganizationRole | null | undefined; customScopes?: readonly string[] | null },
): boolean {
  return can(permission, standing);
}

type SpacePermission = { [P in Permission]: (typeof SPECS)[P]['scope'] extends 'space' ? P : never }[Permission];

/**
 * Whether a space-scoped permission holds for the caller's standing on a space: the guard's rule, also
 * used by services that check a second space (a move's destination, each item of a bulk action).
 */
export function spaceAllows(
  permission: SpacePermission,
  space: { spaceRole: SpaceRole | null; projectRole: ProjectRole | null; inheritsFromProject: boolean; customScopes?: readonly string[] | null },
): boolean {
  return can(permission, space);
}

/**
 * Nobody grants beyond their own: whether every scope of a role being created or assigned is held by
 * the caller at project level (their system role's and custom roles' scopes).
 */
export function grantsWithinOwnProjectScopes(standing: Pick<Standing, 'projectRole' | 'customScopes'>, granted: readonly string[]): boolean {
  const own = heldProjectScopes(standing);
  // organization-only scopes of a system role mean nothing on a project (they never match there)
  return granted.every((scope) => (isScope(scope) && isOrganizationOnlyScope(scope)) || holds(own, scope));
}

/** The scopes a caller holds at organization level: their organization role's and their organization custom roles'. */
export function heldOrganizationScopes(standing: Pick<Standing, 'organizationRole' | 'customScopes'>): string[] {
  return [...new Set([...(standing.organizationRole ? organizationRoleScopes(standing.organizationRole) : []), ...(standing.customScopes ?? [])])];
}

/** Nobody grants beyond their own, at organization level: every scope must be held there. */
export function grantsWithinOwnOrganizationScopes(standing: Pick<Standing, 'organizationRole' | 'customScopes'>, granted: readonly string[]): boolean {
  const own = heldOrganizationScopes(standing);
  return granted.every((scope) => holds(own, scope));
}
