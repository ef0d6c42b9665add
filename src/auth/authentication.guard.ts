import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { credentialRevalidated, ROUTE_ACCESS, type RouteAccess } from '../authorization/route-access.decorator.js';
import { AuthorizationError } from '../common/errors.js';
import { ALLOW_CACHED_PRINCIPAL, CredentialAuthenticator, REFRESHED_SESSION_TOKEN } from './credential-authenticator.js';
import type { Principal, ScimPrincipal } from './principal.js';
import { IS_PUBLIC } from './public.decorator.js';
import { SCIM_TOKEN_ONLY } from './scim-token-only.decorator.js';
import { SESSION_ONLY } from './session-only.decorator.js';
import { SessionsService } from './sessions.service.js';
import { SESSION_COOKIE } from './tokens.js';

/**
 * Deny by default: every route needs a session or a personal access token unless it is @Public()
 * (SCIM routes, @ScimTokenOnly(), need an organization's SCIM token instead).
 * A session wins over a token (as in Lightdash). Public routes still recognise a caller when they can
 * (health's isAuthenticated) but never refuse one.
 */
function hasCredentials(request: FastifyRequest): boolean {
  return request.headers.authorization !== undefined || request.cookies?.[SESSION_COOKIE] !== undefined;
}

@Injectable()
export class AuthenticationGuard extends AuthGuard(['session', 'api-key']) {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly authenticator: CredentialAuthenticator,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      // only try when there is something to try: a refused anonymous request costs an error object
      if (hasCredentials(context.switchToHttp().getRequest<FastifyRequest>())) {
        try {
          await super.canActivate(context);
        } catch {
          /* anonymous is fine here */
        }
      }
      return true;
    }
    const request = context.switchToHttp().getRequest<FastifyRequest & { user: Principal; scimPrincipal?: ScimPrincipal }>();
    if (this.reflector.getAllAndOverride<boolean>(SCIM_TOKEN_ONLY, targets)) {
      request.scimPrincipal = await this.authenticator.scimToken(request);
      return true;
    }
    if (credentialRevalidated(this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, targets))) {
      (request as unknown as Record<symbol, boolean>)[ALLOW_CACHED_PRINCIPAL] = true;
    }
    await super.canActivate(context);
    if (this.reflector.getAllAndOverride<boolean>(SESSION_ONLY, targets) && request.user.via !== 'session') {
      throw new AuthorizationError('This action needs a logged-in session; personal access tokens are not accepted');
    }
    const refreshed = (request as unknown as Record<symbol, string | undefined>)[REFRESHED_SESSION_TOKEN];
    if (refreshed) this.sessions.setCookie(context.switchToHttp().getResponse<FastifyReply>(), refreshed);
    return true;
  }

  override handleRequest<T = Principal>(error: unknown, principal: T | false): T {
    if (error) throw error;
    if (!principal) throw new AuthorizationError('Failed to authorize user');
    return principal;
  }
}
