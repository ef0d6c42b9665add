import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import { describePermission, PERMISSIONS, type Permission } from '../../src/authorization/permissions.js';

describe('the permission table', () => {
  const docs = fs.readFileSync('docs/permissions.md', 'utf8');

  it.each(Object.entries(PERMISSIONS))('documents %s with its minimum role in docs/permissions.md', (permission, rule) => {
    const row = docs.split('\n').find((line) => line.startsWith(`| \`${permission}\` |`));
    expect(row).toBeDefined();
    expect(row).toContain(`${rule.scope} \`${rule.minimum}\``);
  });

  it('matches DESIGN §3 minimums', () => {
    const minimums = Object.fromEntries(Object.entries(PERMISSIONS).map(([p, r]) => [p, `${r.scope}:${r.minimum}`]));
    expect(minimums).toEqual({
      'organization:view': 'organization:member',
      'organization:manage': 'organization:admin',
      'groups:view': 'organization:admin',
      'groups:manage': 'organization:admin',
      'project:create': 'organization:admin',
      'project:view': 'project:viewer',
      'project:explore': 'project:interactive_viewer',
      'project:run-sql': 'project:developer',
      'project:edit': 'project:editor',
      'project:develop': 'project:developer',
      'project:content-as-code': 'project:developer',
      'project:manage-access': 'project:admin',
      'project:manage': 'project:admin',
      'project:delete': 'project:admin',
      'project:manage-deleted-content': 'project:admin',
      'space:view': 'space:viewer',
      'space:edit-content': 'space:editor',
      'space:create-nested': 'space:editor',
      'space:manage': 'space:admin',
    });
    expect(PERMISSIONS['space:edit-content']).toMatchObject({ projectMinimum: 'interactive_viewer' });
    expect(PERMISSIONS['space:create-nested']).toMatchObject({ projectMinimum: 'editor' });
    expect(PERMISSIONS['space:manage']).toMatchObject({ projectMinimum: 'interactive_viewer', publicSpaceProjectMinimum: 'editor' });
  });

  it('describes a permission in one line for Swagger', () => {
    expect(describePermission('space:manage' as Permission)).toBe(
      'Requires space role `admin` or higher and project role interactive_viewer; on a public space, project role editor is enough (permission `space:manage`: Rename, share, change the privacy of, or delete the space; scopes: space admin + manage:Space@assigned + public space: manage:Space@public).',
    );
  });
});
