import type { EntityManager } from 'typeorm';
import type { UserOrganization } from './dto/lightdash-user.dto.js';

/** The organization a user belongs to (at most one), for LightdashUser responses. */
export async function findUserOrganization(manager: EntityManager, userId: string): Promise<UserOrganization | undefined> {
  const [row] = await manager.query(
    `SELECT o.organization_uuid AS "organizationUuid", o.name AS "organizationName",
            o.created_at AS "organizationCreatedAt", m.role
     FROM organization_memberships m JOIN organizations o USING (organization_id)
     WHERE m.user_id = $1`,
    [userId],
  );
  return row;
}
