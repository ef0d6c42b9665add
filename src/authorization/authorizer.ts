import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { RequestContext } from '../auth/request-context.js';
import { AuthorizationError, ForbiddenError, NotFoundError, ValidateError } from '../common/errors.js';
import type { ReadAt } from '../database/read-at.js';
import { AccessService, type AccessTarget, type ProjectAccess, type SpaceAccess } from './access.service.js';
import { can, PERMISSIONS, type PermissionRule } from './permissions.js';
import type { ResourceRef, ResourceType, RouteAccess } from './route-access.decorator.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const NOT_FOUND_MESSAGES: Record<ResourceType, string> = {
  organization: 'Organization not found',
  group: 'No group found',
  project: 'Project not found',
  space: 'Space not found',
  chart: 'Chart not found',
  dashboard: 'Dashboard not found',
};

/** What authorization adds to the request's context once a request is allowed. */
declare module '../auth/request-context.js' {
  interface RequestContext {
    /** the access the check resolved for the route's project or space (with the route loader's row) */
    access?: ProjectAccess | SpaceAccess;
    /** where the access statement read the database: the response cache keys an answer's validity on it */
    readAt?: ReadAt;
  }
}

/**
 * The outcome of a route's access check that is not a refusal (refusals are thrown: 400, 403, 404):
 * allowed, with the access resolved and where it was read; or the caller's cached principal turned
 * out stale, so the caller must be authenticated afresh and checked again.
 */
type Resolved = { kind: 'resolved'; access: ProjectAccess | SpaceAccess; readAt: ReadAt };

export type AccessDecision = { kind: 'allowed'; access?: ProjectAccess | SpaceAccess; readAt?: ReadAt } | { kind: 'stale-principal' };

/**
 * The one place route permissions are decided (after authentication). A route without a declared
 * permission is refused: deny by default. Objects of another organization (or missing ones) are
 * 404, missing roles inside your organization 403. It never authenticates: a stale cached principal
 * is a decision, which the request pipeline acts on.
 */
@Injectable()
export class Authorizer {
  constructor(private readonly access: AccessService) {}

  async decide(request: FastifyRequest, routeAccess: RouteAccess | undefined, context: RequestContext): Promise<AccessDecision> {
    if (!routeAccess) throw new ForbiddenError('This route declares no permission');
    if (routeAccess.kind === 'self') return { kind: 'allowed' };
    if (routeAccess.kind === 'scim-token') {
      if (!context.scimPrincipal) throw new AuthorizationError('No SCIM token provided');
      return { kind: 'allowed' };
    }
    const principal = context.principal;
    if (!principal) throw new AuthorizationError('Failed to authorize user');
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
      let resolved: Resolved | undefined;
      if (resource?.type === 'project') {
        const outcome = await this.resolve(request, resource, principal, context);
        if (outcome.kind === 'stale-principal') return outcome;
        resolved = outcome;
      }
      if (!principal.organizationId) throw new ForbiddenError('You are not a member of an organization');
      if (!can(routeAccess.permission, { organizationRole: principal.role, customScopes: principal.organizationCustomScopes })) throw new ForbiddenError();
      return resolved ? { kind: 'allowed', access: resolved.access, readAt: resolved.readAt } : { kind: 'allowed' };
    }

    if (!resource) throw new ForbiddenError(`Permission ${routeAccess.permission} needs the object it applies to`);
    const outcome = await this.resolve(request, resource, principal, context);
    if (outcome.kind === 'stale-principal') return outcome;
    if (!can(routeAccess.permission, outcome.access)) throw new ForbiddenError();
    // the route's read, done by the same statement, reaches the service only once the request is allowed
    return { kind: 'allowed', access: outcome.access, readAt: outcome.readAt };
  }

  /**
   * Looks the object up with the caller's roles on it; 404 unless it exists in the caller's
   * organization (and project). A cached principal is re-validated by the same statement; a stale one
   * is a decision of its own.
   */
  private async resolve(
    request: FastifyRequest,
    resource: ResourceRef,
    principal: Principal,
    context: RequestContext,
  ): Promise<Resolved | { kind: 'stale-principal' }> {
    const id = this.resourceId(request, resource);
    if (resource.type === 'organization' || resource.type === 'group') {
      throw new ForbiddenError(`A ${resource.type} is not checked with a project or space permission`);
    }
    const target: AccessTarget = resource.type;
    const checked = await this.access.checked(target, id, principal, context.cachedCredential?.digest, resource.load);
    if (!checked.credentialLive) return { kind: 'stale-principal' };
    const { access, readAt } = checked;
    const inOtherProject =
      resource.projectParam !== undefined && access?.projectUuid !== (request.params as Record<string, string>)[resource.projectParam];
    if (!access || access.organizationId !== principal.organizationId || inOtherProject) {
      if (!access && resource.trashed === 'forbidden' && (await this.inCallersTrash(request, resource, target, id, principal))) throw new ForbiddenError();
      throw new NotFoundError(NOT_FOUND_MESSAGES[resource.type]);
    }
    return { kind: 'resolved', access, readAt };
  }

  /** Whether the object is in the trash of the caller's organization (and of the route's project): one more round trip, on refusals only. */
  private async inCallersTrash(request: FastifyRequest, resource: ResourceRef, target: AccessTarget, id: string, principal: Principal): Promise<boolean> {
    if (target === 'project') return false;
    const trashed = await this.access.trashedContentSpace(target, id, principal.userId);
    const projectUuid = resource.projectParam === undefined ? undefined : (request.params as Record<string, string>)[resource.projectParam];
    return !!trashed && trashed.organizationId === principal.organizationId && (projectUuid === undefined || trashed.projectUuid === projectUuid);
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
