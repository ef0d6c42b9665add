import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catalog search (docs/catalog.md):
 * - `catalog_search_fold(text)`: the case folding used on both sides of a search. ICU's `lower()`
 *   folds every script whatever the database's locale (a database created with the C locale, as the
 *   embedded one is, would otherwise only fold ASCII); plain `lower()` when the server has no ICU.
 * - `catalog_search_vector(name, label, description)`: the weighted document (name A, label B,
 *   description C) that the upload stores in `catalog_items.search_vector`, GIN-indexed since the
 *   Catalog migration. Existing rows are rebuilt here.
 * - an index on a field's id as charts reference it (`<table>_<field>`), covering the columns chart
 *   usage needs, so the fields charts use are resolved by index-only lookups rather than by computing
 *   the id of every field of the catalog.
 */
export class CatalogSearch1763800500000 implements MigrationInterface {
  name = 'CatalogSearch1763800500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const [{ hasIcu }] = await queryRunner.query(`SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') AS "hasIcu"`);
    const fold = hasIcu ? `lower($1 COLLATE "und-x-icu")` : 'lower($1)';
    await queryRunner.query(`
      CREATE FUNCTION catalog_search_fold(text) RETURNS text
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT ${fold} $$`);
    await queryRunner.query(`
      CREATE FUNCTION catalog_search_vector(name text, label text, description text) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT setweight(to_tsvector('simple', coalesce(catalog_search_fold(name), '')), 'A')
                || setweight(to_tsvector('simple', coalesce(catalog_search_fold(label), '')), 'B')
                || setweight(to_tsvector('simple', coalesce(catalog_search_fold(description), '')), 'C') $$`);
    await queryRunner.query(`UPDATE catalog_items SET search_vector = catalog_search_vector(name, label, description)`);
    await queryRunner.query(`
      CREATE INDEX catalog_items_field_id_idx ON catalog_items (project_id, (table_name || '_' || replace(field_name, '.', '__')))
      INCLUDE (catalog_item_id, table_name, field_name) WHERE item_type = 'field'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX catalog_items_field_id_idx');
    await queryRunner.query(`UPDATE catalog_items SET search_vector = to_tsvector('simple', name || ' ' || label || ' ' || coalesce(description, ''))`);
    await queryRunner.query('DROP FUNCTION catalog_search_vector(text, text, text)');
    await queryRunner.query('DROP FUNCTION catalog_search_fold(text)');
  }
}
