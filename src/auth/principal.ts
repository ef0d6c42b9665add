import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { OrganizationRole } from '../authorization/roles.js';

/** Who is calling, resolved by the authentication guard in one database round trip. */
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
  /** How this request authenticated, and the id of that session or token. */
  via: 'session' | 'personal_access_token';
  credentialId: string;
}

export type AuthenticatedRequest = { user?: Principal };

/** The authenticated principal of the request (the global guard guarantees one on non-public routes). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest<AuthenticatedRequest>().user!,
);
