import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestContextOf } from '../auth/request-context.js';
import { addGetRouteHook } from '../common/route-hooks.js';
import { SessionsService } from '../auth/sessions.service.js';
import { CACHED_RESPONSE, type CachedResponseOptions } from './cached-response.decorator.js';
import { ResponseCache, type Revalidation } from './response-cache.service.js';


/** Response header telling that the answer came from the response cache. */
export const RESPONSE_CACHE_HEADER = 'x-response-cache';

/** A cacheable request's entry: what the response cache adds to the request's context. */
declare module '../auth/request-context.js' {
  interface RequestContext {
    /** set while the request may still be answered into the cache: the entry's key and the credential it is for */
    responseCacheEntry?: { key: string; credential: import('../auth/request-context.js').PresentedCredential };
  }
}

/** `Cache-Control: no-cache` (or `no-store`) from the client: answer from the database. */
function refusesCachedAnswer(request: FastifyRequest): boolean {
  const header = request.headers['cache-control'];
  return typeof header === 'string' && /\bno-(cache|store)\b/i.test(header);
}

/**
 * A GET to a @CachedResponse() route is looked up before Nest handles it (after routing and the
 * request logger): a live entry is sent as it is after one revalidation statement. Otherwise the
 * request goes on as usual and its 200 answer is kept, with the snapshot the access check read it in
 * (the authorization decision in the request's context). The hooks are those of the cached routes
 * alone (added as each route is registered), so no other request pays for the cache.
 */
export function installResponseCache(app: NestFastifyApplication): void {
  const cache = app.get(ResponseCache);
  if (!cache.enabled) return;
  const sessions = app.get(SessionsService);
  const fastify = app.getHttpAdapter().getInstance();

  fastify.addHook('onRoute', (route) => {
    const options = route.config?.[CACHED_RESPONSE as never] as Required<CachedResponseOptions> | undefined;
    if (!options) return;
    const url = route.url;

    const lookUp = async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method !== 'GET' || refusesCachedAnswer(request)) return;
      const context = requestContextOf(request);
      const credential = context.sole;
      if (!credential) return;
      const query = request.query as Record<string, unknown>;
      const answerOf = JSON.stringify([url, request.params, options.query.map((name) => query[name])]);
      const key = `${credential.via}:${credential.digest.toString('base64')}:${answerOf}`;
      context.responseCacheEntry = { key, credential };
      const entry = cache.get(key);
      if (!entry) return;
      let verdict: Revalidation;
      try {
        verdict = await cache.revalidate(entry, credential);
      } catch {
        // the database could not say: drop the entry and let the request be answered (or refused) as usual
        cache.delete(key);
        return;
      }
      if (verdict.refreshed) sessions.setCookie(reply, credential.token);
      if (!verdict.live || !verdict.fresh) {
        cache.delete(key);
        return;
      }
      context.responseCacheEntry = undefined;
      return reply.code(200).header('content-type', entry.contentType).header(RESPONSE_CACHE_HEADER, 'hit').send(entry.payload);
    };

    const keep = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      // the access check's decision: where it read the database, for whom
      const { responseCacheEntry: pending, readAt, principal: user } = requestContextOf(request);
      if (pending && readAt && user?.via === pending.credential.via && user.organizationId && reply.statusCode === 200 && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
        cache.set(pending.key, {
          payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
          contentType: String(reply.getHeader('content-type')),
          userId: user.userId,
          organizationId: user.organizationId,
          ...readAt,
        });
      }
      return payload;
    };

    addGetRouteHook(route, 'preHandler', lookUp);
    addGetRouteHook(route, 'onSend', keep);
  });
}
