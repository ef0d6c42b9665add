import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AUDIT_ACTION, type AuditActionMetadata, AuditRefusals } from '../audit/audit-action.js';
import type { Principal } from '../auth/principal.js';
import { IS_PUBLIC } from '../auth/public.decorator.js';
import { AppError, ForbiddenError, NotFoundError, ValidateError } from '../common/errors.js';
import { AccessService } from './access.service.js';
import { PERMISSIONS, type PermissionRule } from './permissions.js';
import { ROUTE_ACCESS, type ResourceType, type RouteAccess } from './route-access.decorator.js';
import { atLeast, ORGANIZATION_ROLES } from './roles.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const NOT_FOUND_MESSAGES: Record<ResourceType, string> = {
  organization: 'Organization not found',
  group: 'No group found',
  project: 'Project not found',
  space: 'Space not found',
};

/**
 * The one place route permissions are enforced (runs after authentication). A route without a
 * declared permission is refused: deny by default. Objects of another organization are 404, missing
 * roles inside your organization 403.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
    private readonly refusals: AuditRefusals,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user: Principal }>();
    const routeAccess = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, targets);
    try {
      if (!routeAccess) throw new ForbiddenError('This route declares no permission');
      if (routeAccess.kind === 'self') return true;
      await this.check(request, routeAccess);
      return true;
    } catch (error) {
      const audited = this.reflector.get<AuditActionMetadata | undefined>(AUDIT_ACTION, context.getHandler());
      if (audited && error instanceof AppError) await this.refusals.record(audited, request, error);
      throw error;
    }
  }

  private async check(request: FastifyRequest & { user: Principal }, routeAccess: Extract<RouteAccess, { kind: 'permission' }>): Promise<void> {
    const principal = request.user;
    const rule: PermissionRule = PERMISSIONS[routeAccess.permission];
    const resource = routeAccess.resource;
    const resourceId = resource ? this.resourceParam(request, resource.param) : undefined;

    if (rule.scope !== 'organization') throw new ForbiddenError(`Permission scope ${rule.scope} is not available yet`);

    if (resource?.type === 'organization' && resourceId !== principal.organizationUuid) {
      throw new NotFoundError(NOT_FOUND_MESSAGES.organization);
    }
    if (resource?.type === 'group') {
      const organizationId = await this.access.groupOrganizationId(resourceId!);
      if (!organizationId || organizationId !== principal.organizationId) throw new NotFoundError(NOT_FOUND_MESSAGES.group);
    }
    if (!principal.organizationId) throw new ForbiddenError('You are not a member of an organization');
    if (!atLeast(ORGANIZATION_ROLES, principal.role, rule.minimum)) throw new ForbiddenError();
  }

  private resourceParam(request: FastifyRequest, param: string): string {
    const value = (request.params as Record<string, string> | undefined)?.[param];
    if (!value || !UUID.test(value)) throw new ValidateError({ [param]: { message: `${param} must be a UUID`, value: value ?? null } });
    return value;
  }
}
