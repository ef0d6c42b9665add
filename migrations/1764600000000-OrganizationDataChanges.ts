import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How a table's rows reach their organization: the column to read, and what it refers to. */
type Reach = readonly [column: string, refersTo: 'organization' | 'project' | 'catalog_item' | 'user'];

/**
 * The tables whose changes are recorded per organization. Every other tracked table keeps the
 * unattributed `record_data_change()` trigger (a change for every organization), and so does
 * TRUNCATE everywhere (it has no transition table).
 */
const ATTRIBUTED_TABLES: Record<string, Reach> = {
  organizations: ['organization_id', 'organization'],
  organization_memberships: ['organization_id', 'organization'],
  organization_allowed_email_domains: ['organization_id', 'organization'],
  organization_email_domains: ['organization_id', 'organization'],
  organization_color_palettes: ['organization_id', 'organization'],
  invite_links: ['organization_id', 'organization'],
  scim_tokens: ['organization_id', 'organization'],
  groups: ['organization_id', 'organization'],
  group_memberships: ['organization_id', 'organization'],
  projects: ['organization_id', 'organization'],
  project_memberships: ['organization_id', 'organization'],
  project_group_access: ['organization_id', 'organization'],
  spaces: ['organization_id', 'organization'],
  space_user_access: ['organization_id', 'organization'],
  space_group_access: ['organization_id', 'organization'],
  custom_roles: ['organization_id', 'organization'],
  organization_membership_custom_roles: ['organization_id', 'organization'],
  project_membership_custom_roles: ['organization_id', 'organization'],
  project_group_access_custom_roles: ['organization_id', 'organization'],
  saved_charts: ['project_id', 'project'],
  dashboards: ['project_id', 'project'],
  tags: ['project_id', 'project'],
  explores: ['project_id', 'project'],
  catalog_items: ['project_id', 'project'],
  validations: ['project_id', 'project'],
  demo_warehouse: ['project_id', 'project'],
  project_user_warehouse_credentials: ['project_id', 'project'],
  catalog_item_categories: ['catalog_item_id', 'catalog_item'],
  catalog_metrics_tree_edges: ['source_catalog_item_id', 'catalog_item'],
  users: ['user_id', 'user'],
  user_warehouse_credentials: ['user_id', 'user'],
  openid_identities: ['user_id', 'user'],
};

const EVENTS = [
  ['insert', 'INSERT', 'REFERENCING NEW TABLE AS new_rows'],
  ['update', 'UPDATE', 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows'],
  ['delete', 'DELETE', 'REFERENCING OLD TABLE AS old_rows'],
] as const;

/**
 * The response cache invalidates per organization (docs/operations.md): `data_changes` now holds one
 * row per writing transaction and organization it wrote to, `organization_id` NULL meaning "every
 * organization" (TRUNCATE, migrations, tables nobody attributed, rows whose reference is NULL).
 *
 * Statement-level triggers read the statement's transition tables, so a statement touching a
 * thousand rows of one organization still adds one row. A row whose parent cannot be found any more
 * (a cascade from a project, space, catalog item or user this transaction deleted) adds nothing of
 * its own: the parent's deletion recorded its organization. A user reaches their organization through
 * their membership (one per user); changing a membership locks the user's row, so a concurrent change
 * to that user either sees the membership or commits before it (and nothing in that organization
 * showed the user until it did).
 */
export class OrganizationDataChanges1764600000000 implements MigrationInterface {
  name = 'OrganizationDataChanges1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // rows already there keep organization_id NULL: changes for every organization, as they were
    await queryRunner.query(`ALTER TABLE data_changes DROP CONSTRAINT data_changes_pkey, ADD COLUMN organization_id bigint`);
    // the hit check probes both: (organization, xid >= the snapshot's xmax) and (xid in the snapshot's running list)
    await queryRunner.query(`CREATE UNIQUE INDEX data_changes_organization_xid_key ON data_changes (organization_id, xid) NULLS NOT DISTINCT`);
    await queryRunner.query(`CREATE INDEX data_changes_xid_idx ON data_changes (xid)`);
    await queryRunner.query(`
      CREATE FUNCTION record_organization_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        changed text := format(CASE TG_OP
          WHEN 'INSERT' THEN 'SELECT %1$I AS ref FROM new_rows'
          WHEN 'DELETE' THEN 'SELECT %1$I AS ref FROM old_rows'
          ELSE 'SELECT %1$I AS ref FROM old_rows UNION SELECT %1$I FROM new_rows' END, TG_ARGV[0]);
        reached text := CASE TG_ARGV[1]
          WHEN 'organization' THEN 'SELECT ref FROM changed'
          WHEN 'project' THEN 'SELECT p.organization_id FROM projects p WHERE p.project_id IN (SELECT ref FROM changed)'
          WHEN 'catalog_item' THEN 'SELECT p.organization_id FROM catalog_items c JOIN projects p ON p.project_id = c.project_id
                                   WHERE c.catalog_item_id IN (SELECT ref FROM changed)'
          WHEN 'user' THEN 'SELECT m.organization_id FROM organization_memberships m WHERE m.user_id IN (SELECT ref FROM changed)' END;
      BEGIN
        EXECUTE format(
          'WITH changed AS (%s)
           INSERT INTO data_changes (xid, organization_id)
           SELECT pg_current_xact_id(), organization_id
           FROM (%s UNION SELECT NULL FROM changed WHERE ref IS NULL) AS touched (organization_id)
           ON CONFLICT DO NOTHING', changed, reached);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION lock_members_of_changed_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM 1 FROM users WHERE user_id IN (SELECT user_id FROM old_rows) ORDER BY user_id FOR NO KEY UPDATE;
        ELSE
          PERFORM 1 FROM users WHERE user_id IN (SELECT user_id FROM new_rows) ORDER BY user_id FOR NO KEY UPDATE;
        END IF;
        RETURN NULL;
      END $$`);
    for (const [table, [column, refersTo]] of Object.entries(ATTRIBUTED_TABLES)) {
      await queryRunner.query(`DROP TRIGGER record_data_change ON ${table}`);
      await queryRunner.query(`CREATE TRIGGER record_data_change AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION record_data_change()`);
      for (const [suffix, event, referencing] of EVENTS) {
        await queryRunner.query(
          `CREATE TRIGGER record_organization_change_${suffix} AFTER ${event} ON ${table} ${referencing}
           FOR EACH STATEMENT EXECUTE FUNCTION record_organization_change('${column}', '${refersTo}')`,
        );
      }
    }
    for (const [suffix, event, referencing] of EVENTS) {
      await queryRunner.query(
        `CREATE TRIGGER lock_members_${suffix} AFTER ${event} ON organization_memberships ${referencing}
         FOR EACH STATEMENT EXECUTE FUNCTION lock_members_of_changed_memberships()`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [suffix] of EVENTS) await queryRunner.query(`DROP TRIGGER lock_members_${suffix} ON organization_memberships`);
    for (const table of Object.keys(ATTRIBUTED_TABLES)) {
      for (const [suffix] of EVENTS) await queryRunner.query(`DROP TRIGGER record_organization_change_${suffix} ON ${table}`);
      await queryRunner.query(`DROP TRIGGER record_data_change ON ${table}`);
      await queryRunner.query(
        `CREATE TRIGGER record_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION record_data_change()`,
      );
    }
    await queryRunner.query(`DROP FUNCTION lock_members_of_changed_memberships()`);
    await queryRunner.query(`DROP FUNCTION record_organization_change()`);
    await queryRunner.query(`DELETE FROM data_changes`);
    await queryRunner.query(`DROP INDEX data_changes_xid_idx`);
    await queryRunner.query(`DROP INDEX data_changes_organization_xid_key`);
    await queryRunner.query(`ALTER TABLE data_changes DROP COLUMN organization_id, ADD PRIMARY KEY (xid)`);
  }
}
