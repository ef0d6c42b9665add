import { Inject, Injectable } from '@nestjs/common';
import { supersedePendingInvitee } from '../organizations/invitees.queries.js';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { ScimPrincipal } from '../auth/principal.js';
import type { OrganizationRole, ProjectRole } from '../authorization/roles.js';
import { ForbiddenError, ParameterError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { isUniqueViolation } from '../common/postgres-errors.js';
import { assertAdminRemains, lockOrganization } from '../organizations/organization-lock.js';
import { type ScimListQueryDto, listResponse, type ScimListResponse, scimPage } from './dto/scim-list.dto.js';
import { parseScimUser, type ScimUser, type ScimUserInput, type ScimUserRow, toScimUser } from './dto/scim-user.dto.js';
import { invalidValue, ScimError } from './scim-errors.js';
import { parseScimFilter } from './scim-filter.js';
import { applyPatch, parsePatchRequest } from './scim-patch.js';
import * as queries from './scim-users.queries.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const userNotFound = (userUuid: string) => new ScimError(404, `User with UUID ${userUuid} not found`, 'noTarget');
const emailInUse = (email: string) => new ScimError(409, `Email ${email} already in use`, 'uniqueness');

/**
 * SCIM Users of the token's organization. Users are created (or an account without an organization
 * adopted), replaced, patched (the patch is applied to the user as SCIM JSON, then written like a
 * replace), deactivated and deleted. Changes to a member lock the organization first, so the
 * organization's rule "at least one admin remains" (organizations/organization-lock) holds whatever
 * runs concurrently; every change is audited in its own transaction.
 */
@Injectable()
export class ScimUsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  async list(scim: ScimPrincipal, query: ScimListQueryDto): Promise<ScimListResponse<ScimUser>> {
    const page = scimPage(query);
    const filter = query.filter?.trim() ? parseScimFilter(query.filter) : undefined;
    const { rows, total } = await queries.listUsers(this.dataSource.manager, scim.organizationId, filter, page.startIndex - 1, page.count);
    return listResponse(
      rows.map((row) => toScimUser(row, this.config.siteUrl)),
      total,
      page,
    );
  }

  async get(scim: ScimPrincipal, userUuid: string): Promise<ScimUser> {
    return toScimUser(await this.find(this.dataSource.manager, scim, userUuid), this.config.siteUrl);
  }

  /** 201 with the user; 409 `uniqueness` when the email already has an account in an organization (this one or another). */
  async create(scim: ScimPrincipal, body: unknown): Promise<ScimUser> {
    const input = parseScimUser(body);
    return this.inTransaction(input.userName, async (manager) => {
      const profile = { email: input.userName, firstName: input.givenName ?? '', lastName: input.familyName ?? '', isActive: input.active ?? true };
      let account = await queries.insertUser(manager, profile);
      let adopted = false;
      if (!account) {
        // an account without an organization (registered, never joined) is adopted, as Lightdash does
        const existing = await queries.findAccountByEmail(manager, input.userName);
        if (!existing || existing.inOrganization) throw emailInUse(input.userName);
        await queries.updateUserProfile(manager, existing.userId, profile);
        account = existing;
        adopted = true;
      }
      const role = input.rolesOrganizationRole ?? input.extensionRole ?? 'member';
      await supersedePendingInvitee(manager, scim.organizationId, input.userName);
      await queries.insertMembership(manager, { userId: account.userId, organizationId: scim.organizationId, role, externalId: input.externalId ?? null });
      if (profile.isActive && input.projectRoles) await this.replaceProjectRoles(manager, scim, account.userId, input.projectRoles);
      await this.audit.record(manager, {
        action: 'scim.user.create',
        targetType: 'user',
        targetUuid: account.userUuid,
        details: { email: input.userName, role, active: profile.isActive, adopted },
      });
      return toScimUser(await this.find(manager, scim, account.userUuid), this.config.siteUrl);
    });
  }

  /** PUT: the user becomes what the body says (roles only when sent non-empty, as in Lightdash). */
  async replace(scim: ScimPrincipal, userUuid: string, body: unknown): Promise<ScimUser> {
    const input = parseScimUser(body);
    return this.changeUser(scim, userUuid, () => ({ input, role: input.rolesOrganizationRole ?? input.extensionRole }));
  }

  /** PATCH: the operations are applied to the user as SCIM JSON, and the result is written as by PUT. */
  async patch(scim: ScimPrincipal, userUuid: string, body: unknown): Promise<ScimUser> {
    const operations = parsePatchRequest(body);
    return this.changeUser(scim, userUuid, (current) => {
      const input = parseScimUser(applyPatch(toScimUser(current, this.config.siteUrl) as unknown as Record<string, unknown>, operations));
      // the patched user carries its role twice (roles and the extension): the one the patch changed counts
      const rolesChanged = input.rolesOrganizationRole !== undefined && input.rolesOrganizationRole !== current.role;
      const role = rolesChanged ? input.rolesOrganizationRole : input.extensionRole;
      return { input, role };
    });
  }

  /** Deletes the account (Lightdash hard-deletes it); the organization's last admin is refused with 400. */
  async delete(scim: ScimPrincipal, userUuid: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await lockOrganization(manager, scim.organizationId);
      const current = await this.find(manager, scim, userUuid, true);
      if (current.role === 'admin') {
        try {
          await assertAdminRemains(manager, scim.organizationId, current.userId);
        } catch (error) {
          if (error instanceof ForbiddenError) throw new ParameterError(error.message);
          throw error;
        }
      }
      await queries.deleteUser(manager, current.userId);
      await this.audit.record(manager, {
        action: 'scim.user.delete',
        targetType: 'user',
        targetUuid: current.userUuid,
        details: { email: current.email, role: current.role },
      });
    });
  }

  private async changeUser(
    scim: ScimPrincipal,
    userUuid: string,
    read: (current: ScimUserRow) => { input: ScimUserInput; role: OrganizationRole | undefined },
  ): Promise<ScimUser> {
    return this.inTransaction(undefined, async (manager) => {
      await lockOrganization(manager, scim.organizationId);
      const current = await this.find(manager, scim, userUuid, true);
      const { input, role: requestedRole } = read(current);
      const active = input.active ?? current.isActive;
      const deactivating = current.isActive && !active;
      // deactivation resets the organization role (Lightdash); an inactive user's role does not change
      const role: OrganizationRole = deactivating ? 'member' : active ? (requestedRole ?? current.role) : current.role;
      if (current.role === 'admin' && role !== 'admin') await assertAdminRemains(manager, scim.organizationId, current.userId);
      if (deactivating) await queries.removeAccessOfDeactivatedUser(manager, current.userId);
      const profile = {
        email: input.userName,
        firstName: input.givenName ?? current.firstName,
        lastName: input.familyName ?? current.lastName,
        isActive: active,
      };
      await queries.updateUserProfile(manager, current.userId, profile);
      const externalId = input.externalId === undefined ? current.externalId : input.externalId;
      await queries.updateMembership(manager, current.userId, { role, externalId });
      if (active && !deactivating && input.projectRoles) await this.replaceProjectRoles(manager, scim, current.userId, input.projectRoles);
      const action = deactivating ? 'scim.user.deactivate' : !current.isActive && active ? 'scim.user.reactivate' : 'scim.user.update';
      await this.audit.record(manager, {
        action,
        targetType: 'user',
        targetUuid: current.userUuid,
        details: {
          email: profile.email,
          ...(profile.email.toLowerCase() === current.email.toLowerCase() ? {} : { previousEmail: current.email }),
          ...(role === current.role ? {} : { role: { from: current.role, to: role } }),
        },
      });
      return toScimUser(await this.find(manager, scim, userUuid), this.config.siteUrl);
    });
  }

  /** The user's roles in the organization's projects become exactly `projectRoles`; unknown projects are 400. */
  private async replaceProjectRoles(manager: EntityManager, scim: ScimPrincipal, userId: string, projectRoles: Map<string, ProjectRole>): Promise<void> {
    const projects = await queries.findProjects(manager, scim.organizationId, [...projectRoles.keys()]);
    const found = new Map(projects.map((project) => [project.projectUuid, project.projectId]));
    const unknown = [...projectRoles].filter(([projectUuid]) => !found.has(projectUuid)).map(([projectUuid, role]) => `${projectUuid}:${role}`);
    if (unknown.length > 0) throw invalidValue(`Invalid role values: ${unknown.join(', ')}`);
    const grants = [...projectRoles].map(([projectUuid, role]) => ({ projectId: found.get(projectUuid)!, role }));
    await queries.replaceProjectRoles(manager, scim.organizationId, userId, grants);
  }

  private async find(manager: EntityManager, scim: ScimPrincipal, userUuid: string, lock = false): Promise<ScimUserRow> {
    const row = UUID.test(userUuid) ? await queries.findUser(manager, scim.organizationId, userUuid.toLowerCase(), lock) : undefined;
    if (!row) throw userNotFound(userUuid);
    return row;
  }

  /** Runs a change; an email taken by a concurrent request (the unique index) or a membership created meanwhile is 409 `uniqueness`. */
  private async inTransaction<T>(email: string | undefined, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_lower_key') || isUniqueViolation(error, 'organization_memberships_pkey')) {
        throw new ScimError(409, email ? `Email ${email} already in use` : 'Email already in use', 'uniqueness');
      }
      throw error;
    }
  }
}
