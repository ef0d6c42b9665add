import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizationError } from '../common/errors.js';
import { ACCEPTS_CACHED_PRINCIPAL } from './accepts-cached-principal.decorator.js';
import { CredentialAuthenticator } from './credential-authenticator.js';
import { IS_PUBLIC } from './public.decorator.js';
import { type RequestContext, requestContextOf } from './request-context.js';
import { SCIM_TOKEN_ONLY } from './scim-token-only.decorator.js';
import { SESSION_ONLY } from './session-only.decorator.js';
import { SessionsService } from './sessions.service.js';

/**
 * The authentication step of the request pipeline (request-pipeline/): deny by default, so every
 * route needs a session or a personal access token unless it is @Public() (SCIM routes,
 * @ScimTokenOnly(), need an organization's SCIM token instead). Public routes still recognise a
 * caller when they can (health's isAuthenticated) but never refuse one. What it finds goes into the
 * request's context; it reads only its own route metadata.
 */
@Injectable()
export class RequestAuthentication {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly authenticator: CredentialAuthenticator,
  ) {}

  isPublic(context: ExecutionContext): boolean {
    return this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]) === true;
  }

  async authenticate(context: ExecutionContext): Promise<RequestContext> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const requestContext = requestContextOf(request);
    if (this.isPublic(context)) {
      await this.authenticator.recognise(request);
      return requestContext;
    }
    if (this.reflector.getAllAndOverride<boolean>(SCIM_TOKEN_ONLY, targets)) {
      await this.authenticator.scimToken(request);
      return requestContext;
    }
    const allowCached = this.reflector.getAllAndOverride<boolean>(ACCEPTS_CACHED_PRINCIPAL, targets) === true;
    const principal = await this.authenticator.authenticate(request, { allowCached });
    if (this.reflector.getAllAndOverride<boolean>(SESSION_ONLY, targets) && principal.via !== 'session') {
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
