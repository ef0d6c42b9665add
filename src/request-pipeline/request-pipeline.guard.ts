import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AUDIT_ACTION, type AuditActionMetadata, AuditRefusals } from '../audit/audit-action.js';
import { RequestAuthentication } from '../auth/request-authentication.js';
import { AppError, AuthorizationError } from '../common/errors.js';
import { PerRoute } from '../common/per-route.js';
import { Authorizer } from '../authorization/authorizer.js';
import { ROUTE_ACCESS, type RouteAccess } from '../authorization/route-access.decorator.js';

/**
 * The one global guard: authentication, then authorization, each once, in one direction. Both write
 * into the request's context (auth/request-context.ts), which the response cache, the audit log and
 * the controllers read. When authorization finds the cached principal stale, the caller is
 * authenticated afresh (401 if the credential is gone) and checked again. Refusals of an audited
 * route's check are recorded.
 */
@Injectable()
export class RequestPipelineGuard implements CanActivate {
  private readonly routeAccesses = new PerRoute((targets) => this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, targets));

  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: RequestAuthentication,
    private readonly authorizer: Authorizer,
    private readonly refusals: AuditRefusals,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    let requestContext = await this.authentication.authenticate(context);
    if (this.authentication.isPublic(context)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const routeAccess = this.routeAccesses.of(context);
    try {
      let decision = await this.authorizer.decide(request, routeAccess, requestContext);
      if (decision.kind === 'stale-principal') {
        requestContext = await this.authentication.reauthenticate(context);
        decision = await this.authorizer.decide(request, routeAccess, requestContext);
        // a principal looked up for this very request is never stale
        if (decision.kind === 'stale-principal') throw new AuthorizationError('Failed to authorize user');
      }
      requestContext.access = decision.access;
      requestContext.readAt = decision.readAt;
      return true;
    } catch (error) {
      const audited = this.reflector.get<AuditActionMetadata | undefined>(AUDIT_ACTION, context.getHandler());
      if (audited && error instanceof AppError) await this.refusals.record(audited, request, error);
      throw error;
    }
  }
}
