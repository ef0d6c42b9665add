import { AsyncLocalStorage } from 'node:async_hooks';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import type { Principal, ScimPrincipal } from './principal.js';
import { SESSION_COOKIE, sha256 } from './tokens.js';

const AUTHORIZATION = /^(ApiKey|Bearer)\s+(\S+)\s*$/i;
/** Longer credentials are never ours: refused without hashing them. */
export const MAX_CREDENTIAL_LENGTH = 128;

/** A credential as the request presents it: the kind, the secret and its SHA-256 digest. */
export interface PresentedCredential {
  via: Principal['via'];
  token: string;
  digest: Buffer;
}

/** The `Authorization` header when it is not a well-formed personal access token, and why. */
export type RefusedHeader = 'unsupported-scheme' | 'not-recognised';

/** A principal taken from the principal cache: the access check must re-validate its credential. */
export interface CachedCredential {
  digest: Buffer;
  /** its principal cache key */
  key: string;
}

/**
 * Everything the pipeline learns about one request, in one typed slot (`request.requestContext`):
 * authentication fills the credential and the principal; authorization adds its decision (see
 * authorization/access-decision.ts); the response cache and the audit log read it.
 */
export interface RequestContext {
  requestId: string;
  /** the session cookie, parsed and hashed once (absent when there is none or it cannot be ours) */
  session?: PresentedCredential;
  /** the `Authorization` header's personal access token, parsed and hashed once */
  token?: PresentedCredential | RefusedHeader;
  /** exactly one credential was sent, and it is well formed: what the response cache keys on */
  sole?: PresentedCredential;
  principal?: Principal;
  /** set instead of `principal` when an organization's SCIM token is calling */
  scimPrincipal?: ScimPrincipal;
  /** set when `principal` came from the principal cache */
  cachedCredential?: CachedCredential;
  /** the session's expiry was just extended: its cookie must be sent again */
  sessionRefreshed?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    requestContext?: RequestContext;
  }
}

function parseHeader(header: string | undefined): PresentedCredential | RefusedHeader | undefined {
  if (header === undefined) return undefined;
  const match = AUTHORIZATION.exec(header);
  if (!match) return 'unsupported-scheme';
  const token = match[2];
  if (token.length > MAX_CREDENTIAL_LENGTH) return 'not-recognised';
  return { via: 'personal_access_token', token, digest: sha256(token) };
}

/**
 * The request's context, created on first use: its credentials are parsed and hashed here and
 * nowhere else, whichever of the response cache, the explores upload check or the guard asks first.
 */
export function requestContextOf(request: FastifyRequest): RequestContext {
  if (request.requestContext) return request.requestContext;
  const cookie = request.cookies?.[SESSION_COOKIE];
  const header = request.headers.authorization;
  const session: PresentedCredential | undefined =
    cookie && cookie.length <= MAX_CREDENTIAL_LENGTH ? { via: 'session', token: cookie, digest: sha256(cookie) } : undefined;
  const token = parseHeader(header);
  // both sent: which one wins depends on whether the session is live, so neither is "the" credential
  const sole = cookie !== undefined && header === undefined ? session : cookie === undefined && typeof token === 'object' ? token : undefined;
  request.requestContext = { requestId: String(request.id), session, token, sole };
  return request.requestContext;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The request being handled, for code far from the controller (the audit log). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Makes the request's context reachable through currentRequest() while the handler runs. */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const store = requestContextOf(context.switchToHttp().getRequest<FastifyRequest>());
    return new Observable((subscriber) => storage.run(store, () => next.handle().subscribe(subscriber)));
  }
}
