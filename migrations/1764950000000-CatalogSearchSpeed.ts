import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catalog search speed (docs/catalog.md, docs/performance.md):
 * - the search GIN index without its pending list (`fastupdate = off`). With it, an upload of
 *   thousands of items left them in an unsorted list that every search scanned in full until the
 *   next vacuum; now an upload writes them into the index itself (slower uploads, searches that
 *   only read the index).
 * - the explore's `baseTable` and `joinedTables`, stored next to the definition. A catalog answer
 *   needs them for every table it holds, and reading them from the definition (json of the whole
 *   explore) parsed it once per table.
 */
export class CatalogSearchSpeed1764950000000 implements MigrationInterface {
  name = 'CatalogSearchSpeed1764950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER INDEX catalog_items_search_vector_idx SET (fastupdate = off)');
    await queryRunner.query(`SELECT gin_clean_pending_list('catalog_items_search_vector_idx')`);
    await queryRunner.query(`
      ALTER TABLE explores
        ADD COLUMN base_table text GENERATED ALWAYS AS (definition->>'baseTable') STORED,
        ADD COLUMN joined_tables json GENERATED ALWAYS AS (definition->'joinedTables') STORED`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE explores DROP COLUMN joined_tables, DROP COLUMN base_table');
    await queryRunner.query('ALTER INDEX catalog_items_search_vector_idx RESET (fastupdate)');
  }
}
