import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizationError } from '../common/errors.js';
import { PerRoute } from '../common/per-route.js';
import { ACCEPTS_CACHED_PRINCIPAL } from './accepts-cached-principal.decorator.js';
import { CredentialAuthenticator } from './credential-authenticator.js';
import { IS_PUBLIC } from './public.decorator.js';
import { type RequestContext, requestContextOf } from './request-context.js';
import { SCIM_TOKEN_ONLY } from './scim-token-only.decorator.js';
import { SESSION_ONLY } from './session-only.decorator.js';
import { SessionsService } from './sessions.service.js';

/** What a route's own decorators ask of authentication. */
interface AuthenticationRoute {
  isPublic: boolean;
  scimTokenOnly: boolean;
  acceptsCachedPrincipal: boolean;
  sessionOnly: boolean;
}

/**
 * The authentication step of the request pipeline (request-pipeline/): deny by default, so every
 * route needs a session or a personal access token unless it is @Public() (SCIM routes,
 * @ScimTokenOnly(), need an organization's SCIM token instead). Public routes still recognise a
 * caller when they can (health's isAuthenticated) but never refuse one. What it finds goes into the
 * request's context; it reads only its own route metadata.
 */
@Injectable()
export class RequestAuthentication {
  private readonly routes = new PerRoute<AuthenticationRoute>((targets) => ({
    isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
    scimTokenOnly: this.reflector.getAllAndOverride<boolean>(SCIM_TOKEN_ONLY, targets) === true,
    acceptsCachedPrincipal: this.reflector.getAllAndOverride<boolean>(ACCEPTS_CACHED_PRINCIPAL, targets) === true,
    sessionOnly: this.reflector.getAllAndOverride<boolean>(SESSION_ONLY, targets) === true,
  }));

  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly authenticator: CredentialAuthenticator,
  ) {}

  isPublic(context: ExecutionContext): boolean {
    return this.routes.of(context).isPublic;
  }

  async authenticate(context: ExecutionContext): Promise<RequestContext> {
    const route = this.routes.of(context);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const requestContext = requestContextOf(request);
    if (route.isPublic) {
      await this.authenticator.recognise(request);
      return requestContext;
    }
    if (route.scimTokenOnly) {
      await this.authenticator.scimToken(request);
      return requestContext;
    }
    const principal = await this.authenticator.authenticate(request, { allowCached: route.acceptsCachedPrincipal });
    if (route.sessionOnly && principal.via !== 'session') {
      throw new AuthorizationError('This action needs a logged-in session; personal access tokens are not accepted');
    }
    this.sendRefreshedSession(context, requestContext);
    return requestContext;
  }

  /** After the access check found a cached principal stale: the credential is looked up afresh (401 if it is gone). */
  async reauthenticate(context: ExecutionContext): Promise<RequestContext> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    await this.authenticator.reauthenticate(request);
    const requestContext = requestContextOf(request);
    this.sendRefreshedSession(context, requestContext);
    return requestContext;
  }

  private sendRefreshedSession(context: ExecutionContext, requestContext: RequestContext): void {
    if (requestContext.sessionRefreshed && requestContext.session) {
      this.sessions.setCookie(context.switchToHttp().getResponse<FastifyReply>(), requestContext.session.token);
    }
  }
}
