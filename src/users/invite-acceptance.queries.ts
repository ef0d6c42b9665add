import type { EntityManager } from 'typeorm';

// The SQL of accepting an invite (tables invite_links and users). Each function is one statement;
// InviteAcceptanceService holds the rules.

export interface PendingInviteRow {
  inviteId: string;
  expiresAt: Date;
  userId: string;
  userUuid: string;
  email: string;
  organizationUuid: string;
}

/** The invite with this code hash and its pending member, both locked until the transaction ends. */
export async function lockPendingInvite(manager: EntityManager, codeHash: Buffer): Promise<PendingInviteRow | undefined> {
  const [invite] = await manager.query(
    `SELECT i.invite_link_id AS "inviteId", i.expires_at AS "expiresAt", u.user_id::text AS "userId", u.user_uuid AS "userUuid", u.email,
            o.organization_uuid AS "organizationUuid"
     FROM invite_links i JOIN users u ON u.user_id = i.user_id JOIN organizations o ON o.organization_id = i.organization_id
     WHERE i.code_hash = $1 AND u.is_invitee
     FOR UPDATE OF i, u`,
    [codeHash],
  );
  return invite;
}

/** Whether an account (not a pending invitee) has this email, whatever its case. */
export async function accountHasEmail(manager: EntityManager, email: string): Promise<boolean> {
  const [{ taken }] = await manager.query(
    'SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1) AND NOT is_invitee) AS taken',
    [email],
  );
  return taken;
}

export async function deleteInvite(manager: EntityManager, inviteId: string): Promise<void> {
  await manager.query('DELETE FROM invite_links WHERE invite_link_id = $1', [inviteId]);
}
