import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { OrganizationRole } from '../common/roles.js';
import { requestContextOf } from './request-context.js';

/** Who is calling, resolved by authentication (request-authentication.ts) in one database round trip. */
export interface Principal {
  userId: string;
  userUuid: string;
  email: string;
  firstName: string;
  lastName: string;
  isEmailVerified: boolean;
  isActive: boolean;
  isTrackingAnonymized: boolean;
  isMarketingOptedIn: boolean;
  isSetupComplete: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** The caller's organization and role there; null until they join one. */
  organizationId: string | null;
  organizationUuid: string | null;
  organizationName: string | null;
  organizationCreatedAt: Date | null;
  role: OrganizationRole | null;
  /** The scopes of the caller's organization-level custom roles (role and role set), or null when they hold none. */
  organizationCustomScopes?: string[] | null;
  /** How this request authenticated, and the id of that session or token. */
  via: 'session' | 'personal_access_token';
  credentialId: string;
}

/**
 * An organization's SCIM token (`scim_…`): a service principal that provisions the organization's
 * members and groups. It is not a user, so it has its own field of the request context and only SCIM routes
 * (@ScimTokenOnly()) accept it; every other route refuses it like an unknown token.
 */
export interface ScimPrincipal {
  via: 'scim_token';
  scimTokenId: string;
  scimTokenUuid: string;
  organizationId: string;
  organizationUuid: string;
}

/** The authenticated principal of the request (the request pipeline guarantees one on non-public routes). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => requestContextOf(context.switchToHttp().getRequest<FastifyRequest>()).principal!,
);

/** The SCIM token principal of a @ScimTokenOnly() route (the request pipeline guarantees one). */
export const CurrentScimPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ScimPrincipal => requestContextOf(context.switchToHttp().getRequest<FastifyRequest>()).scimPrincipal!,
);
