import type { EntityManager } from 'typeorm';
import { returnedRows } from '../database/returned-rows.js';

/** The SQL of single sign-on: identities at providers, and sign-ins in flight. */

export interface LinkedUserRow {
  userId: string;
  isActive: boolean;
}

export interface AccountRow {
  userId: string;
  isActive: boolean;
}

export interface PendingInviteRow {
  userId: string;
  userUuid: string;
  inviteId: string;
  organizationUuid: string;
}

export interface LoginAttemptRow {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface Identity {
  issuer: string;
  subject: string;
  issuerType: 'oidc';
  email: string;
}

export async function findLinkedUser(manager: EntityManager, issuer: string, subject: string): Promise<LinkedUserRow | undefined> {
  const [row] = returnedRows<LinkedUserRow>(await manager.query(
    `UPDATE openid_identities i SET last_login_at = now() FROM users u
     WHERE i.issuer = $1 AND i.subject = $2 AND u.user_id = i.user_id
     RETURNING u.user_id::text AS "userId", u.is_active AS "isActive"`,
    [issuer, subject],
  ));
  return row;
}

export async function linkIdentity(manager: EntityManager, identity: Identity, userId: string): Promise<void> {
  await manager.query(`INSERT INTO openid_identities (issuer, subject, issuer_type, user_id, email) VALUES ($1, $2, $3, $4, $5)`, [
    identity.issuer,
    identity.subject,
    identity.issuerType,
    userId,
    identity.email,
  ]);
}

/** The account (not a pending invitee) holding the email, locked for the rest of the sign-in. */
export async function findAccountByEmail(manager: EntityManager, email: string): Promise<AccountRow | undefined> {
  const [row]: AccountRow[] = await manager.query(
    `SELECT user_id::text AS "userId", is_active AS "isActive" FROM users
     WHERE lower(email) = lower($1) AND NOT is_invitee FOR UPDATE`,
    [email],
  );
  return row;
}

/** Of the pending invites of the email (several organizations may invite one address), the newest still valid. */
export async function findNewestPendingInvite(manager: EntityManager, email: string): Promise<PendingInviteRow | undefined> {
  const [row]: PendingInviteRow[] = await manager.query(
    `SELECT u.user_id::text AS "userId", u.user_uuid AS "userUuid", i.invite_link_id::text AS "inviteId", o.organization_uuid AS "organizationUuid"
     FROM invite_links i JOIN users u ON u.user_id = i.user_id JOIN organizations o ON o.organization_id = i.organization_id
     WHERE lower(u.email) = lower($1) AND u.is_invitee AND i.expires_at > now()
     ORDER BY i.created_at DESC, i.invite_link_id DESC LIMIT 1
     FOR UPDATE OF i, u`,
    [email],
  );
  return row;
}

/** The invite is used up: the invitee's row has become the account. */
export async function deleteInvite(manager: EntityManager, inviteId: string): Promise<void> {
  await manager.query('DELETE FROM invite_links WHERE invite_link_id = $1', [inviteId]);
}

export async function insertLoginAttempt(
  manager: EntityManager,
  attemptHash: Buffer,
  attempt: LoginAttemptRow,
  lifetimeSeconds: number,
): Promise<void> {
  await manager.query(
    `INSERT INTO oidc_login_attempts (attempt_hash, state, nonce, code_verifier, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
    [attemptHash, attempt.state, attempt.nonce, attempt.codeVerifier, lifetimeSeconds],
  );
  // attempts never finished are cleared as new ones start: no background job needed
  await manager.query(`DELETE FROM oidc_login_attempts WHERE expires_at < now()`);
}

/** Takes the attempt out: a callback can use it once, on any replica, and only before it expires. */
export async function takeLoginAttempt(manager: EntityManager, attemptHash: Buffer): Promise<LoginAttemptRow | undefined> {
  const [row] = returnedRows<LoginAttemptRow & { expired: boolean }>(await manager.query(
    `DELETE FROM oidc_login_attempts WHERE attempt_hash = $1
     RETURNING state, nonce, code_verifier AS "codeVerifier", expires_at <= now() AS expired`,
    [attemptHash],
  ));
  return row && !row.expired ? { state: row.state, nonce: row.nonce, codeVerifier: row.codeVerifier } : undefined;
}
