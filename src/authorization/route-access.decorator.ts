import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiForbiddenResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import { describePermission, type Permission } from './permissions.js';

export const ROUTE_ACCESS = 'routeAccess';

/** The kinds of object a route parameter can name for an access check. */
export type ResourceType = 'organization' | 'group' | 'project' | 'space';

export type RouteAccess =
  | { kind: 'permission'; permission: Permission; resource?: { type: ResourceType; param: string } }
  | { kind: 'self' };

/**
 * Declares the permission a route needs (from the table in permissions.ts) and, for routes about one
 * object, which route parameter names it. The authorization guard enforces it; Swagger shows it.
 */
export const RequirePermission = (permission: Permission, resource?: { type: ResourceType; param: string }) =>
  applyDecorators(
    SetMetadata(ROUTE_ACCESS, { kind: 'permission', permission, resource } satisfies RouteAccess),
    ApiExtension('x-permission', permission),
    ApiForbiddenResponse({ description: describePermission(permission) }),
    ...(resource ? [ApiNotFoundResponse({ description: `The ${resource.type} does not exist or belongs to another organization` })] : []),
  );

/** Any authenticated user, acting on their own account only (the route reads no one else's data). */
export const SelfOnly = () =>
  applyDecorators(SetMetadata(ROUTE_ACCESS, { kind: 'self' } satisfies RouteAccess), ApiExtension('x-permission', 'self'));
