import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploaded explores and the data catalog built from them. A catalog item's identity is
 * (project, item type, table, field): re-uploading keeps its row and catalog_search_uuid, so the
 * icon, categories and metrics-tree edges attached to it survive, and go with it when it is removed.
 * search_vector is filled by the upload, ready for catalog search.
 */
export class Catalog1763800400000 implements MigrationInterface {
  name = 'Catalog1763800400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE explores (
        explore_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        project_id bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
        name text NOT NULL,
        is_errored boolean NOT NULL,
        summary jsonb NOT NULL,
        -- json, not jsonb: the explore is served back as uploaded, with its key order (field order can be meaningful)
        definition json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT explores_project_name_key UNIQUE (project_id, name)
      )`);

    await queryRunner.query(`
      CREATE TABLE catalog_items (
        catalog_item_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        catalog_search_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        project_id bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
        item_type text NOT NULL CHECK (item_type IN ('table', 'field')),
        table_name text NOT NULL,
        field_name text,
        field_type text CHECK (field_type IN ('dimension', 'metric')),
        name text NOT NULL,
        label text NOT NULL,
        description text,
        explore_name text NOT NULL,
        definition jsonb NOT NULL,
        icon jsonb,
        search_vector tsvector NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT catalog_items_field_shape_check CHECK (
          (item_type = 'table' AND field_name IS NULL AND field_type IS NULL)
          OR (item_type = 'field' AND field_name IS NOT NULL AND field_type IS NOT NULL)
        )
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX catalog_items_identity_key ON catalog_items (project_id, item_type, table_name, (coalesce(field_name, '')))`,
    );
    await queryRunner.query(`CREATE INDEX catalog_items_search_vector_idx ON catalog_items USING gin (search_vector)`);

    await queryRunner.query(`
      CREATE TABLE catalog_item_categories (
        catalog_item_id bigint NOT NULL REFERENCES catalog_items (catalog_item_id) ON DELETE CASCADE,
        tag_id bigint NOT NULL REFERENCES tags (tag_id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (catalog_item_id, tag_id)
      )`);
    await queryRunner.query(`CREATE INDEX catalog_item_categories_tag_id_idx ON catalog_item_categories (tag_id)`);

    await queryRunner.query(`
      CREATE TABLE catalog_metrics_tree_edges (
        source_catalog_item_id bigint NOT NULL REFERENCES catalog_items (catalog_item_id) ON DELETE CASCADE,
        target_catalog_item_id bigint NOT NULL REFERENCES catalog_items (catalog_item_id) ON DELETE CASCADE,
        created_from text NOT NULL DEFAULT 'ui' CHECK (created_from IN ('ui', 'yaml')),
        created_by_user_id bigint REFERENCES users (user_id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source_catalog_item_id, target_catalog_item_id)
      )`);
    await queryRunner.query(`CREATE INDEX catalog_metrics_tree_edges_target_idx ON catalog_metrics_tree_edges (target_catalog_item_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE catalog_metrics_tree_edges');
    await queryRunner.query('DROP TABLE catalog_item_categories');
    await queryRunner.query('DROP TABLE catalog_items');
    await queryRunner.query('DROP TABLE explores');
  }
}
