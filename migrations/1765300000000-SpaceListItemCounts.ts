import type { MigrationInterface, QueryRunner } from 'typeorm';
import { REFRESH_SPACE_LIST_ITEMS, SPACE_LIST_ITEM_FORMAT } from './1765210000000-SpaceListItems.js';

/**
 * The numbers inside each space's stored summary, kept as columns too: its live charts, dashboards
 * and child spaces, the uuids of the users with a direct entry (a JSON array) and its parent's uuid.
 * The v2 content page and the single space's children read them instead of counting again per row:
 * one rule for what a space holds, computed where the summary is kept (by the same triggers, in the
 * writing transaction).
 */
export class SpaceListItemCounts1765300000000 implements MigrationInterface {
  name = 'SpaceListItemCounts1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE space_list_items
        ADD COLUMN chart_count integer NOT NULL DEFAULT 0,
        ADD COLUMN dashboard_count integer NOT NULL DEFAULT 0,
        ADD COLUMN child_space_count integer NOT NULL DEFAULT 0,
        ADD COLUMN access_uuids text NOT NULL DEFAULT '[]',
        ADD COLUMN parent_space_uuid uuid`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION refresh_space_list_items(VARIADIC ids bigint[]) RETURNS void LANGUAGE plpgsql
      SET plan_cache_mode = force_generic_plan AS $$
      BEGIN
        PERFORM 1 FROM space_list_items WHERE space_id = ANY (ids) ORDER BY space_id FOR UPDATE;
        INSERT INTO space_list_items (space_id, item, chart_count, dashboard_count, child_space_count, access_uuids, parent_space_uuid)
        SELECT s.space_id,
               format(${SPACE_LIST_ITEM_FORMAT},
                 s.space_uuid, to_json(s.name), p.project_uuid, o.organization_uuid, to_json(s.slug), (NOT s.inherit_parent_permissions)::text,
                 s.inherit_parent_permissions::text, s.every_level_inherits::text, coalesce('"' || parent.space_uuid || '"', 'null'), to_json(s.path),
                 held.chart_count, held.dashboard_count, held.child_space_count, held.access_uuids),
               held.chart_count, held.dashboard_count, held.child_space_count, held.access_uuids, parent.space_uuid
        FROM spaces s
        JOIN projects p ON p.project_id = s.project_id
        JOIN organizations o ON o.organization_id = p.organization_id
        LEFT JOIN spaces parent ON parent.space_id = s.parent_space_id
        CROSS JOIN LATERAL (
          SELECT (SELECT count(*) FROM saved_charts c WHERE c.space_id = s.space_id AND c.deleted_at IS NULL)::integer AS chart_count,
                 (SELECT count(*) FROM dashboards d WHERE d.space_id = s.space_id AND d.deleted_at IS NULL)::integer AS dashboard_count,
                 (SELECT count(*) FROM spaces k WHERE k.parent_space_id = s.space_id AND k.deleted_at IS NULL)::integer AS child_space_count,
                 coalesce((SELECT '[' || string_agg('"' || u.user_uuid || '"', ',' ORDER BY u.user_uuid) || ']'
                           FROM space_user_access a JOIN users u ON u.user_id = a.user_id WHERE a.space_id = s.space_id), '[]') AS access_uuids
        ) held
        WHERE s.space_id = ANY (ids)
        ON CONFLICT (space_id) DO UPDATE SET item = EXCLUDED.item, chart_count = EXCLUDED.chart_count, dashboard_count = EXCLUDED.dashboard_count,
          child_space_count = EXCLUDED.child_space_count, access_uuids = EXCLUDED.access_uuids, parent_space_uuid = EXCLUDED.parent_space_uuid;
      END $$`);
    await queryRunner.query(`SELECT refresh_space_list_items(VARIADIC coalesce(array_agg(space_id), '{}')) FROM spaces`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(REFRESH_SPACE_LIST_ITEMS.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
    await queryRunner.query(`
      ALTER TABLE space_list_items DROP COLUMN chart_count, DROP COLUMN dashboard_count, DROP COLUMN child_space_count,
        DROP COLUMN access_uuids, DROP COLUMN parent_space_uuid`);
  }
}
