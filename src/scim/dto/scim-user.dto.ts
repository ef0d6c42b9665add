import { ORGANIZATION_ROLES, type OrganizationRole, PROJECT_ROLES, type ProjectRole } from '../../authorization/roles.js';
import { isPlainObject } from '../../common/plain-object.js';
import { holdsNul } from '../../common/storable-text.js';
import { invalidSyntax, invalidValue } from '../scim-errors.js';
import { LIGHTDASH_USER_EXTENSION, SCIM_BASE_PATH, SCIM_USER_SCHEMA } from '../scim-schemas.js';

/**
 * A SCIM User as this server reads it. Identity providers send many attributes this server does not
 * keep (title, locale, phone numbers, the enterprise extension…); RFC 7644 asks the server to ignore
 * them, so bodies are read by these functions rather than by a whitelisting DTO.
 */
export interface ScimUserInput {
  userName: string;
  givenName: string | undefined;
  familyName: string | undefined;
  active: boolean | undefined;
  /** undefined: not sent; null: cleared */
  externalId: string | null | undefined;
  /** the organization role of `roles` (its one entry without a project) */
  rolesOrganizationRole: OrganizationRole | undefined;
  /** the Lightdash extension's (deprecated) `role` */
  extensionRole: OrganizationRole | undefined;
  /** `roles` project entries (`<projectUuid>:<role>`), when `roles` was sent non-empty */
  projectRoles: Map<string, ProjectRole> | undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_TEXT = 255;
/** Okta cannot leave a project role unset: it sends this, which means "no role here". */
const NO_ROLE = 'no-role';

function text(name: string, value: unknown, options: { max?: number } = {}): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidValue(`${name} must be a string`);
  if (value.length > (options.max ?? MAX_TEXT)) throw invalidValue(`${name} must be at most ${options.max ?? MAX_TEXT} characters`);
  if (holdsNul(value)) throw invalidValue(`${name} must not contain the NUL character`);
  return value;
}

/** Entra ID sends booleans as "True" and "False". */
function boolean(name: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw invalidValue(`${name} must be true or false`);
}

function attribute(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

function organizationRole(value: unknown, source: string): OrganizationRole {
  if (typeof value !== 'string' || !(ORGANIZATION_ROLES as readonly string[]).includes(value)) {
    throw invalidValue(`Invalid role values: ${source} must be one of ${ORGANIZATION_ROLES.join(', ')}`);
  }
  return value as OrganizationRole;
}

/** `roles`: exactly one organization role, and at most one role per project (system roles only). */
function parseRoles(value: unknown): { organizationRole: OrganizationRole | undefined; projectRoles: Map<string, ProjectRole> | undefined } {
  if (value === undefined || value === null) return { organizationRole: undefined, projectRoles: undefined };
  if (!Array.isArray(value)) throw invalidValue('roles must be an array');
  if (value.length === 0) return { organizationRole: undefined, projectRoles: undefined };
  const values = value.map((entry) => (isPlainObject(entry) ? attribute(entry, 'value') : entry));
  const invalid = values.filter((v) => typeof v !== 'string');
  if (invalid.length > 0) throw invalidValue('Invalid role values: every role needs a string value');
  const organizationRoles = new Set<string>();
  const projectRoles = new Map<string, ProjectRole>();
  const unknown: string[] = [];
  for (const role of new Set(values as string[])) {
    const colon = role.indexOf(':');
    if (colon < 0) {
      if ((ORGANIZATION_ROLES as readonly string[]).includes(role)) organizationRoles.add(role);
      else unknown.push(role);
      continue;
    }
    const [projectUuid, roleId] = [role.slice(0, colon).toLowerCase(), role.slice(colon + 1)];
    if (!UUID.test(projectUuid)) unknown.push(role);
    else if (roleId === NO_ROLE) continue;
    else if (!(PROJECT_ROLES as readonly string[]).includes(roleId)) unknown.push(role);
    else if (projectRoles.has(projectUuid) && projectRoles.get(projectUuid) !== roleId) {
      throw invalidValue(`Invalid role values: more than one role for project ${projectUuid}`);
    } else projectRoles.set(projectUuid, roleId as ProjectRole);
  }
  if (unknown.length > 0) throw invalidValue(`Invalid role values: ${unknown.join(', ')}`);
  if (organizationRoles.size !== 1) {
    throw invalidValue(`Invalid role values: expected exactly one organization role, found ${organizationRoles.size}`);
  }
  return { organizationRole: [...organizationRoles][0] as OrganizationRole, projectRoles };
}

/** Reads a SCIM User body (create, replace, or the result of a patch). */
export function parseScimUser(body: unknown): ScimUserInput {
  if (!isPlainObject(body)) throw invalidSyntax('The request body must be a SCIM User object');
  const userName = text('userName', attribute(body, 'userName'));
  if (!userName || !EMAIL.test(userName)) throw invalidValue('userName must be an email address');
  const name = attribute(body, 'name');
  if (name !== undefined && name !== null && !isPlainObject(name)) throw invalidValue('name must be an object');
  const names = (name ?? {}) as Record<string, unknown>;
  const extension = attribute(body, LIGHTDASH_USER_EXTENSION);
  if (extension !== undefined && extension !== null && !isPlainObject(extension)) throw invalidValue(`${LIGHTDASH_USER_EXTENSION} must be an object`);
  const extensionRole = extension ? attribute(extension as Record<string, unknown>, 'role') : undefined;
  const roles = parseRoles(attribute(body, 'roles'));
  const externalId = attribute(body, 'externalId');
  return {
    userName: userName.trim(),
    givenName: text('name.givenName', attribute(names, 'givenName')),
    familyName: text('name.familyName', attribute(names, 'familyName')),
    active: boolean('active', attribute(body, 'active')),
    externalId: externalId === null ? null : text('externalId', externalId),
    rolesOrganizationRole: roles.organizationRole,
    extensionRole: extensionRole == null ? undefined : organizationRole(extensionRole, `${LIGHTDASH_USER_EXTENSION}:role`),
    projectRoles: roles.projectRoles,
  };
}

/** A member of the organization as the SCIM services read them. */
export interface ScimUserRow {
  userId: string;
  userUuid: string;
  email: string;
  firstName: string;
  lastName: string;
  isActive: boolean;
  externalId: string | null;
  role: OrganizationRole;
  createdAt: Date;
  updatedAt: Date;
  /** direct roles in the organization's (non-preview) projects, by project name */
  projectRoles: { projectUuid: string; projectName: string; role: ProjectRole }[];
}

export function roleLabel(role: string): string {
  return role
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}

export interface ScimUser {
  schemas: string[];
  id: string;
  userName: string;
  externalId?: string;
  name: { givenName: string; familyName: string };
  active: boolean;
  emails: { value: string; primary: boolean }[];
  roles: { value: string; display: string; type: string; primary: boolean }[];
  [LIGHTDASH_USER_EXTENSION]: { role: OrganizationRole };
  meta: { resourceType: 'User'; created: string; lastModified: string; location: string };
}

/** The SCIM User of a member (Lightdash's shape: roles list the organization role first, then each project role). */
export function toScimUser(row: ScimUserRow, siteUrl: string): ScimUser {
  return {
    schemas: [SCIM_USER_SCHEMA, LIGHTDASH_USER_EXTENSION],
    id: row.userUuid,
    userName: row.email,
    ...(row.externalId === null ? {} : { externalId: row.externalId }),
    name: { givenName: row.firstName, familyName: row.lastName },
    active: row.isActive,
    emails: [{ value: row.email, primary: true }],
    roles: [
      { value: row.role, display: roleLabel(row.role), type: 'Organization', primary: true },
      ...row.projectRoles.map((grant) => ({
        value: `${grant.projectUuid}:${grant.role}`,
        display: `${grant.projectName} - ${roleLabel(grant.role)}`,
        type: `Project - ${grant.projectName}`,
        primary: false,
      })),
    ],
    [LIGHTDASH_USER_EXTENSION]: { role: row.role },
    meta: {
      resourceType: 'User',
      created: new Date(row.createdAt).toISOString(),
      lastModified: new Date(row.updatedAt).toISOString(),
      location: `${siteUrl}${SCIM_BASE_PATH}/Users/${row.userUuid}`,
    },
  };
}
