import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { newScimToken, sha256 } from '../auth/tokens.js';
import { NotFoundError, ParameterError } from '../common/errors.js';
import type { CreateScimTokenDto, RotateScimTokenDto, ScimTokenDto, ScimTokenWithTokenDto } from './dto/scim-token.dto.js';
import * as queries from './scim-tokens.queries.js';

const TOKEN_NOT_FOUND = 'SCIM token not found';
const HOUR_MS = 3_600_000;

/**
 * An organization's SCIM tokens, managed by its admins. A token belongs to the organization, not
 * to the admin who created it: it keeps working when they leave. Its value is shown once, at
 * creation or rotation; only its SHA-256 is stored.
 */
@Injectable()
export class ScimTokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  list(principal: Principal): Promise<ScimTokenDto[]> {
    return queries.listTokens(this.dataSource.manager, principal.organizationId!);
  }

  async get(principal: Principal, tokenUuid: string): Promise<ScimTokenDto> {
    const token = await queries.findToken(this.dataSource.manager, principal.organizationId!, tokenUuid);
    if (!token) throw new NotFoundError(TOKEN_NOT_FOUND);
    return token;
  }

  async create(principal: Principal, dto: CreateScimTokenDto): Promise<ScimTokenWithTokenDto> {
    const expiresAt = dto.expiresAt === null ? null : new Date(dto.expiresAt);
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw new ParameterError('Expire time must be in the future');
    const token = newScimToken();
    return this.dataSource.transaction(async (manager) => {
      const uuid = await queries.insertToken(manager, {
        organizationId: principal.organizationId!,
        digest: sha256(token),
        description: dto.description,
        expiresAt,
        createdByUserId: principal.userId,
      });
      await this.audit.record(manager, { action: 'scim.token.create', targetType: 'scim_token', targetUuid: uuid, details: { description: dto.description, expiresAt } });
      return { ...(await queries.findToken(manager, principal.organizationId!, uuid))!, token };
    });
  }

  /**
   * A new value for an expiring token (the old one stops at once), as Lightdash rotates: not for a
   * token that never expires, not to a past expiry, at most once an hour (the row is locked, so of
   * two concurrent rotations the second is refused).
   */
  async rotate(principal: Principal, tokenUuid: string, dto: RotateScimTokenDto): Promise<ScimTokenWithTokenDto> {
    const expiresAt = new Date(dto.expiresAt);
    return this.dataSource.transaction(async (manager) => {
      const current = await queries.findToken(manager, principal.organizationId!, tokenUuid, true);
      if (!current) throw new NotFoundError(TOKEN_NOT_FOUND);
      if (current.expiresAt === null) throw new ParameterError('Token with no expiration date cannot be rotated');
      if (current.rotatedAt && new Date(current.rotatedAt).getTime() > Date.now() - HOUR_MS) throw new ParameterError('Token can only be rotated once per hour');
      if (expiresAt.getTime() <= Date.now()) throw new ParameterError('Expire time must be in the future');
      const token = newScimToken();
      await queries.rotateToken(manager, tokenUuid, sha256(token), expiresAt);
      await this.audit.record(manager, { action: 'scim.token.rotate', targetType: 'scim_token', targetUuid: tokenUuid, details: { description: current.description, expiresAt } });
      return { ...(await queries.findToken(manager, principal.organizationId!, tokenUuid))!, token };
    });
  }

  async delete(principal: Principal, tokenUuid: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const deleted = await queries.deleteToken(manager, principal.organizationId!, tokenUuid);
      if (!deleted) throw new NotFoundError(TOKEN_NOT_FOUND);
      await this.audit.record(manager, { action: 'scim.token.delete', targetType: 'scim_token', targetUuid: tokenUuid, details: { description: deleted.description } });
    });
  }
}
