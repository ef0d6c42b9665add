import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DemoWarehouseService } from '../demo/demo-warehouse.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { ForbiddenError, NotFoundError } from '../common/errors.js';
import { seedPresetPalettes } from '../color-palettes/color-palettes.queries.js';
import { isUniqueViolation } from '../common/postgres-errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import type { CreateOrganizationDto, OrganizationDto, UpdateOrganizationDto } from './dto/organization.dto.js';
import { assertOrganizationName, lockOrganization } from './organization-lock.js';
import { OrganizationMembership } from './organization-membership.entity.js';
import { Organization } from './organization.entity.js';
import { deleteUsers, lockUser, selectMemberUserIds, selectOrganization, userHasMembership } from './organizations.queries.js';

const ALREADY_IN_ORGANIZATION = 'User already has an organization';

@Injectable()
export class OrganizationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly demo: DemoWarehouseService,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  /** The active palette, when there is one, gives the chart colours (as Lightdash); else the colours set with PATCH /org. */
  async get(principal: Principal): Promise<OrganizationDto> {
    const organization = await selectOrganization(this.dataSource.manager, principal.organizationId!);
    if (!organization) throw new NotFoundError('Organization not found');
    const { organizationUuid, name, createdAt, defaultProjectUuid, chartColors, chartDarkColors, colorPaletteUuid, needsProject } = organization;
    return {
      organizationUuid,
      name,
      createdAt,
      ...(chartColors ? { chartColors } : {}),
      ...(chartDarkColors ? { chartDarkColors } : {}),
      ...(colorPaletteUuid ? { colorPaletteUuid } : {}),
      ...(defaultProjectUuid ? { defaultProjectUuid } : {}),
      needsProject,
      // Lightdash's PostgreSQL wire-protocol endpoint, which this server does not offer
      pgWire: { enabled: false, host: new URL(this.config.siteUrl).hostname, port: null, tlsRequired: false },
    };
  }

  /** Creates an organization with the caller as its first admin. */
  async create(principal: Principal, dto: CreateOrganizationDto): Promise<void> {
    assertOrganizationName(dto.name);
    try {
      await this.dataSource.transaction(async (manager) => {
        // the user row guards the user's single organization slot against a concurrent create or join;
        // the membership check is a separate statement so it sees what committed while we waited
        await lockUser(manager, principal.userId);
        if (await userHasMembership(manager, principal.userId)) throw new ForbiddenError(ALREADY_IN_ORGANIZATION);
        const organization = await manager.save(manager.create(Organization, { name: dto.name }));
        const created = await manager.findOneByOrFail(Organization, { organizationId: organization.organizationId });
        await manager.insert(OrganizationMembership, { userId: principal.userId, organizationId: organization.organizationId, role: 'admin' });
        await seedPresetPalettes(manager, organization.organizationId);
        await this.demo.giveToNewOrganization(manager, organization.organizationId, principal.userId);
        await this.audit.record(manager, {
          action: 'organization.create',
          targetType: 'organization',
          targetUuid: created.organizationUuid,
          organizationUuid: created.organizationUuid,
          details: { name: dto.name },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error, 'organization_memberships_pkey')) throw new ForbiddenError(ALREADY_IN_ORGANIZATION);
      throw error;
    }
  }

  async update(principal: Principal, dto: UpdateOrganizationDto): Promise<void> {
    if (dto.name !== undefined) assertOrganizationName(dto.name);
    await this.dataSource.transaction(async (manager) => {
      await lockOrganization(manager, principal.organizationId!);
      const changes = Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined));
      if (Object.keys(changes).length > 0) await manager.update(Organization, { organizationId: principal.organizationId! }, changes);
      await this.audit.record(manager, {
        action: 'organization.update',
        targetType: 'organization',
        targetUuid: principal.organizationUuid,
        details: changes,
      });
    });
  }

  /**
   * Deletes the organization with everything in it and, as Lightdash does, the accounts of its members
   * and invitees: their sessions and tokens go with them, so their next call is a 401 and they can no
   * longer log in (an email may register anew). One transaction, under the organization's lock.
   */
  async delete(principal: Principal): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await lockOrganization(manager, principal.organizationId!);
      const memberUserIds = await selectMemberUserIds(manager, principal.organizationId!);
      await manager.delete(Organization, { organizationId: principal.organizationId! });
      await deleteUsers(manager, memberUserIds);
      await this.audit.record(manager, { action: 'organization.delete', targetType: 'organization', targetUuid: principal.organizationUuid });
    });
  }
}
