import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AcceptsCachedPrincipal } from '../auth/accepts-cached-principal.decorator.js';
import { requestContextOf } from '../auth/request-context.js';
import type { ProjectAccess, SpaceAccess } from './access.service.js';
import type { RowLoader } from './row-loader.js';
import { ApiExtension, ApiForbiddenResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import { ScimTokenOnly } from '../auth/scim-token-only.decorator.js';
import { describePermission, PERMISSIONS, type Permission } from './permissions.js';

export const ROUTE_ACCESS = 'routeAccess';

/** The kinds of object a route parameter can name for an access check. */
export type ResourceType = 'organization' | 'group' | 'project' | 'space' | 'chart' | 'dashboard';

export interface ResourceRef {
  type: ResourceType;
  /** the field naming the object */
  param: string;
  /** where that field is: a path parameter (default), a body property, or a query parameter (its first value when repeated) */
  in?: 'params' | 'body' | 'query';
  /** a path parameter naming the project the object must belong to (else 404) */
  projectParam?: string;
  /** the read the route serves, run in the access check's statement (see RowLoader) */
  load?: RowLoader<unknown>;
  /**
   * 'forbidden': a space, chart or dashboard of the caller's organization (and project) that is in
   * the trash answers 403 instead of 404, as Lightdash answers deleting a deleted space again
   */
  trashed?: 'forbidden';
}

/**
 * A permission the route also needs on objects the guard cannot name before the service reads them
 * (a body's target space, a duplicated dashboard's space, each item of a bulk change): the service
 * asks the same table (`can`). Declared so the route listing and Swagger show the whole rule; the
 * guard does not enforce it.
 */
export interface CheckedInService {
  permission: Permission;
  /** the objects it is checked on, e.g. "each target space" */
  on: string;
}

export type RouteAccess =
  | { kind: 'permission'; permission: Permission; resource?: ResourceRef; checkedInService?: readonly CheckedInService[] }
  | { kind: 'self' }
  | { kind: 'scim-token' };

/**
 * Whether the route's access check runs an access statement (project or space scope), which also
 * re-validates the caller's credential, so authentication may use a cached principal.
 */
export function credentialRevalidated(access: RouteAccess | undefined): boolean {
  return access?.kind === 'permission' && access.resource !== undefined && PERMISSIONS[access.permission].scope !== 'organization';
}

/** The 403 description of a route: its permission and those its service checks. */
function describeRouteAccess(permission: Permission, checkedInService: readonly CheckedInService[]): string {
  return [describePermission(permission), ...checkedInService.map((check) => `Also, on ${check.on}, checked in the service: ${describePermission(check.permission)}`)].join(' ');
}

/**
 * Declares the permission a route needs (from the table in permissions.ts) and, for routes about one
 * object, which route parameter names it. The authorization guard enforces it; Swagger shows it.
 * `checkedInService` documents further permissions the service checks on objects the request only
 * names in its body (see CheckedInService).
 */
export const RequirePermission = (permission: Permission, resource?: ResourceRef, ...checkedInService: CheckedInService[]) =>
  applyDecorators(
    SetMetadata(ROUTE_ACCESS, { kind: 'permission', permission, resource, ...(checkedInService.length ? { checkedInService } : {}) } satisfies RouteAccess),
    AcceptsCachedPrincipal(credentialRevalidated({ kind: 'permission', permission, resource })),
    ApiExtension('x-permission', permission),
    ...(checkedInService.length ? [ApiExtension('x-permission-checked-in-service', checkedInService.map(({ permission, on }) => ({ permission, on })))] : []),
    ApiForbiddenResponse({ description: describeRouteAccess(permission, checkedInService) }),
    ...(resource ? [ApiNotFoundResponse({ description: `The ${resource.type} does not exist or belongs to another organization` })] : []),
  );

/** Any authenticated user, acting on their own account only (the route reads no one else's data). */
export const SelfOnly = () =>
  applyDecorators(SetMetadata(ROUTE_ACCESS, { kind: 'self' } satisfies RouteAccess), AcceptsCachedPrincipal(false), ApiExtension('x-permission', 'self'));

/**
 * SCIM provisioning (RFC 7644): the caller is an organization's SCIM token, which may manage that
 * organization's members and groups (Lightdash's `scim:manage`) and nothing else; everything it
 * reaches is scoped to the token's organization by the SCIM services.
 */
export const RequireScimToken = () =>
  applyDecorators(
    SetMetadata(ROUTE_ACCESS, { kind: 'scim-token' } satisfies RouteAccess),
    AcceptsCachedPrincipal(false),
    ApiExtension('x-permission', 'scim-token'),
    ScimTokenOnly(),
  );

/** The access the guard resolved for this request's object (project or space), so services need not ask again. */
export const ResolvedAccess = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ProjectAccess | SpaceAccess | undefined =>
    requestContextOf(context.switchToHttp().getRequest<FastifyRequest>()).access,
);
