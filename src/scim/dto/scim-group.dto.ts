import { MAX_GROUP_MEMBERS_PER_REQUEST } from '../../groups/dto/group-input.dto.js';
import type { GroupMembershipChange } from '../../groups/groups.service.js';
import { isPlainObject } from '../../common/plain-object.js';
import { holdsNul } from '../../common/storable-text.js';
import { invalidSyntax, invalidValue, ScimError } from '../scim-errors.js';
import type { ScimFilter } from '../scim-filter.js';
import { type PatchOperation, parsePatchPath } from '../scim-patch.js';
import { SCIM_BASE_PATH, SCIM_GROUP_SCHEMA } from '../scim-schemas.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NAME = 255;

/** A SCIM Group as this server reads it: the name and, when sent, the complete member list (user uuids). */
export interface ScimGroupInput {
  displayName: string;
  members: string[] | undefined;
}

function attribute(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

/** The group name rules of the groups domain: trimmed, not empty, at most 255 characters. */
function displayName(value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw invalidValue('displayName is required');
  const name = value.trim();
  if (name.length > MAX_NAME) throw invalidValue(`displayName must be at most ${MAX_NAME} characters`);
  if (holdsNul(name)) throw invalidValue('displayName must not contain the NUL character');
  return name;
}

/** `members` values: user uuids (`[{value}]`, or one `{value}`); at most as many as the groups API takes per request. */
function memberValues(value: unknown): string[] {
  const entries = Array.isArray(value) ? value : [value];
  if (entries.length > MAX_GROUP_MEMBERS_PER_REQUEST) throw new ScimError(400, `At most ${MAX_GROUP_MEMBERS_PER_REQUEST} members per request`, 'tooMany');
  return entries.map((entry) => {
    const id = isPlainObject(entry) ? attribute(entry, 'value') : undefined;
    if (typeof id !== 'string' || !UUID.test(id)) throw invalidValue(`Member values must be user ids, found ${JSON.stringify(id ?? entry)}`);
    return id.toLowerCase();
  });
}

export function parseScimGroup(body: unknown): ScimGroupInput {
  if (!isPlainObject(body)) throw invalidSyntax('The request body must be a SCIM Group object');
  const members = attribute(body, 'members');
  return {
    displayName: displayName(attribute(body, 'displayName')),
    members: members === undefined || members === null ? undefined : memberValues(members),
  };
}

/** `value eq "<uuid>" [or value eq "<uuid>"…]`: the members a path filter names. */
function filteredMembers(filter: ScimFilter): string[] {
  if (filter.op === 'or') return [...filteredMembers(filter.left), ...filteredMembers(filter.right)];
  if (filter.op === 'eq' && filter.attribute === 'value' && typeof filter.value === 'string' && UUID.test(filter.value)) return [filter.value.toLowerCase()];
  throw new ScimError(400, 'Members are selected with value eq "<user id>"', 'invalidPath');
}

/**
 * A group PatchOp (Okta's and Entra ID's forms) as one change for the groups domain: the new name, and
 * the members to set, add and remove, in the order the operations give them. Attributes a group
 * does not keep (externalId…) are ignored.
 */
export function groupPatchToChange(operations: PatchOperation[]): GroupMembershipChange {
  let name: string | undefined;
  let replace: Set<string> | undefined;
  const add = new Set<string>();
  const remove = new Set<string>();
  const addMembers = (ids: string[]) => {
    for (const id of ids) {
      if (replace) replace.add(id);
      else (add.add(id), remove.delete(id));
    }
  };
  const removeMembers = (ids: string[]) => {
    for (const id of ids) {
      if (replace) replace.delete(id);
      else (remove.add(id), add.delete(id));
    }
  };
  const apply = (op: PatchOperation['op'], path: string, value: unknown) => {
    const parsed = parsePatchPath(path);
    if (parsed.attribute === 'displayname' && !parsed.filter && !parsed.subAttribute) {
      if (op === 'remove') throw new ScimError(400, 'displayName cannot be removed', 'mutability');
      name = displayName(value);
    } else if (parsed.attribute === 'members') {
      if (parsed.filter) {
        if (op !== 'remove' || parsed.subAttribute) throw new ScimError(400, 'Only remove selects members with a filter', 'invalidPath');
        removeMembers(filteredMembers(parsed.filter));
      } else if (op === 'add') {
        addMembers(memberValues(value));
      } else if (op === 'replace') {
        replace = new Set(memberValues(value));
        add.clear();
        remove.clear();
      } else if (value !== undefined) {
        removeMembers(memberValues(value));
      } else {
        replace = new Set();
        add.clear();
        remove.clear();
      }
    }
  };
  for (const operation of operations) {
    if (operation.path !== undefined) {
      apply(operation.op, operation.path, operation.value);
    } else {
      if (!isPlainObject(operation.value)) throw invalidValue(`${operation.op} without a path needs an object value`);
      for (const [path, value] of Object.entries(operation.value)) apply(operation.op, path, value);
    }
  }
  return { ...(name === undefined ? {} : { name }), ...(replace ? { replace: [...replace] } : {}), add: [...add], remove: [...remove] };
}

export interface ScimGroupRow {
  groupUuid: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
  members: { userUuid: string; email: string }[];
}

export interface ScimGroup {
  schemas: string[];
  id: string;
  displayName: string;
  members: { value: string; display: string }[];
  meta: { resourceType: 'Group'; created: string; lastModified: string; location: string };
}

export function toScimGroup(row: ScimGroupRow, siteUrl: string): ScimGroup {
  return {
    schemas: [SCIM_GROUP_SCHEMA],
    id: row.groupUuid,
    displayName: row.name,
    members: row.members.map((member) => ({ value: member.userUuid, display: member.email })),
    meta: {
      resourceType: 'Group',
      created: new Date(row.createdAt).toISOString(),
      lastModified: new Date(row.updatedAt).toISOString(),
      location: `${siteUrl}${SCIM_BASE_PATH}/Groups/${row.groupUuid}`,
    },
  };
}
