import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthorizationError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import type { Principal, ScimPrincipal } from './principal.js';
import { PrincipalCache } from './principal-cache.js';
import { PrincipalLookupService } from './principal-lookup.service.js';
import { MAX_CREDENTIAL_LENGTH, type PresentedCredential, type RequestContext, requestContextOf } from './request-context.js';
import { sha256 } from './tokens.js';

const FAILED = 'Failed to authorize user';
const TOKEN_NOT_RECOGNISED = 'Personal access token is not recognised';
const cacheKey = (credential: PresentedCredential) => `${credential.via === 'session' ? 'session' : 'token'}:${credential.digest.toString('base64')}`;

export interface AuthenticateOptions {
  /**
   * The route's access check re-validates the credential in its own statement, so a principal from
   * the principal cache may stand in for the lookup (see @AcceptsCachedPrincipal()).
   */
  allowCached: boolean;
}

/**
 * Turns a request's session cookie or personal access token into the principal of its context: one
 * lookup statement, or the principal cache when the route allows it. A session wins over a token
 * (as in Lightdash): a cookie that is not live falls back to the `Authorization` header.
 */
@Injectable()
export class CredentialAuthenticator {
  constructor(
    private readonly lookup: PrincipalLookupService,
    private readonly cache: PrincipalCache,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  /** The request's principal (kept in its context: a second call costs nothing); 401 when it has no live credential. */
  async authenticate(request: FastifyRequest, options: AuthenticateOptions): Promise<Principal> {
    const context = requestContextOf(request);
    if (context.principal) return context.principal;
    const principal = (await this.session(context, options)) ?? (await this.personalAccessToken(context, options));
    if (!principal) throw new AuthorizationError(FAILED);
    context.principal = principal;
    return principal;
  }

  /** For public routes: the caller when they can be recognised, never a refusal. */
  async recognise(request: FastifyRequest): Promise<Principal | undefined> {
    const context = requestContextOf(request);
    // only try when there is something to try: a refused anonymous request costs an error object
    if (context.session === undefined && context.token === undefined) return undefined;
    try {
      return await this.authenticate(request, { allowCached: false });
    } catch {
      // anonymous is fine here, even when the database cannot say (health answers then too)
      return undefined;
    }
  }

  /**
   * Resolves the request's credential again, bypassing the cache, after the access check found the
   * cached principal stale (credential revoked or expired, user deactivated, organization or role
   * changed). A 401 exactly as for an uncached request with the same credential.
   */
  async reauthenticate(request: FastifyRequest): Promise<Principal> {
    const context = requestContextOf(request);
    if (context.cachedCredential) this.cache.delete(context.cachedCredential.key);
    context.principal = undefined;
    context.cachedCredential = undefined;
    return this.authenticate(request, { allowCached: false });
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
    requestContextOf(request).scimPrincipal = principal;
    return principal;
  }

  /** Session cookie `connect.sid`; null when there is none or it is not live. */
  private async session(context: RequestContext, options: AuthenticateOptions): Promise<Principal | null> {
    const credential = context.session;
    if (!credential) return null;
    const cached = this.fromCache(context, credential, options);
    if (cached) return cached;
    const found = await this.lookup.bySessionDigest(credential.digest, this.config.sessionMaxAgeHours);
    if (!found) {
      this.cache.delete(cacheKey(credential));
      return null;
    }
    if (found.refreshed) context.sessionRefreshed = true;
    this.cache.set(cacheKey(credential), found.principal);
    return found.principal;
  }

  /** `Authorization: ApiKey <token>` (Lightdash) or `Bearer <token>`; null without the header, 401 when it is not a live token. */
  private async personalAccessToken(context: RequestContext, options: AuthenticateOptions): Promise<Principal | null> {
    const credential = context.token;
    if (credential === undefined) return null;
    if (credential === 'unsupported-scheme') throw new AuthorizationError('Unsupported authorization scheme: use "ApiKey <token>" or "Bearer <token>"');
    if (credential === 'not-recognised') throw new AuthorizationError(TOKEN_NOT_RECOGNISED);
    const cached = this.fromCache(context, credential, options);
    if (cached) return cached;
    const principal = await this.lookup.byPersonalAccessTokenDigest(credential.digest);
    if (!principal) {
      this.cache.delete(cacheKey(credential));
      throw new AuthorizationError(TOKEN_NOT_RECOGNISED);
    }
    this.cache.set(cacheKey(credential), principal);
    return principal;
  }

  private fromCache(context: RequestContext, credential: PresentedCredential, options: AuthenticateOptions): Principal | undefined {
    if (!options.allowCached) return undefined;
    const key = cacheKey(credential);
    const principal = this.cache.get(key);
    if (principal) context.cachedCredential = { digest: credential.digest, key };
    return principal;
  }
}
