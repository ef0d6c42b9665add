import {
  type ArgumentsHost,
  applyDecorators,
  type CallHandler,
  Catch,
  type ExceptionFilter,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Server } from 'node:http';
import type { Observable } from 'rxjs';
import { toErrorEnvelope } from '../common/error-envelope.filter.js';
import { ValidateError } from '../common/errors.js';
import { unstorableJsonText } from '../common/storable-text.js';
import { WithoutEnvelope } from '../common/success-envelope.interceptor.js';
import { SCIM_ERROR_SCHEMA, ScimError, type ScimType } from './scim-errors.js';
import { SCIM_BASE_PATH, SCIM_CONTENT_TYPE } from './scim-schemas.js';

/** The scimType a status implies when the error does not name one (as Lightdash: 404 is `noTarget`). */
const SCIM_TYPE_BY_STATUS: Partial<Record<number, ScimType>> = { 400: 'invalidValue', 404: 'noTarget', 409: 'uniqueness' };

function validationDetail(error: ValidateError): string {
  const fields = Object.entries(error.data).map(([field, problem]) => `${field}: ${(problem as { message?: string })?.message ?? 'invalid'}`);
  return fields.join('; ') || error.message || 'Invalid request';
}

/**
 * Every failure of a SCIM route as a SCIM error (RFC 7644 §3.12): `application/scim+json`, the Error
 * schema, `status` as a string, `scimType` where one applies. The status and message are those the
 * error envelope would carry (the same classification: our errors, framework 4xx, 503 when the
 * database cannot answer, 500 logged and never detailed); validation failures are 400 `invalidValue`.
 */
@Catch()
export class ScimErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ScimErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { envelope, unexpected, retryAfterSeconds } = toErrorEnvelope(exception);
    let status = envelope.error.statusCode;
    let detail = envelope.error.message;
    let scimType = exception instanceof ScimError ? exception.scimType : SCIM_TYPE_BY_STATUS[status];
    if (exception instanceof ValidateError) {
      [status, detail, scimType] = [400, validationDetail(exception), 'invalidValue'];
    }
    if (status === 401 || status >= 500) scimType = undefined;
    if (unexpected) {
      this.logger.error({ err: exception, reqId: request?.id, method: request?.method, url: request?.url }, 'Unexpected error while handling a SCIM request');
    }
    if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds));
    void reply
      .status(status)
      .header('content-type', SCIM_CONTENT_TYPE)
      .send({ schemas: [SCIM_ERROR_SCHEMA], ...(scimType ? { scimType } : {}), detail, status: String(status) });
  }
}

/** SCIM answers are `application/scim+json` (RFC 7644 §3.1). */
@Injectable()
export class ScimContentTypeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    void context.switchToHttp().getResponse<FastifyReply>().header('content-type', SCIM_CONTENT_TYPE);
    return next.handle();
  }
}

/** A controller speaking SCIM: its own bodies (no envelope), its own content type, SCIM errors. */
export const ScimEndpoint = () =>
  applyDecorators(ApiTags('SCIM'), WithoutEnvelope(), UseFilters(ScimErrorFilter), UseInterceptors(ScimContentTypeInterceptor));

/**
 * Bodies sent as `application/scim+json` (what Okta and Entra ID send), parsed like JSON bodies, on
 * the SCIM routes only: any other route answers such a body with 415. Registered apart from the JSON
 * parser so that each stays a single, separate step of configureApp.
 */
/** The media type of SCIM bodies (RFC 7644 §3.1); answers are sent as SCIM_CONTENT_TYPE, with a charset. */
export const SCIM_MEDIA_TYPE = 'application/scim+json';

/** Whether a route (fastify's route url) is one of the SCIM routes, which take `application/scim+json` bodies. */
export function isScimRoute(url: string | undefined): boolean {
  return !!url?.startsWith(`${SCIM_BASE_PATH}/`);
}

/**
 * `application/scim+json` bodies, on the SCIM routes only (the JSON-only rule refuses them elsewhere
 * with 415), bounded like JSON bodies by `shapeLimitExceeded` before they are parsed.
 */
export function acceptScimJsonBodies(
  app: NestFastifyApplication,
  bodyLimitBytes: number,
  shapeLimitExceeded: (text: string, method: string, url: string | undefined) => string | undefined,
): void {
  const fastify = app.getHttpAdapter().getInstance();
  const jsonParser = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<Server>(SCIM_MEDIA_TYPE, { bodyLimit: bodyLimitBytes }, (request, body, done) => {
    const { method, routeOptions } = request as FastifyRequest;
    if (!isScimRoute(routeOptions?.url)) {
      const refused = Object.assign(new Error(`Content-Type ${SCIM_MEDIA_TYPE} is only accepted by the SCIM routes`), { statusCode: 415 });
      return done(refused, undefined);
    }
    const text = body.toString('utf8');
    if (text.trim().length === 0) return done(null, undefined);
    const overLimit = shapeLimitExceeded(text, method, routeOptions?.url);
    if (overLimit) return done(new ScimError(413, overLimit, 'tooMany'), undefined);
    const unstorable = unstorableJsonText(text);
    if (unstorable) return done(new ScimError(400, unstorable, 'invalidSyntax'), undefined);
    jsonParser(request, text, done);
  });
}
