import { describe, expect, it } from '@jest/globals';
import { describeSpaceAccess, type SpaceAccessSources } from '../../src/spaces/space-access-origin.js';

const none: SpaceAccessSources = {
  organizationRole: 'member',
  directProjectRole: null,
  groupProjectRole: null,
  userEntry: null,
  groupEntry: null,
  ownEntry: null,
  spaceRole: 'viewer',
};

describe('where a space role comes from (Lightdash SpaceAccess)', () => {
  it('names the organization role when it is the most generous source', () => {
    expect(describeSpaceAccess('u', { ...none, organizationRole: 'editor', spaceRole: 'editor' })).toEqual({
      userUuid: 'u',
      role: 'editor',
      hasDirectAccess: false,
      inheritedRole: 'editor',
      inheritedFrom: 'organization',
      projectRole: 'editor',
    });
  });

  it('gives a tie to the later source: organization, project, group, space group', () => {
    const tie = describeSpaceAccess('u', { ...none, organizationRole: 'viewer', directProjectRole: 'viewer', spaceRole: 'viewer' });
    expect(tie).toMatchObject({ inheritedRole: 'viewer', inheritedFrom: 'project', projectRole: 'viewer' });
    const group = describeSpaceAccess('u', { ...none, directProjectRole: 'viewer', groupProjectRole: 'developer', spaceRole: 'editor' });
    expect(group).toMatchObject({ inheritedRole: 'developer', inheritedFrom: 'group', projectRole: 'viewer' });
    const spaceGroup = describeSpaceAccess('u', { ...none, groupProjectRole: 'editor', groupEntry: 'editor', spaceRole: 'editor' });
    expect(spaceGroup).toMatchObject({ inheritedRole: 'editor', inheritedFrom: 'space_group' });
    expect(spaceGroup).not.toHaveProperty('projectRole'); // groups do not count for projectRole
  });

  it('says parent_space when a user entry on an ancestor decides, and hasDirectAccess only for an entry on the space itself', () => {
    const inherited = describeSpaceAccess('u', { ...none, organizationRole: 'editor', userEntry: 'admin', ownEntry: null, spaceRole: 'admin' });
    expect(inherited).toMatchObject({ role: 'admin', hasDirectAccess: false, inheritedRole: 'admin', inheritedFrom: 'parent_space', projectRole: 'editor' });
    const lowerOwn = describeSpaceAccess('u', { ...none, organizationRole: 'editor', userEntry: 'admin', ownEntry: 'viewer', spaceRole: 'admin' });
    expect(lowerOwn).toMatchObject({ hasDirectAccess: true, inheritedFrom: 'parent_space' });
    const own = describeSpaceAccess('u', { ...none, organizationRole: 'editor', userEntry: 'viewer', ownEntry: 'viewer', spaceRole: 'viewer' });
    expect(own).toMatchObject({ role: 'viewer', hasDirectAccess: true, inheritedRole: 'editor', inheritedFrom: 'organization' });
  });

  it('a project admin is admin from the project role, whatever the entries above', () => {
    const admin = describeSpaceAccess('u', { ...none, directProjectRole: 'admin', userEntry: 'viewer', spaceRole: 'admin' });
    expect(admin).toMatchObject({ role: 'admin', inheritedRole: 'admin', inheritedFrom: 'project', projectRole: 'admin' });
  });

  it('an organization member with a direct entry only: the organization role, no projectRole', () => {
    const member = describeSpaceAccess('u', { ...none, userEntry: 'editor', ownEntry: 'editor', spaceRole: 'editor' });
    expect(member).toEqual({ userUuid: 'u', role: 'editor', hasDirectAccess: true, inheritedRole: 'member', inheritedFrom: 'organization' });
  });
});
