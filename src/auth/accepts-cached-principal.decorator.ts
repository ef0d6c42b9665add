import { SetMetadata } from '@nestjs/common';

export const ACCEPTS_CACHED_PRINCIPAL = 'acceptsCachedPrincipal';

/**
 * Whether the route's access check re-validates the caller's credential in its own statement, so that
 * authentication may take the principal from the principal cache. Authorization sets it with every
 * declared permission (true or false, so a method's declaration overrides its class's); authentication
 * reads only this flag, never the permission itself.
 */
export const AcceptsCachedPrincipal = (accepts: boolean) => SetMetadata(ACCEPTS_CACHED_PRINCIPAL, accepts);
