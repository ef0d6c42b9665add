import { describe, expect, it } from '@jest/globals';
import { groupPatchToChange } from '../../src/scim/dto/scim-group.dto.js';
import { parseScimUser } from '../../src/scim/dto/scim-user.dto.js';
import { applyPatch, parsePatchPath, parsePatchRequest, type PatchOperation } from '../../src/scim/scim-patch.js';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const EXTENSION = 'urn:lightdash:params:scim:schemas:extension:2.0:User';

const user = () => ({
  userName: 'kim@example.org',
  name: { givenName: 'Kim', familyName: 'Lee' },
  active: true,
  emails: [{ value: 'kim@example.org', primary: true }],
  roles: [{ value: 'editor', primary: true, type: 'Organization' }],
  [EXTENSION]: { role: 'editor' },
});

function scimError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('PatchOp request', () => {
  it('reads operations in any case and refuses malformed ones', () => {
    expect(parsePatchRequest({ Operations: [{ op: 'Replace', path: 'active', value: false }] })).toEqual([{ op: 'replace', path: 'active', value: false }]);
    expect(scimError(() => parsePatchRequest({}))).toMatchObject({ statusCode: 400, scimType: 'invalidSyntax' });
    expect(scimError(() => parsePatchRequest({ Operations: [{ op: 'copy', path: 'a' }] }))).toMatchObject({ scimType: 'invalidSyntax' });
    expect(scimError(() => parsePatchRequest({ Operations: [{ op: 'remove' }] }))).toMatchObject({ scimType: 'noTarget' });
    expect(scimError(() => parsePatchRequest({ Operations: [{ op: 'add', path: 'a' }] }))).toMatchObject({ scimType: 'invalidValue' });
    expect(scimError(() => parsePatchRequest({ Operations: Array.from({ length: 1001 }, () => ({ op: 'remove', path: 'a' })) }))).toMatchObject({ scimType: 'tooMany' });
  });

  it('parses paths: sub-attributes, value filters and extension attributes', () => {
    expect(parsePatchPath('name.givenName')).toEqual({ attribute: 'name', subAttribute: 'givenname' });
    expect(parsePatchPath(`${EXTENSION}:role`)).toEqual({ attribute: EXTENSION.toLowerCase(), subAttribute: 'role' });
    expect(parsePatchPath('urn:ietf:params:scim:schemas:core:2.0:User:active')).toEqual({ attribute: 'active' });
    expect(parsePatchPath('emails[type eq "work"].value')).toMatchObject({ attribute: 'emails', subAttribute: 'value', filter: { op: 'eq' } });
    expect(scimError(() => parsePatchPath('emails[type eq "work"'))).toMatchObject({ scimType: 'invalidPath' });
  });
});

describe('applying a PatchOp to a user', () => {
  const patched = (operations: PatchOperation[]) => applyPatch(user(), operations);

  it('replaces simple, nested and extension attributes, with or without a path (Okta and Entra ID)', () => {
    expect(patched([{ op: 'replace', path: 'active', value: false }]).active).toBe(false);
    expect(patched([{ op: 'replace', value: { active: false, 'name.familyName': 'Park' } }])).toMatchObject({ active: false, name: { givenName: 'Kim', familyName: 'Park' } });
    expect(patched([{ op: 'add', path: `${EXTENSION}:role`, value: 'admin' }])[EXTENSION]).toEqual({ role: 'admin' });
  });

  it('selects elements of multi-valued attributes with a filter, and adds one when none matches', () => {
    expect(patched([{ op: 'replace', path: 'roles[primary eq "True"].value', value: 'viewer' }]).roles).toEqual([{ value: 'viewer', primary: true, type: 'Organization' }]);
    expect(patched([{ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.org' }]).emails).toEqual([
      { value: 'kim@example.org', primary: true },
      { type: 'work', value: 'new@example.org' },
    ]);
    expect(patched([{ op: 'remove', path: 'roles[value eq "editor"]' }]).roles).toEqual([]);
  });

  it('leaves the original untouched, and the result reads as a user', () => {
    const original = user();
    const result = applyPatch(original, [{ op: 'replace', path: 'name.givenName', value: 'Ada' }]);
    expect(original.name.givenName).toBe('Kim');
    expect(parseScimUser(result)).toMatchObject({ userName: 'kim@example.org', givenName: 'Ada', rolesOrganizationRole: 'editor', extensionRole: 'editor' });
  });
});

describe('a group PatchOp as one membership change', () => {
  const change = (operations: PatchOperation[]) => groupPatchToChange(operations);

  it('collects adds and removes (Okta)', () => {
    expect(
      change([
        { op: 'add', path: 'members', value: [{ value: A }, { value: B }] },
        { op: 'remove', path: `members[value eq "${B}"]` },
        { op: 'remove', path: 'members', value: [{ value: C }] },
      ]),
    ).toEqual({ add: [A], remove: [B, C] });
  });

  it('applies operations in order after a replace, and reads a path-less replace (Entra ID)', () => {
    expect(change([{ op: 'replace', path: 'members', value: [{ value: A }] }, { op: 'add', path: 'members', value: [{ value: B }] }])).toEqual({
      replace: [A, B],
      add: [],
      remove: [],
    });
    expect(change([{ op: 'Replace' as 'replace', value: { displayName: ' BI ', externalId: 'x' } }])).toEqual({ name: 'BI', add: [], remove: [] });
    expect(change([{ op: 'remove', path: 'members' }])).toEqual({ replace: [], add: [], remove: [] });
  });

  it('refuses what it cannot apply', () => {
    expect(scimError(() => change([{ op: 'add', path: 'members', value: [{ value: 'nope' }] }]))).toMatchObject({ scimType: 'invalidValue' });
    expect(scimError(() => change([{ op: 'remove', path: 'displayName' }]))).toMatchObject({ scimType: 'mutability' });
    expect(scimError(() => change([{ op: 'remove', path: 'members[display eq "x"]' }]))).toMatchObject({ scimType: 'invalidPath' });
    expect(scimError(() => change([{ op: 'replace', path: 'displayName', value: '' }]))).toMatchObject({ scimType: 'invalidValue' });
  });
});
