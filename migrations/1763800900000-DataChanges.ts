import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every table whose writes mark a data change. Left out: sessions and personal access tokens (checked
 * live by every request, and stamped with their last use), the audit log, one-time passcodes, the
 * change log itself and TypeORM's migrations table; no cached response is built from them.
 */
const TRACKED_TABLES = [
  'users',
  'organizations',
  'organization_memberships',
  'organization_allowed_email_domains',
  'invite_links',
  'groups',
  'group_memberships',
  'projects',
  'project_memberships',
  'project_group_access',
  'user_warehouse_credentials',
  'project_user_warehouse_credentials',
  'spaces',
  'space_user_access',
  'space_group_access',
  'saved_charts',
  'dashboards',
  'tags',
  'explores',
  'catalog_items',
  'catalog_item_categories',
  'catalog_metrics_tree_edges',
];

/**
 * Every transaction that writes application data leaves its transaction id in `data_changes`, so the
 * response cache can ask "did anything commit since the snapshot this response was read in?" in one
 * index probe (`pg_visible_in_snapshot`). Statement-level triggers: one row per transaction, whatever
 * the number of rows it writes, and concurrent writers never wait for each other.
 */
export class DataChanges1763800900000 implements MigrationInterface {
  name = 'DataChanges1763800900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE data_changes (xid xid8 PRIMARY KEY, settled_at timestamptz)`);
    await queryRunner.query(`
      CREATE FUNCTION record_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO data_changes (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    for (const table of TRACKED_TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER record_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION record_data_change()`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TRACKED_TABLES) await queryRunner.query(`DROP TRIGGER record_data_change ON ${table}`);
    await queryRunner.query(`DROP FUNCTION record_data_change()`);
    await queryRunner.query(`DROP TABLE data_changes`);
  }
}
