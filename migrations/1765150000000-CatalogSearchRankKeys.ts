import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a catalog search ranks every match by, stored with the item (docs/catalog.md,
 * docs/performance.md "wave 6"): the name and label folded as the search folds them
 * (`catalog_search_fold`, ICU lower case), compared with the typed search for the exact-name and
 * exact-label tiers, and the lower-case name that breaks ties. Computed per match on every search,
 * they were 40 % of the ranking's time (`revenue`: 2,000 ICU foldings of names and labels, and 2,000
 * lower-casings for the sort); generated, they follow every insert and update of name and label.
 */
export class CatalogSearchRankKeys1765150000000 implements MigrationInterface {
  name = 'CatalogSearchRankKeys1765150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE catalog_items
        ADD COLUMN search_name text GENERATED ALWAYS AS (catalog_search_fold(name)) STORED,
        ADD COLUMN search_label text GENERATED ALWAYS AS (catalog_search_fold(label)) STORED,
        ADD COLUMN sort_name text GENERATED ALWAYS AS (lower(name)) STORED`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE catalog_items DROP COLUMN sort_name, DROP COLUMN search_label, DROP COLUMN search_name');
  }
}
