import { RouteConfig } from '@nestjs/platform-fastify';

/** fastify route config key read by the response cache's hooks */
export const CACHED_RESPONSE = 'cachedResponse';

export interface CachedResponseOptions {
  /** the query parameters the answer depends on (others are ignored: they neither change the answer nor make new entries) */
  query?: string[];
}

/**
 * The route's 200 answers may be kept by the response cache and served again while nothing in the
 * database has changed (see ResponseCache). Only for GET routes guarded by a project or space
 * permission whose answer depends on nothing but the database, the caller, the path parameters and
 * the query parameters named here.
 */
export const CachedResponse = (options: CachedResponseOptions = {}): MethodDecorator =>
  RouteConfig({ [CACHED_RESPONSE]: { query: options.query ?? [] } });
