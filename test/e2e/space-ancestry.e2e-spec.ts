import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOrganization } from '../support/organizations.js';
import { createProject } from '../support/projects.js';
import { createSpace } from '../support/spaces.js';

interface AncestryRow {
  uuid: string;
  stored: { ancestorIds: string[]; path: string; everyLevelInherits: boolean };
  walked: { ancestorIds: string[]; path: string; everyLevelInherits: boolean };
}

// Access checks read each space's ancestor ids, path and inheritance from its own row; the triggers
// of the SpaceAncestry migration must keep them equal to a walk of the tree, whatever changes.
describe('space ancestry columns', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const db = () => t.app.get(DataSource);

  /** Every space of the project: what its row says, and what walking the tree from the roots says. */
  async function ancestry(projectUuid: string): Promise<AncestryRow[]> {
    return db().query(
      `WITH RECURSIVE tree AS (
         SELECT s.space_id, ARRAY[s.space_id] AS ids, s.slug AS path, s.inherit_parent_permissions AS inherits
         FROM spaces s JOIN projects p ON p.project_id = s.project_id WHERE p.project_uuid = $1 AND s.parent_space_id IS NULL
         UNION ALL
         SELECT s.space_id, t.ids || s.space_id, t.path || '.' || s.slug, t.inherits AND s.inherit_parent_permissions
         FROM tree t JOIN spaces s ON s.parent_space_id = t.space_id
       )
       SELECT s.space_uuid AS uuid,
              json_build_object('ancestorIds', s.ancestor_ids::text[], 'path', s.path, 'everyLevelInherits', s.every_level_inherits) AS stored,
              json_build_object('ancestorIds', t.ids::text[], 'path', t.path, 'everyLevelInherits', t.inherits) AS walked
       FROM tree t JOIN spaces s ON s.space_id = t.space_id ORDER BY t.path`,
      [projectUuid],
    );
  }

  async function tree() {
    const org = await createOrganization(t);
    const projectUuid = await createProject(t, org.admin);
    const root = await createSpace(t, org.admin, projectUuid, { name: 'Root' });
    const middle = await createSpace(t, org.admin, projectUuid, { name: 'Middle', parentSpaceUuid: root });
    const leaf = await createSpace(t, org.admin, projectUuid, { name: 'Leaf', parentSpaceUuid: middle });
    const privateLeaf = await createSpace(t, org.admin, projectUuid, { name: 'Private leaf', parentSpaceUuid: middle, isPrivate: true });
    const other = await createSpace(t, org.admin, projectUuid, { name: 'Other root', isPrivate: true });
    return { org, projectUuid, root, middle, leaf, privateLeaf, other };
  }

  const privacy = (org: { admin: { cookie: string } }, projectUuid: string, spaceUuid: string, name: string, isPrivate: boolean) =>
    t.http().patch(`/api/v1/projects/${projectUuid}/spaces/${spaceUuid}`).set('Cookie', org.admin.cookie).send({ name, isPrivate }).expect(200);

  it('are set on every space created through the API', async () => {
    const { projectUuid, root, middle, leaf, privateLeaf, other } = await tree();
    const rows = await ancestry(projectUuid);
    expect(rows).toHaveLength(6); // with the project's default space
    for (const row of rows) expect(row.stored).toEqual(row.walked);
    const byUuid = new Map(rows.map((row) => [row.uuid, row.stored]));
    expect(byUuid.get(leaf)).toMatchObject({ path: 'root.middle.leaf', everyLevelInherits: true });
    expect(byUuid.get(leaf)!.ancestorIds).toHaveLength(3);
    expect(byUuid.get(privateLeaf)).toMatchObject({ everyLevelInherits: false });
    expect(byUuid.get(other)).toMatchObject({ path: 'other-root', everyLevelInherits: false });
    expect(byUuid.get(root)!.ancestorIds).toEqual([byUuid.get(middle)!.ancestorIds[0]]);
  });

  it('follow a privacy change down to every descendant, and back', async () => {
    const { org, projectUuid, middle, leaf } = await tree();
    await privacy(org, projectUuid, middle, 'Middle', true);
    let rows = await ancestry(projectUuid);
    for (const row of rows) expect(row.stored).toEqual(row.walked);
    expect(rows.find((row) => row.uuid === leaf)!.stored.everyLevelInherits).toBe(false);

    await privacy(org, projectUuid, middle, 'Middle', false);
    rows = await ancestry(projectUuid);
    for (const row of rows) expect(row.stored).toEqual(row.walked);
    expect(rows.find((row) => row.uuid === leaf)!.stored.everyLevelInherits).toBe(true);
  });

  it('cannot be written apart from the tree, and follow a move of a subtree', async () => {
    const { projectUuid, middle, leaf, other } = await tree();
    // a direct write of the derived columns is recomputed by the trigger
    await db().query(`UPDATE spaces SET ancestor_ids = '{1}', path = 'elsewhere', every_level_inherits = NOT every_level_inherits WHERE space_uuid = $1`, [leaf]);
    // the API cannot move spaces; the triggers still keep a moved subtree right (leaf follows middle)
    await db().query('UPDATE spaces SET parent_space_id = (SELECT space_id FROM spaces WHERE space_uuid = $2) WHERE space_uuid = $1', [middle, other]);
    const rows = await ancestry(projectUuid);
    expect(rows).toHaveLength(6); // with the project's default space
    for (const row of rows) expect(row.stored).toEqual(row.walked);
    const stored = rows.find((row) => row.uuid === leaf)!.stored;
    expect(stored).toMatchObject({ path: 'other-root.middle.leaf', everyLevelInherits: false });
  });
  /**
   * Runs `first` in an open transaction, then `second` on another connection; commits the first once
   * the second waits for its lock (or has finished without waiting), then lets the second finish.
   */
  async function overlapping(first: string, second: string, values: unknown[]): Promise<void> {
    const one = new pg.Client({ connectionString: process.env.DATABASE_URL });
    const two = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await Promise.all([one.connect(), two.connect()]);
    try {
      await one.query('BEGIN');
      await one.query(first, values);
      const [{ pid }] = (await two.query('SELECT pg_backend_pid() AS pid')).rows;
      let done = false;
      const running = two.query(second, values).finally(() => (done = true));
      for (;;) {
        const { rows } = await one.query('SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1', [pid]);
        if (done || rows[0]?.wait_event_type === 'Lock') break;
      }
      await one.query('COMMIT');
      await running;
    } finally {
      await Promise.all([one.end(), two.end()]);
    }
  }

  const TURN_PRIVATE = 'UPDATE spaces SET inherit_parent_permissions = false WHERE space_uuid = $1';
  const CREATE_CHILD = `INSERT INTO spaces (project_id, organization_id, parent_space_id, name, slug)
    SELECT project_id, organization_id, space_id, 'Late child', 'late-child' FROM spaces WHERE space_uuid = $1`;

  it.each([
    ['the privacy change commits first', TURN_PRIVATE, CREATE_CHILD],
    ['the child is created first', CREATE_CHILD, TURN_PRIVATE],
  ])('a child and its parent turning private at the same time agree (the parent row is locked): %s', async (_order, first, second) => {
    const { projectUuid, middle } = await tree();
    await overlapping(first, second, [middle]);
    const rows = await ancestry(projectUuid);
    for (const row of rows) expect(row.stored).toEqual(row.walked);
    expect(rows.find((row) => row.stored.path.endsWith('late-child'))!.stored.everyLevelInherits).toBe(false);
  });
});
