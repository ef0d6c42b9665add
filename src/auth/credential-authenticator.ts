import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthorizationError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import type { Principal, ScimPrincipal } from './principal.js';
import { PrincipalCache } from './principal-cache.js';
import { PrincipalLookupService } from './principal-lookup.service.js';
import { SESSION_COOKIE, sha256 } from './tokens.js';

/** The session token of a request, when its session was just extended and the cookie must follow. */
export const REFRESHED_SESSION_TOKEN = Symbol('refreshedSessionToken');
/** Set by the authentication guard when the route's access check re-validates the credential. */
export const ALLOW_CACHED_PRINCIPAL = Symbol('allowCachedPrincipal');
/** Set when request.user came from the principal cache, so the access check must re-validate it. */
export const PRINCIPAL_FROM_CACHE = Symbol('principalFromCache');

/** A cached principal's credential: the SHA-256 digest the access statement re-checks, and its cache key. */
export interface CachedCredential {
  digest: Buffer;
  key: string;
}

/** The cached credential behind request.user, when it came from the cache. */
export function cachedCredentialOf(request: object): CachedCredential | undefined {
  return (request as Record<symbol, CachedCredential | undefined>)[PRINCIPAL_FROM_CACHE];
}

type CredentialRequest = FastifyRequest & { user?: Principal };
/** request slots keyed by the symbols above */
const slots = (request: CredentialRequest) => request as unknown as Record<symbol, unknown>;

const AUTHORIZATION = /^(ApiKey|Bearer)\s+(\S+)\s*$/i;
const MAX_CREDENTIAL_LENGTH = 128;

/** A credential as the request presents it: the kind, the secret and its SHA-256 digest. */
export interface PresentedCredential {
  via: Principal['via'];
  token: string;
  digest: Buffer;
}

/**
 * The request's credential when it presents exactly one, well formed: a session cookie or an
 * `Authorization` token, not both (which of two wins depends on whether the session is live).
 */
export function soleCredential(request: FastifyRequest): PresentedCredential | undefined {
  const cookie = request.cookies?.[SESSION_COOKIE];
  const header = request.headers.authorization;
  if ((cookie === undefined) === (header === undefined)) return undefined;
  const token = cookie ?? AUTHORIZATION.exec(header!)?.[2];
  if (!token || token.length > MAX_CREDENTIAL_LENGTH) return undefined;
  return { via: cookie !== undefined ? 'session' : 'personal_access_token', token, digest: sha256(token) };
}

/**
 * Turns a request's session cookie or personal access token into a principal: one lookup
 * statement, or the principal cache when the route allows it (ALLOW_CACHED_PRINCIPAL).
 */
@Injectable()
export class CredentialAuthenticator {
  constructor(
    private readonly lookup: PrincipalLookupService,
    private readonly cache: PrincipalCache,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  /** Session cookie `connect.sid`; null when there is none or it is not live. */
  async session(request: CredentialRequest): Promise<Principal | null> {
    const token = request.cookies?.[SESSION_COOKIE];
    if (!token || token.length > MAX_CREDENTIAL_LENGTH) return null;
    const digest = sha256(token);
    const key = `session:${digest.toString('base64')}`;
    const cached = this.fromCache(request, key, digest);
    if (cached) return cached;
    const found = await this.lookup.bySessionDigest(digest, this.config.sessionMaxAgeHours);
    if (!found) {
      this.cache.delete(key);
      return null;
    }
    if (found.refreshed) slots(request)[REFRESHED_SESSION_TOKEN] = token;
    this.cache.set(key, found.principal);
    return found.principal;
  }

  /** `Authorization: ApiKey <token>` (Lightdash) or `Bearer <token>`; null without the header, 401 when it is not a live token. */
  async personalAccessToken(request: CredentialRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (!header) return null;
    const match = AUTHORIZATION.exec(header);
    if (!match) throw new AuthorizationError('Unsupported authorization scheme: use "ApiKey <token>" or "Bearer <token>"');
    const token = match[2];
    const digest = token.length <= MAX_CREDENTIAL_LENGTH ? sha256(token) : undefined;
    const key = digest && `token:${digest.toString('base64')}`;
    const cached = key && this.fromCache(request, key, digest);
    if (cached) return cached;
    const principal = digest ? await this.lookup.byPersonalAccessTokenDigest(digest) : null;
    if (!principal) {
      if (key) this.cache.delete(key);
      throw new AuthorizationError('Personal access token is not recognised');
    }
    this.cache.set(key!, principal);
    return principal;
  }

  /**
   * `Authorization: Bearer <scim token>` on a SCIM route: the token's organization is the tenant. As in
   * Lightdash, the scheme name is not checked, and sessions and personal access tokens are not SCIM
   * credentials (401). Looked up on every request, never cached: deleting the token stops it at once.
   */
  async scimToken(request: FastifyRequest): Promise<ScimPrincipal> {
    const header = request.headers.authorization;
    if (!header) throw new AuthorizationError('No SCIM token provided');
    const words = header.trim().split(/\s+/);
    if (words.length !== 2) throw new AuthorizationError('Invalid SCIM token. Token should be in the format "Bearer <token>"');
    const token = words[1];
    const principal = token.length <= MAX_CREDENTIAL_LENGTH ? await this.lookup.byScimTokenDigest(sha256(token)) : null;
    if (!principal) throw new AuthorizationError('Invalid SCIM token. Authentication failed.');
    return principal;
  }

  /**
   * Resolves the request's credential again, bypassing the cache, after the access check found the
   * cached principal stale (credential revoked or expired, user deactivated, organization or role
   * changed). Null or a 401 exactly as for an uncached request with the same credential.
   */
  async reauthenticate(request: CredentialRequest): Promise<Principal | null> {
    const previous = request.user;
    const stale = cachedCredentialOf(request);
    if (stale) this.cache.delete(stale.key);
    slots(request)[ALLOW_CACHED_PRINCIPAL] = false;
    slots(request)[PRINCIPAL_FROM_CACHE] = undefined;
    return previous?.via === 'session' ? this.session(request) : this.personalAccessToken(request);
  }

  private fromCache(request: CredentialRequest, key: string, digest: Buffer): Principal | undefined {
    if (slots(request)[ALLOW_CACHED_PRINCIPAL] !== true) return undefined;
    const principal = this.cache.get(key);
    if (principal) slots(request)[PRINCIPAL_FROM_CACHE] = { digest, key } satisfies CachedCredential;
    return principal;
  }
}
