import { Injectable } from '@nestjs/common';
import { PreparedSql } from '../database/sql.js';
import type { Principal, ScimPrincipal } from './principal.js';
import { selectScimTokenPrincipal, selectSessionPrincipal, selectTokenPrincipal } from './principal.queries.js';

/** Who is behind a credential: one statement each (principal.queries.ts). */
@Injectable()
export class PrincipalLookupService {
  constructor(private readonly sql: PreparedSql) {}

  /** The principal of a live session (by the SHA-256 digest of its cookie), and whether its expiry was just extended. */
  async bySessionDigest(digest: Buffer, maxAgeHours: number): Promise<{ principal: Principal; refreshed: boolean } | null> {
    const row = await selectSessionPrincipal(this.sql, digest, maxAgeHours);
    if (!row) return null;
    const { refreshed, ...principal } = row;
    return { principal: { ...principal, via: 'session' }, refreshed: !!refreshed };
  }

  async byPersonalAccessTokenDigest(digest: Buffer): Promise<Principal | null> {
    const row = await selectTokenPrincipal(this.sql, digest);
    return row ? { ...row, via: 'personal_access_token' } : null;
  }

  /** The organization behind a live SCIM token (by its SHA-256 digest); stamps lastUsedAt at most once a minute. */
  async byScimTokenDigest(digest: Buffer): Promise<ScimPrincipal | null> {
    const row = await selectScimTokenPrincipal(this.sql, digest);
    return row ? { ...row, via: 'scim_token' } : null;
  }
}
