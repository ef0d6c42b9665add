import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each space carries what the access rules of DESIGN §3 need from its ancestors, so an access check
 * reads one row instead of walking up the tree (docs/performance.md):
 * - `ancestor_ids`: the ids from the root down to the space itself;
 * - `path`: the slugs along the same chain, joined with '.' (the `path` of the API);
 * - `every_level_inherits`: the space and every ancestor inherit their parent's permissions (the
 *   space is open to the project).
 * Triggers keep them right on every insert and on any change of parent, slug or privacy: a row takes
 * them from its parent (locked, so a concurrent privacy change cannot be missed), then its children
 * are recomputed, level by level, in the same statement.
 *
 * The GIN index on `ancestor_ids` finds the spaces below a space (lists spread each of the caller's
 * entries down that way). It is built without GIN's pending list: spaces are written rarely, and
 * entries waiting in a pending list are scanned by every lookup until a vacuum merges them.
 *
 * `effective_project_role` is rewritten without the text cast of the organization role (enum input
 * is only STABLE, which kept PostgreSQL from inlining an IMMUTABLE function): same results.
 */
export class SpaceAncestry1763800600000 implements MigrationInterface {
  name = 'SpaceAncestry1763800600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE spaces ADD COLUMN ancestor_ids bigint[], ADD COLUMN path text, ADD COLUMN every_level_inherits boolean`);
    await queryRunner.query(`
      WITH RECURSIVE tree AS (
        SELECT space_id, ARRAY[space_id] AS ancestor_ids, slug AS path, inherit_parent_permissions AS every_level_inherits
        FROM spaces WHERE parent_space_id IS NULL
        UNION ALL
        SELECT s.space_id, t.ancestor_ids || s.space_id, t.path || '.' || s.slug, t.every_level_inherits AND s.inherit_parent_permissions
        FROM tree t JOIN spaces s ON s.parent_space_id = t.space_id
      )
      UPDATE spaces s SET ancestor_ids = t.ancestor_ids, path = t.path, every_level_inherits = t.every_level_inherits
      FROM tree t WHERE t.space_id = s.space_id`);
    await queryRunner.query(`
      ALTER TABLE spaces ALTER COLUMN ancestor_ids SET NOT NULL, ALTER COLUMN path SET NOT NULL, ALTER COLUMN every_level_inherits SET NOT NULL`);
    await queryRunner.query(`
      CREATE FUNCTION spaces_take_ancestry() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.parent_space_id IS NOT NULL THEN
          SELECT p.ancestor_ids || NEW.space_id, p.path || '.' || NEW.slug, p.every_level_inherits AND NEW.inherit_parent_permissions
            INTO NEW.ancestor_ids, NEW.path, NEW.every_level_inherits
            FROM spaces p WHERE p.space_id = NEW.parent_space_id
            -- waits for a change of the parent in progress and reads its outcome; a change that starts
            -- later waits for this row's transaction, and its pass down then sees this row
            FOR SHARE;
          IF FOUND THEN RETURN NEW; END IF;
          -- no such parent: the foreign key refuses the row right after this trigger
        END IF;
        NEW.ancestor_ids := ARRAY[NEW.space_id];
        NEW.path := NEW.slug;
        NEW.every_level_inherits := NEW.inherit_parent_permissions;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER spaces_take_ancestry BEFORE INSERT OR UPDATE OF parent_space_id, slug, inherit_parent_permissions, ancestor_ids, path, every_level_inherits
      ON spaces FOR EACH ROW EXECUTE FUNCTION spaces_take_ancestry()`);
    await queryRunner.query(`
      CREATE FUNCTION spaces_pass_ancestry_down() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- touching the parent column makes each child take its ancestry again (and pass it on)
        UPDATE spaces SET parent_space_id = parent_space_id WHERE parent_space_id = NEW.space_id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER spaces_pass_ancestry_down AFTER UPDATE ON spaces FOR EACH ROW
      WHEN (OLD.ancestor_ids IS DISTINCT FROM NEW.ancestor_ids OR OLD.path IS DISTINCT FROM NEW.path
            OR OLD.every_level_inherits IS DISTINCT FROM NEW.every_level_inherits)
      EXECUTE FUNCTION spaces_pass_ancestry_down()`);
    await queryRunner.query(`CREATE INDEX spaces_ancestor_ids_idx ON spaces USING gin (ancestor_ids) WITH (fastupdate = off)`);
    await queryRunner.query(`CREATE INDEX spaces_project_id_path_idx ON spaces (project_id, path)`);
    await queryRunner.query(`CREATE INDEX group_memberships_user_id_group_id_idx ON group_memberships (user_id, group_id)`);
    await queryRunner.query(`DROP INDEX group_memberships_user_id_idx`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION effective_project_role(organization organization_role, direct project_role, via_groups project_role)
      RETURNS project_role LANGUAGE sql IMMUTABLE AS $$
        SELECT GREATEST(
          CASE organization
            WHEN 'viewer' THEN 'viewer'::project_role
            WHEN 'interactive_viewer' THEN 'interactive_viewer'::project_role
            WHEN 'editor' THEN 'editor'::project_role
            WHEN 'developer' THEN 'developer'::project_role
            WHEN 'admin' THEN 'admin'::project_role
          END, direct, via_groups)
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION effective_project_role(organization organization_role, direct project_role, via_groups project_role)
      RETURNS project_role LANGUAGE sql IMMUTABLE AS $$
        SELECT GREATEST(CASE WHEN organization IS NULL OR organization = 'member' THEN NULL ELSE organization::text::project_role END, direct, via_groups)
      $$`);
    await queryRunner.query(`CREATE INDEX group_memberships_user_id_idx ON group_memberships (user_id)`);
    await queryRunner.query(`DROP INDEX group_memberships_user_id_group_id_idx`);
    await queryRunner.query(`DROP TRIGGER spaces_pass_ancestry_down ON spaces`);
    await queryRunner.query(`DROP TRIGGER spaces_take_ancestry ON spaces`);
    await queryRunner.query(`DROP FUNCTION spaces_pass_ancestry_down()`);
    await queryRunner.query(`DROP FUNCTION spaces_take_ancestry()`);
    await queryRunner.query(`ALTER TABLE spaces DROP COLUMN ancestor_ids, DROP COLUMN path, DROP COLUMN every_level_inherits`);
  }
}
