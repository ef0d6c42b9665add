import { RouteConfig } from '@nestjs/platform-fastify';

/** fastify route config key read by the response cache's hooks */
export const CACHED_RESPONSE = 'cachedResponse';

/**
 * The route's 200 answers may be kept by the response cache and served again while nothing in the
 * database has changed (see ResponseCache). Only for GET routes guarded by a project or space
 * permission whose answer depends on nothing but the database, the caller and the URL.
 */
export const CachedResponse = (): MethodDecorator => RouteConfig({ [CACHED_RESPONSE]: true });
