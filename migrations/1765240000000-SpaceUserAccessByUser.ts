import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A caller's own entries on a chain of spaces (`user_id = $1 AND space_id = ANY (…)`, in every space,
 * chart and dashboard check) were found through the index on `user_id` alone: for a user with an
 * entry on each of 1,000 spaces, 995 index rows read to keep the 5 on the chain. The index on
 * `(user_id, space_id)` finds the 5 and serves every lookup by user that the old one did.
 */
export class SpaceUserAccessByUser1765240000000 implements MigrationInterface {
  name = 'SpaceUserAccessByUser1765240000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX space_user_access_user_space_idx ON space_user_access (user_id, space_id)`);
    await queryRunner.query(`DROP INDEX space_user_access_user_id_idx`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX space_user_access_user_id_idx ON space_user_access (user_id)`);
    await queryRunner.query(`DROP INDEX space_user_access_user_space_idx`);
  }
}
