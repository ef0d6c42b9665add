import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../common/postgres-errors.js';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { AlreadyExistsError, ForbiddenError, NotFoundError, ParameterError } from '../common/errors.js';
import { supersedePendingInvitee } from '../organizations/invitees.queries.js';
import { lockOrganization } from '../organizations/organization-lock.js';
import type {
  AllowedEmailDomainProjectDto,
  AllowedEmailDomainsDto,
  AllowedEmailDomainsRole,
  UpdateAllowedEmailDomainsDto,
  UserAllowedOrganizationDto,
} from './dto/allowed-email-domains.dto.js';
import { isPublicEmailDomain, publicEmailDomainsMessage } from './public-email-providers.js';

const DEFAULT_ROLE: AllowedEmailDomainsRole = 'viewer';
const ALREADY_HAS_ORGANIZATION = 'User already has an organization';

type AllowedEmailDomainsRow = { emailDomains: string[]; role: AllowedEmailDomainsRole; projects: AllowedEmailDomainProjectDto[] };

export function emailDomainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** The organization allowing the email's domain (a domain belongs to at most one), with the role it gives. */
export async function organizationAllowingEmail(
  manager: EntityManager,
  email: string,
): Promise<{ organizationId: string; organizationUuid: string; role: AllowedEmailDomainsRole } | undefined> {
  const [allowed] = await manager.query(
    `SELECT o.organization_id::text AS "organizationId", o.organization_uuid AS "organizationUuid", a.role
     FROM organization_email_domains d
     JOIN organization_allowed_email_domains a ON a.organization_id = d.organization_id
     JOIN organizations o ON o.organization_id = d.organization_id
     WHERE d.email_domain = $1
     FOR SHARE OF o`,
    [emailDomainOf(email)],
  );
  return allowed;
}

/**
 * Makes a verified user a member through the organization's allowed email domains. A pending invite
 * of the same address in that organization is superseded by the joined account.
 */
export async function joinThroughEmailDomain(
  manager: EntityManager,
  audit: AuditService,
  user: { userId: string; email: string },
  organization: { organizationId: string; organizationUuid: string; role: AllowedEmailDomainsRole },
): Promise<void> {
  await supersedePendingInvitee(manager, organization.organizationId, user.email);
  // project roles from the configuration's `projects` are granted here once projects exist
  await manager.query(`INSERT INTO organization_memberships (user_id, organization_id, role) VALUES ($1, $2, $3)`, [
    user.userId,
    organization.organizationId,
    organization.role,
  ]);
  await audit.record(manager, {
    action: 'member.join',
    targetType: 'organization',
    targetUuid: organization.organizationUuid,
    organizationUuid: organization.organizationUuid,
    details: { email: user.email, emailDomain: emailDomainOf(user.email), role: organization.role },
  });
}

/**
 * Allowed email domains: an organization admin lists the domains whose verified users may join the
 * organization on their own, with the role they get; those users list and join such organizations.
 */
@Injectable()
export class EmailDomainsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async get(principal: Principal): Promise<AllowedEmailDomainsDto> {
    const [row]: AllowedEmailDomainsRow[] = await this.dataSource.query(
      // the domains in the order the admin gave them
      `SELECT coalesce((SELECT array_agg(d.email_domain ORDER BY d.position) FROM organization_email_domains d
                        WHERE d.organization_id = a.organization_id), '{}') AS "emailDomains", a.role, a.projects
       FROM organization_allowed_email_domains a WHERE a.organization_id = $1`,
      [principal.organizationId],
    );
    return {
      organizationUuid: principal.organizationUuid!,
      ...(row ?? { emailDomains: [], role: DEFAULT_ROLE, projects: [] }),
    };
  }

  /**
   * Replaces the organization's allowed domains, role and projects (the DTO already lowercased and
   * trimmed the domains). A domain another organization allows is refused (409), and the whole change
   * with it: a domain belongs to one organization, so sign-ups from it cannot land in another tenant.
   * The domain is the table's primary key, so of two organizations claiming it at once exactly one
   * wins; domains are inserted in sorted order so that two overlapping claims never deadlock.
   */
  async update(principal: Principal, dto: UpdateAllowedEmailDomainsDto): Promise<AllowedEmailDomainsDto> {
    const emailDomains = [...new Set(dto.emailDomains)];
    const publicDomains = emailDomains.filter(isPublicEmailDomain);
    if (publicDomains.length > 0) throw new ParameterError(publicEmailDomainsMessage(publicDomains));
    return this.dataSource.transaction(async (manager) => {
      await lockOrganization(manager, principal.organizationId!);
      await this.assertProjectsBelongToOrganization(manager, principal.organizationId!, dto.projects);
      await manager.query('DELETE FROM organization_email_domains WHERE organization_id = $1', [principal.organizationId]);
      const claimed: { emailDomain: string }[] = await manager.query(
        `INSERT INTO organization_email_domains (email_domain, organization_id, position)
         SELECT d.domain, $1, d.position FROM unnest($2::text[]) WITH ORDINALITY AS d(domain, position) ORDER BY d.domain
         ON CONFLICT (email_domain) DO NOTHING
         RETURNING email_domain AS "emailDomain"`,
        [principal.organizationId, emailDomains],
      );
      if (claimed.length < emailDomains.length) {
        const mine = new Set(claimed.map((row) => row.emailDomain));
        const taken = emailDomains.filter((domain) => !mine.has(domain));
        throw new AlreadyExistsError(
          `Email domain${taken.length > 1 ? 's' : ''} ${taken.join(', ')} ${taken.length > 1 ? 'are' : 'is'} already allowed by another organization`,
        );
      }
      const projects = dto.projects.map(({ projectUuid, role }) => ({ projectUuid, role }));
      const [saved]: Omit<AllowedEmailDomainsRow, 'emailDomains'>[] = await manager.query(
        `INSERT INTO organization_allowed_email_domains (organization_id, role, projects)
         VALUES ($1, $2, $3)
         ON CONFLICT (organization_id) DO UPDATE SET role = EXCLUDED.role, projects = EXCLUDED.projects, updated_at = now()
         RETURNING role, projects`,
        [principal.organizationId, dto.role, JSON.stringify(projects)],
      );
      const configuration = { emailDomains, ...saved };
      await this.audit.record(manager, {
        action: 'organization.email-domains.update',
        targetType: 'organization',
        targetUuid: principal.organizationUuid,
        details: { ...configuration },
      });
      return { organizationUuid: principal.organizationUuid!, ...configuration };
    });
  }

  /**
   * Organizations the caller could join: the one allowing the domain of their email (a domain belongs
   * to at most one). Empty until the email is verified, and for a caller who already belongs to an
   * organization (a user has at most one, so joining would be refused).
   */
  async listAllowedOrganizations(principal: Principal): Promise<UserAllowedOrganizationDto[]> {
    if (!principal.isEmailVerified || principal.organizationId) return [];
    return this.dataSource.query(
      `SELECT o.organization_uuid AS "organizationUuid", o.name,
         (SELECT count(*)::int FROM organization_memberships m WHERE m.organization_id = o.organization_id) AS "membersCount"
       FROM organization_email_domains d
       JOIN organizations o ON o.organization_id = d.organization_id
       WHERE d.email_domain = $1
       ORDER BY lower(o.name), o.organization_id`,
      [emailDomainOf(principal.email)],
    );
  }

  /** Makes the caller a member of the organization, with the role its allowed email domains give. */
  async join(principal: Principal, organizationUuid: string): Promise<void> {
    try {
      await this.dataSource.transaction(async (manager) => {
        // the user row guards the user's single organization slot against a concurrent join or PUT /org
        const [user]: { email: string; isEmailVerified: boolean }[] = await manager.query(
          `SELECT email, is_email_verified AS "isEmailVerified" FROM users WHERE user_id = $1 FOR UPDATE`,
          [principal.userId],
        );
        // a statement of its own, so that it sees a membership committed while we waited for the lock
        const [{ hasOrganization }]: { hasOrganization: boolean }[] = await manager.query(
          `SELECT EXISTS (SELECT 1 FROM organization_memberships WHERE user_id = $1) AS "hasOrganization"`,
          [principal.userId],
        );
        if (hasOrganization) throw new ForbiddenError(ALREADY_HAS_ORGANIZATION);
        if (!user.isEmailVerified) throw new ForbiddenError('User has not verified their email');
        const emailDomain = emailDomainOf(user.email);
        // the organization lock keeps a concurrent PATCH of its domains, or its deletion, out until we commit
        const [organization]: { organizationId: string }[] = await manager.query(
          `SELECT organization_id::text AS "organizationId" FROM organizations WHERE organization_uuid = $1 FOR UPDATE`,
          [organizationUuid],
        );
        if (!organization) throw new NotFoundError('Organization not found');
        const [allowed]: { role: AllowedEmailDomainsRole }[] = await manager.query(
          `SELECT a.role FROM organization_allowed_email_domains a
           JOIN organization_email_domains d ON d.organization_id = a.organization_id
           WHERE a.organization_id = $1 AND d.email_domain = $2`,
          [organization.organizationId, emailDomain],
        );
        if (!allowed) throw new ForbiddenError('User is not allowed to join this organization');
        await joinThroughEmailDomain(
          manager,
          this.audit,
          { userId: principal.userId, email: user.email },
          { organizationId: organization.organizationId, organizationUuid, role: allowed.role },
        );
      });
    } catch (error) {
      // only a writer that skips the user-row lock gets here; the primary key has the last word
      if (isUniqueViolation(error, 'organization_memberships_pkey')) throw new ForbiddenError(ALREADY_HAS_ORGANIZATION);
      throw error;
    }
  }

  /** Projects do not exist yet, so no project can belong to the organization; the projects module replaces this with a lookup. */
  private async assertProjectsBelongToOrganization(
    _manager: EntityManager,
    _organizationId: string,
    projects: readonly AllowedEmailDomainProjectDto[],
  ): Promise<void> {
    if (projects.length > 0) throw new ParameterError(`Project ${projects[0].projectUuid} not found in the organization`);
  }
}
