import type { EntityManager } from 'typeorm';
import type { OrganizationRole } from '../authorization/roles.js';
import { User } from './user.entity.js';

// The SQL of accounts (table users) that UsersService runs besides its entity reads and writes.
// Each function is one statement; the service holds the rules.

/** Whether an account (or a pending invitee) has this email, whatever its case. */
export async function emailInUse(manager: EntityManager, email: string): Promise<boolean> {
  const [{ inUse }] = await manager.query('SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1)) AS "inUse"', [email]);
  return inUse;
}

/** The user's organization role (undefined without a membership). */
export async function organizationRoleOf(manager: EntityManager, userId: string): Promise<OrganizationRole | undefined> {
  const [membership] = await manager.query('SELECT role FROM organization_memberships WHERE user_id = $1', [userId]);
  return membership?.role;
}

/** The account that logs in with this email, its password hash included; pending invitees may share an email, so only an account with a password counts. */
export function findPasswordAccount(manager: EntityManager, email: string): Promise<User | null> {
  return manager
    .getRepository(User)
    .createQueryBuilder('u')
    .addSelect('u.passwordHash')
    .where('lower(u.email) = lower(:email) AND NOT u.isInvitee AND u.passwordHash IS NOT NULL', { email })
    .getOne();
}
