import type { EntityManager } from 'typeorm';
import { ForbiddenError, NotFoundError, ParameterError } from '../common/errors.js';

/**
 * Locks the organization row for the rest of the transaction. Every change to memberships and
 * roles takes it first, so invariants such as "at least one admin" are checked against a state no
 * concurrent request can change underneath.
 */
export async function lockOrganization(manager: EntityManager, organizationId: string): Promise<void> {
  const rows = await manager.query('SELECT 1 FROM organizations WHERE organization_id = $1 FOR UPDATE', [organizationId]);
  if (rows.length === 0) throw new NotFoundError('Organization not found');
}

/** Refuses a change that would leave the (locked) organization without an admin. */
export async function assertAdminRemains(manager: EntityManager, organizationId: string, losingAdminUserId: string): Promise<void> {
  const [{ others }] = await manager.query(
    `SELECT count(*)::int AS others FROM organization_memberships m JOIN users u USING (user_id)
     WHERE m.organization_id = $1 AND m.role = 'admin' AND m.user_id <> $2 AND NOT u.is_invitee`,
    [organizationId, losingAdminUserId],
  );
  if (others === 0) throw new ForbiddenError('Organization must have at least one admin');
}

const NAME = /^[\p{L}\p{N} _-]+$/u;

export function assertOrganizationName(name: string): void {
  if (!NAME.test(name)) {
    throw new ParameterError('Organization name can be composed only of letters, numbers, spaces, underscores or dashes, and not be empty');
  }
}
