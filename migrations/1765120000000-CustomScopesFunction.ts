import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `custom_scopes(project_id, organization_id, user_id)`: the union (text[], NULL when none) of the
 * scopes of every custom role the user holds on the project, directly, through a group or as an
 * organization-level role of the project's organization, each as the assignment's role or as a
 * further role of its role set (docs/permissions.md). It was a six-branch subquery inlined in every
 * access check: PostgreSQL started up and shut down its ~25 plan nodes (and locked its tables) on
 * every execution even when nothing ran them, about a quarter of the chart read's PostgreSQL time
 * (docs/performance.md, wave 6). As a function it returns at once, after one index probe, when the
 * organization has no custom role; every assignment references a custom role of the assignment's
 * organization (composite foreign keys), so there is then nothing to find. STABLE: it reads the
 * calling statement's snapshot.
 */
export class CustomScopesFunction1765120000000 implements MigrationInterface {
  name = 'CustomScopesFunction1765120000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION custom_scopes(in_project_id bigint, in_organization_id bigint, in_user_id bigint) RETURNS text[]
      LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM custom_roles WHERE organization_id = in_organization_id) THEN
          RETURN NULL;
        END IF;
        RETURN (SELECT array_agg(DISTINCT scope) FROM custom_roles cr CROSS JOIN unnest(cr.scopes) scope
          WHERE cr.custom_role_id IN (
            SELECT custom_role_id FROM project_memberships WHERE project_id = in_project_id AND user_id = in_user_id
            UNION ALL
            SELECT pga.custom_role_id FROM project_group_access pga JOIN group_memberships gm ON gm.group_id = pga.group_id AND gm.user_id = in_user_id
            WHERE pga.project_id = in_project_id
            UNION ALL
            SELECT custom_role_id FROM organization_memberships WHERE user_id = in_user_id AND organization_id = in_organization_id
            UNION ALL
            SELECT custom_role_id FROM project_membership_custom_roles WHERE project_id = in_project_id AND user_id = in_user_id
            UNION ALL
            SELECT x.custom_role_id FROM project_group_access_custom_roles x JOIN group_memberships gm ON gm.group_id = x.group_id AND gm.user_id = in_user_id
            WHERE x.project_id = in_project_id
            UNION ALL
            SELECT custom_role_id FROM organization_membership_custom_roles WHERE user_id = in_user_id AND organization_id = in_organization_id));
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION custom_scopes(bigint, bigint, bigint)');
  }
}
