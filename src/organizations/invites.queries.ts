import type { EntityManager } from 'typeorm';
import type { OrganizationRole } from '../authorization/roles.js';
import { returnedRows } from '../database/returned-rows.js';

// The SQL of invites (table invite_links, and the pending members they create in users and
// organization_memberships). Each function is one statement; InvitesService holds the rules.

export interface OrganizationMemberByEmailRow {
  userId: string;
  /** still an invitee, not an account */
  pending: boolean;
}

/** The organization's member with this email (case-insensitive), their user row locked; none when the organization has no such member. */
export async function lockMemberByEmail(manager: EntityManager, organizationId: string, email: string): Promise<OrganizationMemberByEmailRow | undefined> {
  const [member]: OrganizationMemberByEmailRow[] = await manager.query(
    `SELECT u.user_id::text AS "userId", u.is_invitee AS pending
     FROM users u JOIN organization_memberships m ON m.user_id = u.user_id
     WHERE m.organization_id = $1 AND lower(u.email) = lower($2) FOR UPDATE OF u`,
    [organizationId, email],
  );
  return member;
}

/** A pending member's user: no password and no name until the invite is accepted. Answers its id. */
export async function insertInvitee(manager: EntityManager, email: string): Promise<string> {
  const [user]: { userId: string }[] = await manager.query(
    `INSERT INTO users (first_name, last_name, email, password_hash, is_invitee) VALUES ('', '', $1, NULL, true) RETURNING user_id::text AS "userId"`,
    [email],
  );
  return user.userId;
}

export async function insertMembership(manager: EntityManager, userId: string, organizationId: string, role: OrganizationRole): Promise<void> {
  await manager.query('INSERT INTO organization_memberships (user_id, organization_id, role) VALUES ($1, $2, $3)', [userId, organizationId, role]);
}

/** Gives the pending member the newly invited role. */
export async function setMembershipRole(manager: EntityManager, userId: string, role: OrganizationRole): Promise<void> {
  await manager.query('UPDATE organization_memberships SET role = $1, updated_at = now() WHERE user_id = $2', [role, userId]);
}

export async function deleteInvitesOfUser(manager: EntityManager, userId: string): Promise<void> {
  await manager.query('DELETE FROM invite_links WHERE user_id = $1', [userId]);
}

export interface NewInvite {
  codeHash: Buffer;
  userId: string;
  organizationId: string;
  createdByUserId: string;
  expiresAt: Date;
}

export async function insertInvite(manager: EntityManager, invite: NewInvite): Promise<void> {
  await manager.query(
    'INSERT INTO invite_links (code_hash, user_id, organization_id, created_by_user_id, expires_at) VALUES ($1, $2, $3, $4, $5)',
    [invite.codeHash, invite.userId, invite.organizationId, invite.createdByUserId, invite.expiresAt],
  );
}

export async function selectUserUuid(manager: EntityManager, userId: string): Promise<string> {
  const [{ userUuid }]: { userUuid: string }[] = await manager.query('SELECT user_uuid AS "userUuid" FROM users WHERE user_id = $1', [userId]);
  return userUuid;
}

export interface InviteRow {
  email: string;
  expiresAt: Date;
  organizationUuid: string;
  userUuid: string;
}

/** The invite whose code has this hash, expired or not; none when there is no such invite. */
export async function selectInviteByCodeHash(manager: EntityManager, codeHash: Buffer): Promise<InviteRow | undefined> {
  const [invite]: InviteRow[] = await manager.query(
    `SELECT u.email, i.expires_at AS "expiresAt", o.organization_uuid AS "organizationUuid", u.user_uuid AS "userUuid"
     FROM invite_links i JOIN users u ON u.user_id = i.user_id JOIN organizations o ON o.organization_id = i.organization_id
     WHERE i.code_hash = $1`,
    [codeHash],
  );
  return invite;
}

/** Deletes every invite of the organization; answers how many there were. */
export async function deleteOrganizationInvites(manager: EntityManager, organizationId: string): Promise<number> {
  return returnedRows(await manager.query('DELETE FROM invite_links WHERE organization_id = $1 RETURNING 1', [organizationId])).length;
}
