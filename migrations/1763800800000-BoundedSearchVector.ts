import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `catalog_search_vector` indexes at most the first 65,536 characters of a name, label and
 * description. A tsvector holds at most 1 MB, and an upload may carry a description of any length:
 * past that, PostgreSQL refused the row ("string is too long for tsvector") and the upload failed.
 * Rows whose texts are shorter (all real ones) get the same vector as before.
 */
export class BoundedSearchVector1763800800000 implements MigrationInterface {
  name = 'BoundedSearchVector1763800800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(vectorFunction('left(name, 65536)', 'left(label, 65536)', 'left(description, 65536)'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(vectorFunction('name', 'label', 'description'));
  }
}

function vectorFunction(name: string, label: string, description: string): string {
  return `
    CREATE OR REPLACE FUNCTION catalog_search_vector(name text, label text, description text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT setweight(to_tsvector('simple', coalesce(catalog_search_fold(${name}), '')), 'A')
              || setweight(to_tsvector('simple', coalesce(catalog_search_fold(${label}), '')), 'B')
              || setweight(to_tsvector('simple', coalesce(catalog_search_fold(${description}), '')), 'C') $$`;
}
