import type { SpaceLevel } from '../../src/authorization/resolvers.js';
import type { OrganizationRole, ProjectRole, SpaceRole } from '../../src/authorization/roles.js';

// The cases of DESIGN §3, shared by the resolver unit tests and the test of the SQL functions.

export const PROJECT_ROLE_CASES: [string, OrganizationRole | null, ProjectRole | null, ProjectRole[], ProjectRole | null][] = [
  ['org member with nothing else has no access', 'member', null, [], null],
  ['not in the organization at all', null, null, [], null],
  ['org viewer sees every project', 'viewer', null, [], 'viewer'],
  ['org admin is project admin', 'admin', null, [], 'admin'],
  ['a direct grant raises an org member', 'member', 'editor', [], 'editor'],
  ['a lower direct grant does not lower the org role', 'editor', 'viewer', [], 'editor'],
  ['a group grant raises', 'member', 'viewer', ['developer'], 'developer'],
  ['the highest of several groups wins', 'member', null, ['viewer', 'admin', 'editor'], 'admin'],
  ['a direct grant above the groups wins', 'viewer', 'developer', ['interactive_viewer'], 'developer'],
];

const open = (userRole: SpaceRole | null = null, groupRoles: SpaceRole[] = []): SpaceLevel => ({ inheritsParentPermissions: true, userRole, groupRoles });
const closed = (userRole: SpaceRole | null = null, groupRoles: SpaceRole[] = []): SpaceLevel => ({ inheritsParentPermissions: false, userRole, groupRoles });

export const SPACE_ROLE_CASES: [string, ProjectRole | null, SpaceLevel[], SpaceRole | null][] = [
  // 1. project admin from any source
  ['1. project admin is space admin on a public space', 'admin', [open()], 'admin'],
  ['1. project admin is space admin on a private space with no entry', 'admin', [closed()], 'admin'],
  ['1. project admin beats a lower direct entry', 'admin', [closed('viewer')], 'admin'],
  // 2. direct user entry, on the space or an ancestor, most generous wins, beats groups
  ['2. a direct entry gives its role on a private space', 'viewer', [closed('editor')], 'editor'],
  ['2. a direct entry gives access without any project role', null, [closed('viewer')], 'viewer'],
  ['2. a direct entry wins even when a group entry is higher', 'viewer', [closed('viewer', ['admin'])], 'viewer'],
  ['2. a direct entry on an ancestor counts', 'viewer', [closed(), closed('editor')], 'editor'],
  ['2. the most generous direct entry up the chain wins', 'viewer', [closed('viewer'), open('admin'), closed('editor')], 'admin'],
  ['2. a direct entry on an ancestor beats a group entry on the leaf', 'viewer', [closed(null, ['admin']), closed('viewer')], 'viewer'],
  ['2. a direct viewer entry lowers an editor on a public space (entries are taken as given)', 'editor', [open('viewer')], 'viewer'],
  // 3. highest group entry on the space or an ancestor
  ['3. a group entry gives access to a private space', 'viewer', [closed(null, ['editor'])], 'editor'],
  ['3. the highest group entry wins', null, [closed(null, ['viewer', 'admin'])], 'admin'],
  ['3. a group entry on an ancestor counts', 'viewer', [open(), closed(null, ['editor'])], 'editor'],
  // 4. inheritance while every level inherits
  ['4. a public space gives project viewer → viewer', 'viewer', [open()], 'viewer'],
  ['4. interactive_viewer → viewer', 'interactive_viewer', [open()], 'viewer'],
  ['4. editor → editor', 'editor', [open()], 'editor'],
  ['4. developer → editor', 'developer', [open()], 'editor'],
  ['4. a public child of a public parent inherits', 'editor', [open(), open(), open()], 'editor'],
  ['4. a public child of a private parent does not inherit', 'editor', [open(), closed()], null],
  ['4. a private ancestor anywhere up the chain blocks inheritance', 'developer', [open(), open(), closed(), open()], null],
  // 5. else nothing
  ['5. a private space without entries is closed to a project editor', 'editor', [closed()], null],
  ['5. no project role and no entries: no access', null, [open()], null],
];
