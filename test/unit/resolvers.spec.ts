import { describe, expect, it } from '@jest/globals';
import { effectiveProjectRole, effectiveSpaceRole } from '../../src/authorization/resolvers.js';
import { PROJECT_ROLE_CASES, SPACE_ROLE_CASES } from '../support/access-cases.js';
import { atLeast, highest, ORGANIZATION_ROLES, organizationRoleToProjectRole, PROJECT_ROLES, projectRoleToSpaceRole } from '../../src/authorization/roles.js';
import type { OrganizationRole, ProjectRole, SpaceRole } from '../../src/authorization/roles.js';

describe('role order', () => {
  it('ranks organization roles member < viewer < interactive_viewer < editor < developer < admin', () => {
    for (let i = 0; i < ORGANIZATION_ROLES.length; i++) {
      for (let j = 0; j < ORGANIZATION_ROLES.length; j++) {
        expect(atLeast(ORGANIZATION_ROLES, ORGANIZATION_ROLES[i], ORGANIZATION_ROLES[j])).toBe(i >= j);
      }
    }
    expect(atLeast(ORGANIZATION_ROLES, null, 'member')).toBe(false);
  });

  it('picks the highest role and ignores nulls', () => {
    expect(highest(PROJECT_ROLES, [null, 'viewer', 'developer', 'editor'])).toBe('developer');
    expect(highest(PROJECT_ROLES, [null, undefined])).toBeNull();
  });

  it.each<[OrganizationRole, ProjectRole | null]>([
    ['member', null],
    ['viewer', 'viewer'],
    ['interactive_viewer', 'interactive_viewer'],
    ['editor', 'editor'],
    ['developer', 'developer'],
    ['admin', 'admin'],
  ])('maps organization role %s to project role %s', (org, project) => {
    expect(organizationRoleToProjectRole(org)).toBe(project);
  });

  it.each<[ProjectRole, SpaceRole]>([
    ['viewer', 'viewer'],
    ['interactive_viewer', 'viewer'],
    ['editor', 'editor'],
    ['developer', 'editor'],
    ['admin', 'admin'],
  ])('converts project role %s to space role %s', (project, space) => {
    expect(projectRoleToSpaceRole(project)).toBe(space);
  });
});

describe('effectiveProjectRole: the highest of org role, direct grant and group grants', () => {
  it.each(PROJECT_ROLE_CASES)('%s', (_name, organizationRole, directRole, groupRoles, expected) => {
    expect(effectiveProjectRole({ organizationRole, directRole, groupRoles })).toBe(expected);
  });
});


describe('effectiveSpaceRole (DESIGN §3, in order)', () => {
  it.each(SPACE_ROLE_CASES)('%s', (_name, projectRole, chain, expected) => {
    expect(effectiveSpaceRole(projectRole, chain)).toBe(expected);
  });
});
