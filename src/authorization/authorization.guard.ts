import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AUDIT_ACTION, type AuditActionMetadata, AuditRefusals } from '../audit/audit-action.js';
import { cachedCredentialOf, CredentialAuthenticator } from '../auth/credential-authenticator.js';
import type { Principal } from '../auth/principal.js';
import { IS_PUBLIC } from '../auth/public.decorator.js';
import { AppError, AuthorizationError, ForbiddenError, NotFoundError, ValidateError } from '../common/errors.js';
import { noteReadAt } from '../response-cache/response-cache.hooks.js';
import { AccessService, type AccessTarget, type ProjectAccess, type SpaceAccess } from './access.service.js';
import { can, PERMISSIONS, type PermissionRule } from './permissions.js';
import { type ResourceRef, type ResourceType, ROUTE_ACCESS, type RouteAccess } from './route-access.decorator.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const NOT_FOUND_MESSAGES: Record<ResourceType, string> = {
  organization: 'Organization not found',
  group: 'No group found',
  project: 'Project not found',
  space: 'Space not found',
  chart: 'Chart not found',
  dashboard: 'Dashboard not found',
};

type GuardedRequest = FastifyRequest & { user: Principal; access?: ProjectAccess | SpaceAccess };

/**
 * The one place route permissions are enforced (runs after authentication). A route without a
 * declared permission is refused: deny by default. Objects of another organization (or missing ones)
 * are 404, missing roles inside your organization 403. The resolved access is left on the request.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
    private readonly refusals: AuditRefusals,
    private readonly authenticator: CredentialAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const routeAccess = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, targets);
    try {
      if (!routeAccess) throw new ForbiddenError('This route declares no permission');
      if (routeAccess.kind === 'self') return true;
      if (routeAccess.kind === 'scim-token') {
        if (!(request as { scimPrincipal?: unknown }).scimPrincipal) throw new AuthorizationError('No SCIM token provided');
        return true;
      }
      await this.check(request, routeAccess);
      return true;
    } catch (error) {
      const audited = this.reflector.get<AuditActionMetadata | undefined>(AUDIT_ACTION, context.getHandler());
      if (audited && error instanceof AppError) await this.refusals.record(audited, request, error);
      throw error;
    }
  }

  private async check(request: GuardedRequest, routeAccess: Extract<RouteAccess, { kind: 'permission' }>): Promise<void> {
    const principal = request.user;
    const rule: PermissionRule = PERMISSIONS[routeAccess.permission];
    const resource = routeAccess.resource;

    if (rule.scope === 'organization') {
      if (resource?.type === 'organization' && this.resourceId(request, resource) !== principal.organizationUuid) {
        throw new NotFoundError(NOT_FOUND_MESSAGES.organization);
      }
      if (resource?.type === 'group') {
        const organizationId = await this.access.groupOrganizationId(this.resourceId(request, resource));
        if (!organizationId || organizationId !== principal.organizationId) throw new NotFoundError(NOT_FOUND_MESSAGES.group);
      }
      // a list of a project's content that filters rather than refuses: the project must be in the
      // caller's organization (else 404); the service shows what the caller's roles let them see
      if (resource?.type === 'project') {
        const { loaded, ...access } = await this.resolve(request, resource);
        request.access = loaded ? { ...access, loaded } : access;
      }
      if (!principal.organizationId) throw new ForbiddenError('You are not a member of an organization');
      if (!can(routeAccess.permission, { organizationRole: principal.role, customScopes: principal.organizationCustomScopes })) throw new ForbiddenError();
      return;
    }

    if (!resource) throw new ForbiddenError(`Permission ${routeAccess.permission} needs the object it applies to`);
    const { loaded, ...access } = await this.resolve(request, resource);
    request.access = access;
    if (!can(routeAccess.permission, access)) throw new ForbiddenError();
    // the route's read, done by the same statement, reaches the service only once the request is allowed
    if (loaded) request.access = { ...access, loaded };
  }

  /**
   * Looks the object up with the caller's roles on it; 404 unless it exists in the caller's
   * organization (and project). A principal from the cache is re-validated by the same statement;
   * when it is stale the caller is authenticated afresh (401 if the credential is gone) and checked again.
   */
  private async resolve(request: GuardedRequest, resource: ResourceRef): Promise<ProjectAccess | SpaceAccess> {
    const id = this.resourceId(request, resource);
    if (resource.type === 'organization' || resource.type === 'group') {
      throw new ForbiddenError(`A ${resource.type} is not checked with a project or space permission`);
    }
    const target: AccessTarget = resource.type;
    const cached = cachedCredentialOf(request);
    let { credentialLive, readAt, access, loaded } = await this.access.checked(target, id, request.user, cached?.digest, resource.load);
    if (!credentialLive) {
      const fresh = await this.authenticator.reauthenticate(request);
      if (!fresh) throw new AuthorizationError('Failed to authorize user');
      request.user = fresh;
      ({ readAt, access, loaded } = await this.access.checked(target, id, fresh, undefined, resource.load));
    }
    noteReadAt(request, readAt);
    const inOtherProject =
      resource.projectParam !== undefined && access?.projectUuid !== (request.params as Record<string, string>)[resource.projectParam];
    if (!access || access.organizationId !== request.user.organizationId || inOtherProject) {
      if (!access && resource.trashed === 'forbidden' && (await this.inCallersTrash(request, resource, target, id))) throw new ForbiddenError();
      throw new NotFoundError(NOT_FOUND_MESSAGES[resource.type]);
    }
    return loaded ? { ...access, loaded } : access;
  }

  /** Whether the object is in the trash of the caller's organization (and of the route's project): one more round trip, on refusals only. */
  private async inCallersTrash(request: GuardedRequest, resource: ResourceRef, target: AccessTarget, id: string): Promise<boolean> {
    if (target === 'project') return false;
    const trashed = await this.access.trashedContentSpace(target, id, request.user.userId);
    const projectUuid = resource.projectParam === undefined ? undefined : (request.params as Record<string, string>)[resource.projectParam];
    return !!trashed && trashed.organizationId === request.user.organizationId && (projectUuid === undefined || trashed.projectUuid === projectUuid);
  }

  private resourceId(request: FastifyRequest, resource: ResourceRef): string {
    const source = (resource.in === 'body' ? request.body : resource.in === 'query' ? request.query : request.params) as Record<string, unknown> | undefined;
    const given = source?.[resource.param];
    const value = resource.in === 'query' && Array.isArray(given) ? given[0] : given;
    const key = resource.in === 'body' ? `body.${resource.param}` : resource.param;
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new ValidateError({ [key]: value === undefined ? { message: `'${resource.param}' is required` } : { message: `${resource.param} must be a UUID`, value } });
    }
    return value;
  }
}
