import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';

/** Wraps handler results as `{status:"ok", results}`; an empty result is `{status:"ok"}`, a 204 has no body. */
@Injectable()
export class SuccessEnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((results: unknown) => {
        if (reply.statusCode === 204) return undefined;
        return results === undefined ? { status: 'ok' } : { status: 'ok', results };
      }),
    );
  }
}
