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
import {
  deleteEmailDomains,
  insertEmailDomainsUnlessTaken,
  insertMembership,
  lockOrganizationByUuid,
  lockUser,
  selectAllowedEmailDomains,
  selectOrganizationAllowingDomain,
  selectOrganizationsAllowingDomain,
  selectRoleAllowedForDomain,
  upsertAllowedEmailDomains,
  userHasOrganization,
} from './email-domains.queries.js';
import { isPublicEmailDomain, publicEmailDomainsMessage } from './public-email-providers.js';

const DEFAULT_ROLE: AllowedEmailDomainsRole = 'viewer';
const ALREADY_HAS_ORGANIZATION = 'User already has an organization';

export function emailDomainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** The organization allowing the email's domain (a domain belongs to at most one), with the role it gives. */
export function organizationAllowingEmail(
  manager: EntityManager,
  email: string,
): Promise<{ organizationId: string; organizationUuid: string; role: AllowedEmailDomainsRole } | undefined> {
  return selectOrganizationAllowingDomain(manager, emailDomainOf(email));
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
  await insertMembership(manager, user.userId, organization.organizationId, organization.role);
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
    const row = await selectAllowedEmailDomains(this.dataSource.manager, principal.organizationId!);
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
      await deleteEmailDomains(manager, principal.organizationId!);
      const claimed = await insertEmailDomainsUnlessTaken(manager, principal.organizationId!, emailDomains);
      if (claimed.length < emailDomains.length) {
        const mine = new Set(claimed);
        const taken = emailDomains.filter((domain) => !mine.has(domain));
        throw new AlreadyExistsError(
          `Email domain${taken.length > 1 ? 's' : ''} ${taken.join(', ')} ${taken.length > 1 ? 'are' : 'is'} already allowed by another organization`,
        );
      }
      const projects = dto.projects.map(({ projectUuid, role }) => ({ projectUuid, role }));
      const saved = await upsertAllowedEmailDomains(manager, principal.organizationId!, dto.role, projects);
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
    return selectOrganizationsAllowingDomain(this.dataSource.manager, emailDomainOf(principal.email));
  }

  /** Makes the caller a member of the organization, with the role its allowed email domains give. */
  async join(principal: Principal, organizationUuid: string): Promise<void> {
    try {
      await this.dataSource.transaction(async (manager) => {
        // the user row guards the user's single organization slot against a concurrent join or PUT /org
        const user = await lockUser(manager, principal.userId);
        // a statement of its own, so that it sees a membership committed while we waited for the lock
        if (await userHasOrganization(manager, principal.userId)) throw new ForbiddenError(ALREADY_HAS_ORGANIZATION);
        if (!user.isEmailVerified) throw new ForbiddenError('User has not verified their email');
        const emailDomain = emailDomainOf(user.email);
        // the organization lock keeps a concurrent PATCH of its domains, or its deletion, out until we commit
        const organization = await lockOrganizationByUuid(manager, organizationUuid);
        if (!organization) throw new NotFoundError('Organization not found');
        const allowed = await selectRoleAllowedForDomain(manager, organization.organizationId, emailDomain);
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
