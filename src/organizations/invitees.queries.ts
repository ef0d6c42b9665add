import type { EntityManager } from 'typeorm';

/**
 * An account joining an organization (through an allowed email domain, or provisioned over SCIM)
 * supersedes that organization's pending invitee of the same email: the invitee row goes, with its
 * membership and invite.
 */
export async function supersedePendingInvitee(manager: EntityManager, organizationId: string, email: string): Promise<void> {
  await manager.query(
    `DELETE FROM users u USING organization_memberships m
     WHERE m.user_id = u.user_id AND m.organization_id = $1 AND lower(u.email) = lower($2) AND u.is_invitee`,
    [organizationId, email],
  );
}
