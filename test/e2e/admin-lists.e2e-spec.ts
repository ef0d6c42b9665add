import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, createOrganization } from '../support/organizations.js';
import { statementsDuring } from '../support/statements.js';

/**
 * The organization's member and group lists cost the same statements whatever the number of groups
 * and members (the caller's lookup and one list statement): no statement per group or per member.
 */
describe('admin lists in a constant number of statements', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const LISTS = ['/api/v1/org/users?includeGroups=10', '/api/v1/org/groups?includeMembers=100', '/api/v1/org/groups'];

  async function statementsPerList(groupCount: number): Promise<{ counts: number[]; groups: number; members: number }> {
    const org = await createOrganization(t);
    const members = [await addMember(t, org, 'member'), await addMember(t, org, 'editor')];
    for (let g = 0; g < groupCount; g++) {
      await t
        .http()
        .post('/api/v1/org/groups')
        .set('Cookie', org.admin.cookie)
        .send({ name: `Group ${g}`, members: members.slice(0, 1 + (g % 2)).map((m) => ({ userUuid: m.userUuid })) })
        .expect(201);
    }
    const counts: number[] = [];
    let groups = 0;
    for (const path of LISTS) {
      const statements = await statementsDuring(t, async () => {
        const res = await t.http().get(path).set('Cookie', org.admin.cookie).expect(200);
        if (path.includes('includeMembers')) {
          groups = res.body.results.data.length;
          // every group lists its members, in one pass
          expect(res.body.results.data.map((group: { members: unknown[] }) => group.members.length)).toEqual(
            res.body.results.data.map((group: { memberUuids: unknown[] }) => group.memberUuids.length),
          );
        }
      });
      counts.push(statements.length);
    }
    return { counts, groups, members: members.length + 1 };
  }

  it('GET /org/users and GET /org/groups: the same statements for 1 and 12 groups', async () => {
    const one = await statementsPerList(1);
    const twelve = await statementsPerList(12);
    expect([one.groups, twelve.groups]).toEqual([1, 12]);
    expect(twelve.counts).toEqual(one.counts);
    // the session lookup and the list
    expect(one.counts).toEqual([2, 2, 2]);
  });
});
