import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type PresentedCredential, soleCredential } from '../auth/credential-authenticator.js';
import type { Principal } from '../auth/principal.js';
import { SessionsService } from '../auth/sessions.service.js';
import type { ReadAt } from '../authorization/access.service.js';
import { CACHED_RESPONSE, type CachedResponseOptions } from './cached-response.decorator.js';
import { ResponseCache, type Revalidation } from './response-cache.service.js';

const PENDING = Symbol('responseCachePending');
const READ_AT = Symbol('responseCacheReadAt');

/** Response header telling that the answer came from the response cache. */
export const RESPONSE_CACHE_HEADER = 'x-response-cache';

interface Pending {
  key: string;
  credential: PresentedCredential;
}

type Slots = Record<symbol, unknown>;
const slots = (request: object) => request as Slots;

/** Called by the authorization guard: the snapshot and time its access check was answered in. */
export function noteReadAt(request: object, readAt: ReadAt): void {
  slots(request)[READ_AT] = readAt;
}

/** `Cache-Control: no-cache` (or `no-store`) from the client: answer from the database. */
function refusesCachedAnswer(request: FastifyRequest): boolean {
  const header = request.headers['cache-control'];
  return typeof header === 'string' && /\bno-(cache|store)\b/i.test(header);
}

/**
 * A GET to a @CachedResponse() route is looked up before Nest handles it (after routing and the
 * request logger): a live entry is sent as it is after one revalidation statement. Otherwise the
 * request goes on as usual and its 200 answer is kept, with the snapshot the guard read it in.
 */
export function installResponseCache(app: NestFastifyApplication): void {
  const cache = app.get(ResponseCache);
  if (!cache.enabled) return;
  const sessions = app.get(SessionsService);
  const fastify = app.getHttpAdapter().getInstance();

  fastify.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const options = request.routeOptions.config?.[CACHED_RESPONSE as never] as Required<CachedResponseOptions> | undefined;
    if (request.method !== 'GET' || !options) return;
    if (refusesCachedAnswer(request)) return;
    const credential = soleCredential(request);
    if (!credential) return;
    const query = request.query as Record<string, unknown>;
    const answerOf = JSON.stringify([request.routeOptions.url, request.params, options.query.map((name) => query[name])]);
    const key = `${credential.via}:${credential.digest.toString('base64')}:${answerOf}`;
    slots(request)[PENDING] = { key, credential } satisfies Pending;
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
    slots(request)[PENDING] = undefined;
    return reply.code(200).header('content-type', entry.contentType).header(RESPONSE_CACHE_HEADER, 'hit').send(entry.payload);
  });

  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const pending = slots(request)[PENDING] as Pending | undefined;
    const readAt = slots(request)[READ_AT] as ReadAt | undefined;
    const user = (request as FastifyRequest & { user?: Principal }).user;
    if (pending && readAt && user?.via === pending.credential.via && user.organizationId && reply.statusCode === 200 && typeof payload === 'string') {
      cache.set(pending.key, {
        payload: Buffer.from(payload),
        contentType: String(reply.getHeader('content-type')),
        userId: user.userId,
        organizationId: user.organizationId,
        ...readAt,
      });
    }
    return payload;
  });
}
