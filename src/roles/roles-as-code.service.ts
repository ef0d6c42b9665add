import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { isOrganizationOnlyScope, isScope } from '../authorization/scopes.js';
import { ParameterError } from '../common/errors.js';
import { listCustomRoles } from './roles.queries.js';
import { type RoleLevel, RolesService } from './roles.service.js';

/** A custom role as code (lightdash-roles-v2.md §3.4): every key required, version 1. */
export interface CustomRoleAsCode {
  version: 1;
  name: string;
  description: string | null;
  level: RoleLevel;
  scopes: string[];
}

const KEYS = ['version', 'name', 'description', 'level', 'scopes'] as const;

export type AsCodeAction = 'create' | 'update' | 'no changes';

/**
 * Roles as code: the organization's custom roles as files, and an upsert by name that creates a role
 * or brings its description and scopes to the file's (never renames, never changes the level).
 */
@Injectable()
export class RolesAsCodeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly roles: RolesService,
  ) {}

  async list(principal: Principal): Promise<{ customRoles: CustomRoleAsCode[] }> {
    const rows = await listCustomRoles(this.dataSource.manager, principal.organizationId!);
    return { customRoles: rows.map((row) => ({ version: 1, name: row.name, description: row.description, level: row.level, scopes: [...row.scopes].sort() })) };
  }

  async upsert(principal: Principal, body: unknown): Promise<{ action: AsCodeAction }> {
    const desired = parse(body);
    const rows = await listCustomRoles(this.dataSource.manager, principal.organizationId!);
    const existing = rows.find((row) => row.name === desired.name);
    if (!existing) {
      await this.roles.create(principal, { name: desired.name, description: desired.description, level: desired.level, scopes: desired.scopes });
      return { action: 'create' };
    }
    if (existing.level !== desired.level) {
      throw new ParameterError(`Cannot change custom role "${desired.name}" level from ${existing.level} to ${desired.level}. Create a new role instead.`);
    }
    const add = desired.scopes.filter((scope) => !existing.scopes.includes(scope));
    const remove = existing.scopes.filter((scope) => !desired.scopes.includes(scope));
    const descriptionChanged = existing.description !== desired.description;
    if (!add.length && !remove.length && !descriptionChanged) return { action: 'no changes' };
    await this.roles.update(principal, existing.roleUuid, { ...(descriptionChanged ? { description: desired.description } : {}), scopes: { add, remove } });
    return { action: 'update' };
  }
}

function parse(body: unknown): CustomRoleAsCode {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ParameterError('A custom role must be an object');
  const role = body as Record<string, unknown>;
  const unknownKeys = Object.keys(role).filter((key) => !(KEYS as readonly string[]).includes(key));
  if (unknownKeys.length) throw new ParameterError(`Unknown custom role keys: ${unknownKeys.join(', ')}`);
  const missing = KEYS.filter((key) => !(key in role));
  if (missing.length) throw new ParameterError(`Missing custom role keys: ${missing.join(', ')}`);
  if (role.version !== 1) throw new ParameterError('Unsupported custom role version: expected 1');
  if (typeof role.name !== 'string' || !role.name.trim()) throw new ParameterError('Role name cannot be empty');
  if (role.description !== null && typeof role.description !== 'string') throw new ParameterError('Custom role description must be a string or null');
  if (role.level !== 'project' && role.level !== 'organization') throw new ParameterError('Custom role level must be "project" or "organization"');
  if (!Array.isArray(role.scopes) || role.scopes.some((scope) => typeof scope !== 'string')) throw new ParameterError('Custom role scopes must be an array of strings');
  const scopes = role.scopes as string[];
  const duplicates = scopes.filter((scope, i) => scopes.indexOf(scope) !== i);
  if (duplicates.length) throw new ParameterError(`Duplicate custom role scopes: ${[...new Set(duplicates)].join(', ')}`);
  const unknown = scopes.filter((scope) => !isScope(scope));
  if (unknown.length) throw new ParameterError(`Unknown custom role scopes: ${unknown.join(', ')}`);
  // older files: a project role holding organization-only scopes is an organization role
  const level = role.level === 'project' && scopes.some((scope) => isScope(scope) && isOrganizationOnlyScope(scope)) ? 'organization' : role.level;
  return { version: 1, name: role.name.trim(), description: role.description as string | null, level, scopes };
}
