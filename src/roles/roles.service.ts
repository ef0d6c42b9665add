import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { PROJECT_ROLES } from '../authorization/roles.js';
import { grantsWithinOwnOrganizationScopes } from '../authorization/permissions.js';
import { isOrganizationOnlyScope, isScope, PROJECT_ROLE_SCOPES } from '../authorization/scopes.js';
import { AlreadyExistsError, ForbiddenError, NotFoundError, ParameterError } from '../common/errors.js';
import { isForeignKeyViolation, isUniqueViolation } from '../common/postgres-errors.js';
import type { CreateRoleDto, DuplicateRoleDto, ListRolesQueryDto, RoleAssigneeDto, RoleDto, UpdateRoleDto } from './dto/roles.dto.js';
import {
  type CustomRoleRow,
  deleteCustomRole,
  insertCustomRole,
  listCustomRoles,
  lockCustomRole,
  selectCustomRole,
  selectRoleAssignees,
  updateCustomRole,
} from './roles.queries.js';
import { isSystemRoleId, memberRoleDto, systemRoleDto } from './system-roles.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NAME_LENGTH = 255;
export const EXCEEDS_OWN = 'Cannot grant permissions exceeding your own';

export type RoleLevel = 'project' | 'organization';

/**
 * Custom roles: organization-owned named scope sets (lightdash-roles-v2.md §1.3). Every write runs in
 * one transaction with the role row locked; nobody puts into a role a scope they do not hold.
 */
@Injectable()
export class RolesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(principal: Principal, query: ListRolesQueryDto): Promise<RoleDto[]> {
    const system = query.roleTypeFilter === 'user' ? [] : [...PROJECT_ROLES.map(systemRoleDto), memberRoleDto()];
    if (query.roleTypeFilter === 'system') return system;
    const rows = await listCustomRoles(this.dataSource.manager, principal.organizationId!);
    return [...system, ...rows.map((row) => customRoleDto(row, query.load === 'scopes'))];
  }

  async get(principal: Principal, roleUuid: string): Promise<RoleDto> {
    return customRoleDto(await this.find(this.dataSource.manager, principal, roleUuid), true);
  }

  async create(principal: Principal, body: CreateRoleDto): Promise<RoleDto> {
    const name = validName(body.name, { reservedAllowed: false });
    const level = validLevel(body.level);
    const scopes = this.grantableScopes(principal, body.scopes ?? [], level);
    return this.dataSource.transaction(async (manager) => {
      const roleUuid = await this.insert(manager, principal, name, body.description ?? null, level, scopes);
      await this.audit.record(manager, { action: 'role.create', targetType: 'role', targetUuid: roleUuid, details: { name, level, scopes } });
      return customRoleDto(await this.find(manager, principal, roleUuid), false);
    });
  }

  async update(principal: Principal, roleUuid: string, body: UpdateRoleDto): Promise<RoleDto> {
    if (isSystemRoleId(roleUuid)) throw new ParameterError(`Cannot update system role "${roleUuid}"`);
    return this.dataSource.transaction(async (manager) => {
      const role = await this.find(manager, principal, roleUuid, true);
      const name = body.name === undefined ? role.name : validName(body.name, { reservedAllowed: false });
      const added = this.grantableScopes(principal, body.scopes?.add ?? [], role.level);
      const removed = new Set(body.scopes?.remove ?? []);
      const scopes = [...new Set([...role.scopes, ...added])].filter((scope) => !removed.has(scope));
      const description = body.description === undefined ? role.description : body.description;
      await this.write(manager, role, name, description, scopes);
      await this.audit.record(manager, { action: 'role.update', targetType: 'role', targetUuid: role.roleUuid, details: { name, scopes } });
      return customRoleDto(await this.find(manager, principal, roleUuid), true);
    });
  }

  async delete(principal: Principal, roleUuid: string): Promise<void> {
    if (isSystemRoleId(roleUuid)) throw new ParameterError('Cannot remove system roles');
    await this.dataSource.transaction(async (manager) => {
      const role = await this.find(manager, principal, roleUuid, true);
      try {
        await deleteCustomRole(manager, role.customRoleId);
      } catch (error) {
        if (isForeignKeyViolation(error)) throw new ParameterError('Role cannot be deleted if assigned');
        throw error;
      }
      await this.audit.record(manager, { action: 'role.delete', targetType: 'role', targetUuid: role.roleUuid, details: { name: role.name } });
    });
  }

  /** A copy of a system or custom role at the source's level, with the source's scopes assignable there. */
  async duplicate(principal: Principal, sourceId: string, body: DuplicateRoleDto): Promise<RoleDto> {
    const name = validName(body.name, { reservedAllowed: true });
    return this.dataSource.transaction(async (manager) => {
      const source = isSystemRoleId(sourceId)
        ? { name: systemRoleDto(sourceId).name, description: systemRoleDto(sourceId).description, level: 'project' as const, scopes: [...PROJECT_ROLE_SCOPES[sourceId]] }
        : await this.find(manager, principal, sourceId);
      const scopes = this.grantableScopes(
        principal,
        source.scopes.filter((scope) => source.level === 'organization' || !isScope(scope) || !isOrganizationOnlyScope(scope)),
        source.level,
      );
      const description = body.description ?? source.description ?? `Copy of: ${source.name}`;
      const roleUuid = await this.insert(manager, principal, name, description, source.level, scopes);
      await this.audit.record(manager, { action: 'role.create', targetType: 'role', targetUuid: roleUuid, details: { name, copyOf: sourceId } });
      return customRoleDto(await this.find(manager, principal, roleUuid), true);
    });
  }

  /** The deprecated add-scopes route: idempotent. */
  async addScopes(principal: Principal, roleUuid: string, scopeNames: string[]): Promise<void> {
    if (isSystemRoleId(roleUuid)) throw new ParameterError('Cannot add scopes to system roles');
    await this.update(principal, roleUuid, { scopes: { add: scopeNames, remove: [] } });
  }

  /** The deprecated remove-scope route: removing a scope the role lacks still succeeds. */
  async removeScope(principal: Principal, roleUuid: string, scopeName: string): Promise<void> {
    if (isSystemRoleId(roleUuid)) throw new ParameterError('Cannot remove scopes from system roles');
    await this.update(principal, roleUuid, { scopes: { add: [], remove: [scopeName] } });
  }

  async assignees(principal: Principal, roleUuid: string): Promise<RoleAssigneeDto[]> {
    if (isSystemRoleId(roleUuid)) return [];
    const role = await this.find(this.dataSource.manager, principal, roleUuid);
    return selectRoleAssignees(this.dataSource.manager, role.customRoleId);
  }

  /** A custom role of the caller's organization (404 otherwise, also for an id that is not a uuid). */
  async find(manager: EntityManager, principal: Pick<Principal, 'organizationId'>, roleUuid: string, lock = false): Promise<CustomRoleRow> {
    const lookUp = lock ? lockCustomRole : selectCustomRole;
    const row = UUID.test(roleUuid) ? await lookUp(manager, principal.organizationId!, roleUuid) : undefined;
    if (!row) throw new NotFoundError(`Role with uuid ${roleUuid} not found`);
    return row;
  }

  /**
   * The scopes, deduplicated, once the caller is shown to hold every one of them (403 otherwise; an
   * unknown scope is held by nobody) and they fit the role's level.
   */
  private grantableScopes(principal: Principal, scopes: string[], level: RoleLevel): string[] {
    const unique = [...new Set(scopes)];
    const caller = { organizationRole: principal.role, customScopes: principal.organizationCustomScopes };
    if (unique.some((scope) => !isScope(scope)) || !grantsWithinOwnOrganizationScopes(caller, unique)) throw new ForbiddenError(EXCEEDS_OWN);
    if (level === 'project') {
      const organizationOnly = unique.filter((scope) => isScope(scope) && isOrganizationOnlyScope(scope));
      if (organizationOnly.length) throw new ParameterError(`Scopes are not assignable at project level: ${organizationOnly.join(', ')}`);
    }
    return unique;
  }

  /** Answers the new role's uuid. */
  private async insert(manager: EntityManager, principal: Principal, name: string, description: string | null, level: RoleLevel, scopes: string[]): Promise<string> {
    try {
      return await insertCustomRole(manager, { organizationId: principal.organizationId!, name, description, level, scopes, createdByUserId: principal.userId });
    } catch (error) {
      if (isUniqueViolation(error, 'custom_roles_organization_id_name_key')) throw new AlreadyExistsError(`A role named "${name}" already exists in this organization`);
      throw error;
    }
  }

  private async write(manager: EntityManager, role: CustomRoleRow, name: string, description: string | null, scopes: string[]): Promise<void> {
    try {
      await updateCustomRole(manager, role.customRoleId, name, description, scopes);
    } catch (error) {
      if (isUniqueViolation(error, 'custom_roles_organization_id_name_key')) throw new AlreadyExistsError(`A role named "${name}" already exists in this organization`);
      throw error;
    }
  }
}

function validName(name: string, options: { reservedAllowed: boolean }): string {
  const trimmed = name.trim();
  if (!trimmed) throw new ParameterError('Role name cannot be empty');
  if (trimmed.length > MAX_NAME_LENGTH) throw new ParameterError(`Role name cannot be longer than ${MAX_NAME_LENGTH} characters`);
  if (!options.reservedAllowed && isSystemRoleId(trimmed)) throw new ParameterError(`Cannot create role with name "${trimmed}", this is reserved for system roles`);
  return trimmed;
}

function validLevel(level: string | undefined): RoleLevel {
  if (level === undefined || level === 'project' || level === 'organization') return level ?? 'project';
  throw new ParameterError(`Invalid role level "${level}": expected "project" or "organization"`);
}

export function customRoleDto(row: CustomRoleRow, withScopes: boolean): RoleDto {
  return {
    roleUuid: row.roleUuid,
    name: row.name,
    description: row.description,
    level: row.level,
    organizationUuid: row.organizationUuid,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    ownerType: 'user',
    ...(withScopes ? { scopes: row.scopes } : {}),
  };
}
