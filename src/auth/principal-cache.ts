import { Injectable } from '@nestjs/common';
import type { Principal } from './principal.js';

/** How long a resolved principal may stand in for a lookup, and how many are kept. */
export const PRINCIPAL_CACHE_TTL_MS = 30_000;
export const PRINCIPAL_CACHE_MAX_ENTRIES = 10_000;

/**
 * Principals recently resolved from a session or token, keyed by the credential's digest. Only
 * routes whose access check re-validates the credential in the same statement may use an entry
 * (@AcceptsCachedPrincipal(true), set by @RequirePermission for them): that statement confirms the session
 * or token is still live and the user's organization and role are unchanged, so a revoked or
 * changed credential is noticed on its next request, on every replica, cache or not.
 */
@Injectable()
export class PrincipalCache {
  private readonly entries = new Map<string, { principal: Principal; expiresAt: number }>();

  get(key: string): Principal | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.principal;
  }

  set(key: string, principal: Principal): void {
    this.entries.delete(key);
    if (this.entries.size >= PRINCIPAL_CACHE_MAX_ENTRIES) {
      // Map iteration follows insertion order: the first entry is the oldest
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { principal: Object.freeze({ ...principal }), expiresAt: Date.now() + PRINCIPAL_CACHE_TTL_MS });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
