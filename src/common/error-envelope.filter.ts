import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { databaseUnavailability } from './postgres-errors.js';
import { AppError, ServiceUnavailableError, UnexpectedServerError } from './errors.js';
import { redactUrl } from './redact-url.js';

export interface ErrorEnvelope {
  status: 'error';
  error: { statusCode: number; name: string; message: string; data: Record<string, unknown> };
}

const NAME_BY_STATUS: Record<number, string> = {
  400: 'ParameterError',
  401: 'AuthorizationError',
  403: 'ForbiddenError',
  404: 'NotFoundError',
  405: 'MethodNotAllowedError',
  406: 'ExpiredError',
  409: 'AlreadyExistsError',
  413: 'PayloadTooLargeError',
  414: 'ParameterError',
  415: 'UnsupportedMediaTypeError',
  422: 'ValidateError',
  429: 'TooManyRequestsError',
};

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

const UNAVAILABLE_MESSAGES = {
  unreachable: 'The database is not available at the moment, please retry later',
  busy: 'The database did not answer in time, please retry later',
};

/** A 503 for an error that says the database cannot answer for now (down, restarting, a lock or statement timed out). */
function asServiceUnavailable(exception: unknown): ServiceUnavailableError | undefined {
  const reason = databaseUnavailability(exception);
  return reason && new ServiceUnavailableError(UNAVAILABLE_MESSAGES[reason]);
}

/**
 * Turns anything thrown into the error envelope. Our own errors pass through as they are;
 * framework 4xx errors keep their status; the database being unable to answer is a 503 with the
 * seconds to wait in `retryAfterSeconds`; everything else is a 500 whose details are logged once
 * (with the request id) and never sent to the client.
 */
export function toErrorEnvelope(exception: unknown): { envelope: ErrorEnvelope; unexpected: boolean; retryAfterSeconds?: number } {
  const known = exception instanceof AppError ? exception : asServiceUnavailable(exception);
  let error: ErrorEnvelope['error'];
  let unexpected = false;
  if (known) {
    error = { statusCode: known.statusCode, name: known.name, message: known.message, data: known.data };
  } else if (exception instanceof HttpException && exception.getStatus() < 500) {
    const statusCode = exception.getStatus();
    error = { statusCode, name: NAME_BY_STATUS[statusCode] ?? 'ParameterError', message: httpExceptionMessage(exception), data: {} };
  } else if (isClientErrorFromPlugin(exception)) {
    const statusCode = exception.statusCode;
    error = { statusCode, name: NAME_BY_STATUS[statusCode] ?? 'ParameterError', message: exception.message, data: {} };
  } else {
    const generic = new UnexpectedServerError();
    error = { statusCode: generic.statusCode, name: generic.name, message: generic.message, data: {} };
    unexpected = true;
  }
  const retryAfterSeconds = known instanceof ServiceUnavailableError ? known.retryAfterSeconds : undefined;
  return { envelope: { status: 'error', error }, unexpected, retryAfterSeconds };
}

/** fastify plugins (rate limit, body parser) throw plain errors carrying a numeric 4xx statusCode. */
function isClientErrorFromPlugin(e: unknown): e is Error & { statusCode: number } {
  const statusCode = (e as { statusCode?: unknown } | null)?.statusCode;
  return e instanceof Error && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}

@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorEnvelopeFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { envelope, unexpected, retryAfterSeconds } = toErrorEnvelope(exception);
    if (unexpected) {
      this.logger.error(
        { err: exception, reqId: request?.id, method: request?.method, url: request && redactUrl(request.url) },
        'Unexpected error while handling a request',
      );
    } else if (retryAfterSeconds !== undefined) {
      this.logger.warn({ err: exception, reqId: request?.id }, envelope.error.message);
      void reply.header('retry-after', String(retryAfterSeconds));
    }
    void reply.status(envelope.error.statusCode).send(envelope);
  }
}
