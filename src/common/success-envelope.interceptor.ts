import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { JsonText } from './json-text.js';

export const WITHOUT_ENVELOPE = 'withoutEnvelope';

const ENVELOPE_HEAD = Buffer.from('{"status":"ok","results":');
const ENVELOPE_TAIL = Buffer.from('}');

/** The route speaks another protocol (SCIM) and answers its own body, not wrapped in the envelope. */
export const WithoutEnvelope = () => SetMetadata(WITHOUT_ENVELOPE, true);

/** Wraps handler results as `{status:"ok", results}`; an empty result is `{status:"ok"}`, a 204 has no body. */
@Injectable()
export class SuccessEnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const unwrapped = this.reflector.getAllAndOverride<boolean>(WITHOUT_ENVELOPE, [context.getHandler(), context.getClass()]);
    return next.handle().pipe(
      map((results: unknown) => {
        if (reply.statusCode === 204) return undefined;
        if (unwrapped) return results;
        if (results instanceof JsonText) {
          // sent as it is: fastify does not serialize a string it is told is JSON
          void reply.type('application/json; charset=utf-8');
          const { text } = results;
          return typeof text === 'string' ? `{"status":"ok","results":${text}}` : Buffer.concat([ENVELOPE_HEAD, text, ENVELOPE_TAIL]);
        }
        return results === undefined ? { status: 'ok' } : { status: 'ok', results };
      }),
    );
  }
}
