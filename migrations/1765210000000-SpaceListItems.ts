import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The format() of a space's summary text (its arguments in the order of the placeholders). */
export const SPACE_LIST_ITEM_FORMAT = `'{"uuid":"%s","name":%s,"projectUuid":"%s","organizationUuid":"%s","slug":%s,"isPrivate":%s,"inheritParentPermissions":%s,'
                      '"inheritsFromOrgOrProject":%s,"parentSpaceUuid":%s,"path":%s,"projectMemberAccessRole":null,"chartCount":"%s",'
                      '"dashboardCount":"%s","childSpaceCount":"%s","appCount":"0","access":%s,"pinnedListUuid":null,"pinnedListOrder":null,"userAccess":'`;

/** The summaries' refresh as this migration made it (a later one adds stored counts; its down() restores this). */
export const REFRESH_SPACE_LIST_ITEMS = `
      CREATE FUNCTION refresh_space_list_items(VARIADIC ids bigint[]) RETURNS void LANGUAGE plpgsql
      SET plan_cache_mode = force_generic_plan AS $$
      BEGIN
        PERFORM 1 FROM space_list_items WHERE space_id = ANY (ids) ORDER BY space_id FOR UPDATE;
        INSERT INTO space_list_items (space_id, item)
        SELECT s.space_id,
               format(${SPACE_LIST_ITEM_FORMAT},
                 s.space_uuid, to_json(s.name), p.project_uuid, o.organization_uuid, to_json(s.slug), (NOT s.inherit_parent_permissions)::text,
                 s.inherit_parent_permissions::text, s.every_level_inherits::text, coalesce('"' || parent.space_uuid || '"', 'null'), to_json(s.path),
                 (SELECT count(*) FROM saved_charts c WHERE c.space_id = s.space_id AND c.deleted_at IS NULL),
                 (SELECT count(*) FROM dashboards d WHERE d.space_id = s.space_id AND d.deleted_at IS NULL),
                 (SELECT count(*) FROM spaces k WHERE k.parent_space_id = s.space_id AND k.deleted_at IS NULL),
                 coalesce((SELECT '[' || string_agg('"' || u.user_uuid || '"', ',' ORDER BY u.user_uuid) || ']'
                           FROM space_user_access a JOIN users u ON u.user_id = a.user_id WHERE a.space_id = s.space_id), '[]'))
        FROM spaces s
        JOIN projects p ON p.project_id = s.project_id
        JOIN organizations o ON o.organization_id = p.organization_id
        LEFT JOIN spaces parent ON parent.space_id = s.parent_space_id
        WHERE s.space_id = ANY (ids)
        ON CONFLICT (space_id) DO UPDATE SET item = EXCLUDED.item;
      END $$`;

/**
 * `space_list_items`: each space's summary in GET /projects/{p}/spaces as JSON text, everything but
 * the caller's `userAccess` (the text ends with `"userAccess":`), so the list only joins the visible
 * spaces to their stored text instead of writing 600 kB of JSON per request (docs/performance.md,
 * wave 7). Triggers keep it right inside the writing transaction: a change of a space's name,
 * slug, privacy, parent or ancestry, a space coming, going to or out of the trash (its parent's
 * childSpaceCount), a chart or dashboard created, trashed, restored, moved or deleted, a user's entry
 * added or removed (`access`, also when a membership's removal cascades to the entries). Uuids of
 * spaces, projects, organizations and users never change.
 *
 * `refresh_space_list_items` locks the items first and reads the counts in its next statement, with a
 * snapshot taken after the lock: two transactions adding a chart to one space each count the other's
 * chart (the second waits for the first to commit), where counting from the trigger's own snapshot
 * would lose one of them. It always runs its generic plans: planning each call anew (what PostgreSQL
 * chose for the array of ids) doubled the cost of a chart or space insert.
 */
export class SpaceListItems1765210000000 implements MigrationInterface {
  name = 'SpaceListItems1765210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE space_list_items (
        space_id bigint PRIMARY KEY REFERENCES spaces (space_id) ON DELETE CASCADE,
        item text NOT NULL
      )`);
    await queryRunner.query(REFRESH_SPACE_LIST_ITEMS);
    await queryRunner.query(`
      CREATE FUNCTION spaces_refresh_list_items() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        CASE TG_OP
          WHEN 'INSERT' THEN PERFORM refresh_space_list_items(NEW.space_id, NEW.parent_space_id);
          WHEN 'UPDATE' THEN PERFORM refresh_space_list_items(NEW.space_id, OLD.parent_space_id, NEW.parent_space_id);
          ELSE PERFORM refresh_space_list_items(OLD.parent_space_id);
        END CASE;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER spaces_refresh_list_items AFTER INSERT OR DELETE ON spaces FOR EACH ROW EXECUTE FUNCTION spaces_refresh_list_items()`);
    await queryRunner.query(`
      CREATE TRIGGER spaces_refresh_list_items_update AFTER UPDATE ON spaces FOR EACH ROW
      WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.slug IS DISTINCT FROM NEW.slug
            OR OLD.inherit_parent_permissions IS DISTINCT FROM NEW.inherit_parent_permissions
            OR OLD.every_level_inherits IS DISTINCT FROM NEW.every_level_inherits OR OLD.parent_space_id IS DISTINCT FROM NEW.parent_space_id
            OR OLD.path IS DISTINCT FROM NEW.path OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
      EXECUTE FUNCTION spaces_refresh_list_items()`);
    // charts, dashboards and user entries: the space they are in (both, when one moves)
    await queryRunner.query(`
      CREATE FUNCTION space_content_refresh_list_items() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        CASE TG_OP
          WHEN 'INSERT' THEN PERFORM refresh_space_list_items(NEW.space_id);
          WHEN 'UPDATE' THEN PERFORM refresh_space_list_items(OLD.space_id, NEW.space_id);
          ELSE PERFORM refresh_space_list_items(OLD.space_id);
        END CASE;
        RETURN NULL;
      END $$`);
    for (const [table, moved] of [
      ['saved_charts', 'OLD.deleted_at IS DISTINCT FROM NEW.deleted_at'],
      ['dashboards', 'OLD.deleted_at IS DISTINCT FROM NEW.deleted_at'],
      ['space_user_access', 'OLD.user_id IS DISTINCT FROM NEW.user_id'],
    ]) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_refresh_list_items AFTER INSERT OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION space_content_refresh_list_items()`,
      );
      await queryRunner.query(`
        CREATE TRIGGER ${table}_refresh_list_items_update AFTER UPDATE ON ${table} FOR EACH ROW
        WHEN (OLD.space_id IS DISTINCT FROM NEW.space_id OR ${moved})
        EXECUTE FUNCTION space_content_refresh_list_items()`);
    }
    await queryRunner.query(`SELECT refresh_space_list_items(VARIADIC coalesce(array_agg(space_id), '{}')) FROM spaces`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['saved_charts', 'dashboards', 'space_user_access']) {
      await queryRunner.query(`DROP TRIGGER ${table}_refresh_list_items_update ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_refresh_list_items ON ${table}`);
    }
    await queryRunner.query(`DROP TRIGGER spaces_refresh_list_items_update ON spaces`);
    await queryRunner.query(`DROP TRIGGER spaces_refresh_list_items ON spaces`);
    await queryRunner.query(`DROP FUNCTION space_content_refresh_list_items()`);
    await queryRunner.query(`DROP FUNCTION spaces_refresh_list_items()`);
    await queryRunner.query(`DROP FUNCTION refresh_space_list_items(bigint[])`);
    await queryRunner.query(`DROP TABLE space_list_items`);
  }
}
