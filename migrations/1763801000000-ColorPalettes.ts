import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organization colour palettes (Lightdash's OrganizationColorPalette): named sets of exactly 20
 * chart colours, one of which the organization may mark active (`organizations.color_palette_uuid`).
 *
 * The active palette is a composite foreign key on (palette, organization), so PostgreSQL itself
 * refuses another organization's palette and the deletion of the palette in use.
 *
 * `seed_color_palettes(organization_id)` inserts the six preset palettes; it is the one definition of
 * the presets: this migration backfills existing organizations with it, and creating an organization
 * calls it in the same transaction (src/color-palettes/color-palettes.queries.ts).
 */
export class ColorPalettes1763801000000 implements MigrationInterface {
  name = 'ColorPalettes1763801000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organization_color_palettes (
        color_palette_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        color_palette_uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        organization_id bigint NOT NULL REFERENCES organizations (organization_id) ON DELETE CASCADE,
        name text NOT NULL,
        colors text[] NOT NULL CHECK (cardinality(colors) = 20),
        dark_colors text[],
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (color_palette_uuid, organization_id)
      )`);
    await queryRunner.query(`CREATE INDEX organization_color_palettes_organization_id_idx ON organization_color_palettes (organization_id)`);
    await queryRunner.query(`ALTER TABLE organizations ADD COLUMN color_palette_uuid uuid`);
    await queryRunner.query(`
      ALTER TABLE organizations ADD CONSTRAINT organizations_color_palette_fkey
        FOREIGN KEY (color_palette_uuid, organization_id) REFERENCES organization_color_palettes (color_palette_uuid, organization_id)`);
    await queryRunner.query(
      `CREATE TRIGGER record_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organization_color_palettes
       FOR EACH STATEMENT EXECUTE FUNCTION record_data_change()`,
    );

    await queryRunner.query(`
      CREATE FUNCTION seed_color_palettes(organization bigint) RETURNS void LANGUAGE sql AS $$
        INSERT INTO organization_color_palettes (organization_id, name, colors)
        SELECT organization, preset.name, preset.colors
        FROM (VALUES
          (1, 'Default', ARRAY['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc', '#4e79a7',
                               '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#2f4554']),
          (2, 'Modern', ARRAY['#7162ff', '#36cfc9', '#ff7a45', '#ffc53d', '#73d13d', '#40a9ff', '#9254de', '#f759ab', '#597ef7', '#ffa940',
                              '#bae637', '#5cdbd3', '#ff85c0', '#95de64', '#69c0ff', '#b37feb', '#ff9c6e', '#ffd666', '#87e8de', '#adc6ff']),
          (3, 'Retro', ARRAY['#bc6c25', '#606c38', '#dda15e', '#283618', '#a98467', '#6c584c', '#adc178', '#b08968', '#7f5539', '#9c6644',
                             '#ddb892', '#d4a373', '#ccd5ae', '#e6ccb2', '#e9edc9', '#faedcd', '#dde5b6', '#ede0d4', '#f0ead2', '#fefae0']),
          (4, 'Business', ARRAY['#003f5c', '#2f4b7c', '#665191', '#a05195', '#d45087', '#f95d6a', '#ff7c43', '#ffa600', '#1f77b4', '#aec7e8',
                                '#ff7f0e', '#ffbb78', '#2ca02c', '#98df8a', '#d62728', '#ff9896', '#9467bd', '#c5b0d5', '#8c564b', '#c49c94']),
          (5, 'Lightdash', ARRAY['#7262ff', '#ff8a5c', '#3fc1a5', '#ffc43d', '#ef476f', '#118ab2', '#06d6a0', '#8d5cf6', '#f78c6b', '#2ec4b6',
                                 '#e71d36', '#ff9f1c', '#5d5fef', '#44bba4', '#e94f37', '#393e41', '#f6ae2d', '#86bbd8', '#9e0059', '#33658a']),
          (6, 'Data Matrix', ARRAY['#00ff41', '#008f11', '#003b00', '#39ff14', '#7fff00', '#00e676', '#1de9b6', '#00bfa5', '#64dd17', '#aeea00',
                                   '#76ff03', '#00c853', '#2e7d32', '#1b5e20', '#43a047', '#66bb6a', '#a5d6a7', '#c8e6c9', '#e8f5e9', '#0d0208'])
        ) AS preset (position, name, colors)
        ORDER BY preset.position
      $$`);
    await queryRunner.query(`SELECT seed_color_palettes(organization_id) FROM organizations ORDER BY organization_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION seed_color_palettes(bigint)`);
    await queryRunner.query(`ALTER TABLE organizations DROP CONSTRAINT organizations_color_palette_fkey`);
    await queryRunner.query(`ALTER TABLE organizations DROP COLUMN color_palette_uuid`);
    await queryRunner.query(`DROP TABLE organization_color_palettes`);
  }
}
