import { AsyncLocalStorage } from 'node:async_hooks';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import type { Principal, ScimPrincipal } from './principal.js';

export interface RequestContext {
  requestId: string;
  principal: Principal | undefined;
  /** set instead of `principal` when an organization's SCIM token is calling */
  scimPrincipal?: ScimPrincipal;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The request being handled, for code far from the controller (the audit log). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal; scimPrincipal?: ScimPrincipal }>();
    const store: RequestContext = { requestId: String(request.id), principal: request.user, scimPrincipal: request.scimPrincipal };
    return new Observable((subscriber) => storage.run(store, () => next.handle().subscribe(subscriber)));
  }
}
