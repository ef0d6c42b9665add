import { describe, expect, it } from '@jest/globals';
import { can, heldProjectScopes, type Permission, PERMISSIONS } from '../../src/authorization/permissions.js';
import { atLeast, ORGANIZATION_ROLES, PROJECT_ROLES, SPACE_ROLES } from '../../src/authorization/roles.js';
import { ALL_SCOPES, covers, isOrganizationOnlyScope, organizationRoleScopes, PROJECT_ROLE_SCOPES } from '../../src/authorization/scopes.js';

describe('scopes', () => {
  it('lists every scope of the reference once (116), 17 of them organization-only', () => {
    expect(ALL_SCOPES).toHaveLength(116);
    expect(new Set(ALL_SCOPES).size).toBe(116);
    expect(ALL_SCOPES.filter(isOrganizationOnlyScope)).toHaveLength(17);
  });

  it('builds the project system roles as cumulative scope sets of 15, 40, 53, 91 and 116 scopes', () => {
    expect(Object.fromEntries(PROJECT_ROLES.map((role) => [role, PROJECT_ROLE_SCOPES[role].length]))).toEqual({
      viewer: 15,
      interactive_viewer: 40,
      editor: 53,
      developer: 91,
      admin: 116,
    });
    for (const [lower, higher] of [['viewer', 'interactive_viewer'], ['interactive_viewer', 'editor'], ['editor', 'developer'], ['developer', 'admin']] as const) {
      expect(PROJECT_ROLE_SCOPES[higher]).toEqual(expect.arrayContaining([...PROJECT_ROLE_SCOPES[lower]]));
    }
    expect(new Set(PROJECT_ROLE_SCOPES.admin)).toEqual(new Set(ALL_SCOPES));
  });

  it.each([
    ['manage:Dashboard', 'view:Dashboard', true],
    ['manage:Dashboard', 'manage:Dashboard@space', true],
    ['manage:Space', 'manage:Space@public', true],
    ['view:Dashboard', 'manage:Dashboard', false],
    ['manage:Dashboard@space', 'manage:Dashboard', false],
    ['manage:Dashboard@space', 'manage:Dashboard@self', false],
    ['manage:SavedChart', 'view:Dashboard', false],
    ['create:Space', 'view:Space', false],
    ['view:Space', 'view:Space', true],
  ])('%s covers %s: %s', (held, wanted, expected) => {
    expect(covers(held, wanted)).toBe(expected);
  });
});

describe('the permission table as scopes', () => {
  const permissions = Object.keys(PERMISSIONS) as Permission[];

  // every system role decides exactly as its minimum role says: the scope table reproduces DESIGN §3
  it.each(permissions.filter((p) => PERMISSIONS[p].scope === 'project'))('%s: system roles decide as their minimum role', (permission) => {
    const rule = PERMISSIONS[permission];
    for (const role of [null, ...PROJECT_ROLES]) {
      expect(can(permission, { projectRole: role })).toBe(atLeast(PROJECT_ROLES, role, rule.minimum as (typeof PROJECT_ROLES)[number]));
    }
  });

  it.each(permissions.filter((p) => PERMISSIONS[p].scope === 'organization'))('%s: organization roles decide as their minimum role', (permission) => {
    const rule = PERMISSIONS[permission];
    for (const role of ORGANIZATION_ROLES) {
      expect(can(permission, { organizationRole: role })).toBe(atLeast(ORGANIZATION_ROLES, role, rule.minimum as (typeof ORGANIZATION_ROLES)[number]));
    }
  });

  it.each(permissions.filter((p) => PERMISSIONS[p].scope === 'space'))('%s: space rules keep their project minimums', (permission) => {
    const rule = PERMISSIONS[permission];
    if (rule.scope !== 'space') throw new Error('space rule expected');
    for (const spaceRole of [null, ...SPACE_ROLES]) {
      for (const projectRole of [null, ...PROJECT_ROLES]) {
        for (const inheritsFromProject of [false, true]) {
          // on a public space, the public-space project minimum is enough on its own (DESIGN §3)
          const byPublicSpace = !!rule.publicSpaceProjectMinimum && inheritsFromProject && atLeast(PROJECT_ROLES, projectRole, rule.publicSpaceProjectMinimum);
          const expected =
            byPublicSpace ||
            (atLeast(SPACE_ROLES, spaceRole, rule.minimum) && (!rule.projectMinimum || atLeast(PROJECT_ROLES, projectRole, rule.projectMinimum)));
          expect(can(permission, { spaceRole, projectRole, inheritsFromProject })).toBe(expected);
        }
      }
    }
  });

  it('lets a custom role grant exactly its scopes, added to the system role', () => {
    const sqlOnly = { projectRole: null, customScopes: ['view:Project', 'manage:SqlRunner'] };
    expect(can('project:view', sqlOnly)).toBe(true);
    expect(can('project:run-sql', sqlOnly)).toBe(true);
    expect(can('project:explore', sqlOnly)).toBe(false);
    expect(can('project:manage-access', sqlOnly)).toBe(false);
    // the union with a system role
    expect(can('project:run-sql', { projectRole: 'viewer', customScopes: ['manage:SqlRunner'] })).toBe(true);
    expect(can('project:edit', { projectRole: 'viewer', customScopes: ['manage:SqlRunner'] })).toBe(false);
    // manage covers the other actions on its subject
    expect(can('project:view', { projectRole: null, customScopes: ['manage:Project'] })).toBe(true);
    expect(can('project:manage-access', { projectRole: null, customScopes: ['manage:Project'] })).toBe(true);
  });

  it('lets a custom role edit content in a space only with a space editor role and a content scope', () => {
    const curator = { projectRole: null, customScopes: ['view:Space', 'manage:Dashboard@space'], inheritsFromProject: false };
    expect(can('space:edit-content', { ...curator, spaceRole: 'editor' })).toBe(true);
    expect(can('space:edit-content', { ...curator, spaceRole: 'viewer' })).toBe(false);
    expect(can('space:edit-content', { ...curator, customScopes: ['view:Space'], spaceRole: 'editor' })).toBe(false);
  });

  it('lets a custom role create a space inside another only with create:Space and space editor there', () => {
    const planner = { projectRole: null, customScopes: ['view:Space', 'create:Space'], inheritsFromProject: true };
    expect(can('space:create-nested', { ...planner, spaceRole: 'editor' })).toBe(true);
    expect(can('space:create-nested', { ...planner, spaceRole: 'viewer' })).toBe(false);
    expect(can('space:create-nested', { ...planner, customScopes: ['manage:Dashboard@space'], spaceRole: 'admin' })).toBe(false);
  });

  it("shows everyone's deletions to holders of manage:DeletedContent only", () => {
    expect(can('project:manage-deleted-content', { projectRole: 'developer' })).toBe(false);
    expect(can('project:manage-deleted-content', { projectRole: 'viewer', customScopes: ['manage:DeletedContent'] })).toBe(true);
    expect(can('project:manage-deleted-content', { projectRole: null, customScopes: ['manage:Project'] })).toBe(false);
  });

  it('has every organization role hold the organization scopes of its level', () => {
    expect(organizationRoleScopes('member')).toContain('view:OrganizationMemberProfile');
    expect(organizationRoleScopes('member')).not.toContain('view:Project');
    expect(heldProjectScopes({ projectRole: 'viewer', customScopes: ['manage:SqlRunner'] })).toHaveLength(16);
  });
});
