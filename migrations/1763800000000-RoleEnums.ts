import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ordered roles of DESIGN §3 as PostgreSQL enums: enum values compare in declared order, so
 * `GREATEST(...)` over roles from several sources gives the effective role in SQL.
 */
export class RoleEnums1763800000000 implements MigrationInterface {
  name = 'RoleEnums1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await queryRunner.query(
      `CREATE TYPE organization_role AS ENUM ('member', 'viewer', 'interactive_viewer', 'editor', 'developer', 'admin')`,
    );
    await queryRunner.query(`CREATE TYPE project_role AS ENUM ('viewer', 'interactive_viewer', 'editor', 'developer', 'admin')`);
    await queryRunner.query(`CREATE TYPE space_role AS ENUM ('viewer', 'editor', 'admin')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TYPE space_role`);
    await queryRunner.query(`DROP TYPE project_role`);
    await queryRunner.query(`DROP TYPE organization_role`);
  }
}
