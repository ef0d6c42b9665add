import type { EntityManager } from 'typeorm';
import type { AllowedEmailDomainProjectDto, AllowedEmailDomainsRole, UserAllowedOrganizationDto } from './dto/allowed-email-domains.dto.js';

// The SQL of allowed email domains (tables organization_email_domains and
// organization_allowed_email_domains). Each function is one statement; EmailDomainsService holds the rules.

export type AllowedEmailDomainsRow = { emailDomains: string[]; role: AllowedEmailDomainsRole; projects: AllowedEmailDomainProjectDto[] };

/** The organization allowing the domain, with the role it gives; its row share-locked until the transaction ends. */
export async function selectOrganizationAllowingDomain(
  manager: EntityManager,
  emailDomain: string,
): Promise<{ organizationId: string; organizationUuid: string; role: AllowedEmailDomainsRole } | undefined> {
  const [allowed] = await manager.query(
    `SELECT o.organization_id::text AS "organizationId", o.organization_uuid AS "organizationUuid", a.role
     FROM organization_email_domains d
     JOIN organization_allowed_email_domains a ON a.organization_id = d.organization_id
     JOIN organizations o ON o.organization_id = d.organization_id
     WHERE d.email_domain = $1
     FOR SHARE OF o`,
    [emailDomain],
  );
  return allowed;
}

export async function insertMembership(manager: EntityManager, userId: string, organizationId: string, role: AllowedEmailDomainsRole): Promise<void> {
  await manager.query(`INSERT INTO organization_memberships (user_id, organization_id, role) VALUES ($1, $2, $3)`, [userId, organizationId, role]);
}

/** The organization's configuration, its domains in the order the admin gave them; none when it never had one. */
export async function selectAllowedEmailDomains(manager: EntityManager, organizationId: string): Promise<AllowedEmailDomainsRow | undefined> {
  const [row]: AllowedEmailDomainsRow[] = await manager.query(
    `SELECT coalesce((SELECT array_agg(d.email_domain ORDER BY d.position) FROM organization_email_domains d
                        WHERE d.organization_id = a.organization_id), '{}') AS "emailDomains", a.role, a.projects
       FROM organization_allowed_email_domains a WHERE a.organization_id = $1`,
    [organizationId],
  );
  return row;
}

export async function deleteEmailDomains(manager: EntityManager, organizationId: string): Promise<void> {
  await manager.query('DELETE FROM organization_email_domains WHERE organization_id = $1', [organizationId]);
}

/**
 * Claims the domains for the organization, in the given order as positions, inserted in sorted order (so
 * that overlapping claims never deadlock); answers the domains claimed, leaving out those another organization holds.
 */
export async function insertEmailDomainsUnlessTaken(manager: EntityManager, organizationId: string, emailDomains: string[]): Promise<string[]> {
  const claimed: { emailDomain: string }[] = await manager.query(
    `INSERT INTO organization_email_domains (email_domain, organization_id, position)
         SELECT d.domain, $1, d.position FROM unnest($2::text[]) WITH ORDINALITY AS d(domain, position) ORDER BY d.domain
         ON CONFLICT (email_domain) DO NOTHING
         RETURNING email_domain AS "emailDomain"`,
    [organizationId, emailDomains],
  );
  return claimed.map((row) => row.emailDomain);
}

export async function upsertAllowedEmailDomains(
  manager: EntityManager,
  organizationId: string,
  role: AllowedEmailDomainsRole,
  projects: AllowedEmailDomainProjectDto[],
): Promise<Omit<AllowedEmailDomainsRow, 'emailDomains'>> {
  const [saved]: Omit<AllowedEmailDomainsRow, 'emailDomains'>[] = await manager.query(
    `INSERT INTO organization_allowed_email_domains (organization_id, role, projects)
         VALUES ($1, $2, $3)
         ON CONFLICT (organization_id) DO UPDATE SET role = EXCLUDED.role, projects = EXCLUDED.projects, updated_at = now()
         RETURNING role, projects`,
    [organizationId, role, JSON.stringify(projects)],
  );
  return saved;
}

/** The organizations allowing the domain (at most one), by name, with their member counts. */
export function selectOrganizationsAllowingDomain(manager: EntityManager, emailDomain: string): Promise<UserAllowedOrganizationDto[]> {
  return manager.query(
    `SELECT o.organization_uuid AS "organizationUuid", o.name,
         (SELECT count(*)::int FROM organization_memberships m WHERE m.organization_id = o.organization_id) AS "membersCount"
       FROM organization_email_domains d
       JOIN organizations o ON o.organization_id = d.organization_id
       WHERE d.email_domain = $1
       ORDER BY lower(o.name), o.organization_id`,
    [emailDomain],
  );
}

/** Locks the user row for the rest of the transaction; answers their email and whether it is verified. */
export async function lockUser(manager: EntityManager, userId: string): Promise<{ email: string; isEmailVerified: boolean }> {
  const [user]: { email: string; isEmailVerified: boolean }[] = await manager.query(
    `SELECT email, is_email_verified AS "isEmailVerified" FROM users WHERE user_id = $1 FOR UPDATE`,
    [userId],
  );
  return user;
}

export async function userHasOrganization(manager: EntityManager, userId: string): Promise<boolean> {
  const [{ hasOrganization }]: { hasOrganization: boolean }[] = await manager.query(
    `SELECT EXISTS (SELECT 1 FROM organization_memberships WHERE user_id = $1) AS "hasOrganization"`,
    [userId],
  );
  return hasOrganization;
}

/** Locks the organization row for the rest of the transaction; answers its id, none when there is no such organization. */
export async function lockOrganizationByUuid(manager: EntityManager, organizationUuid: string): Promise<{ organizationId: string } | undefined> {
  const [organization]: { organizationId: string }[] = await manager.query(
    `SELECT organization_id::text AS "organizationId" FROM organizations WHERE organization_uuid = $1 FOR UPDATE`,
    [organizationUuid],
  );
  return organization;
}

/** The role the organization's allowed email domains give to the domain; none when it does not allow it. */
export async function selectRoleAllowedForDomain(manager: EntityManager, organizationId: string, emailDomain: string): Promise<{ role: AllowedEmailDomainsRole } | undefined> {
  const [allowed]: { role: AllowedEmailDomainsRole }[] = await manager.query(
    `SELECT a.role FROM organization_allowed_email_domains a
           JOIN organization_email_domains d ON d.organization_id = a.organization_id
           WHERE a.organization_id = $1 AND d.email_domain = $2`,
    [organizationId, emailDomain],
  );
  return allowed;
}
