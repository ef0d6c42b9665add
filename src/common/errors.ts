import { boundedEcho, truncate } from './bounded-echo.js';

/**
 * The error classes of the API. Each maps 1:1 to the Lightdash error envelope
 * `{status:"error", error:{statusCode, name, message, data}}`; services throw these and
 * the global exception filter writes them out unchanged.
 */
export type ErrorData = Record<string, unknown>;

export abstract class AppError extends Error {
  abstract readonly statusCode: number;
  readonly data: ErrorData;

  protected constructor(name: string, message: string, data: ErrorData = {}) {
    super(message);
    this.name = name;
    this.data = data;
  }
}

export class ParameterError extends AppError {
  readonly statusCode = 400;
  constructor(message = 'Incorrect parameters', data: ErrorData = {}) {
    super('ParameterError', message, data);
  }
}

/** A warehouse connection test failed; the message is the driver's. */
export class WarehouseConnectionError extends AppError {
  readonly statusCode = 400;
  constructor(message: string, data: ErrorData = {}) {
    super('WarehouseConnectionError', message, data);
  }
}

/** The warehouse refused or failed a statement; the message is PostgreSQL's (never network detail). */
export class WarehouseQueryError extends AppError {
  readonly statusCode = 400;
  constructor(message: string, data: ErrorData = {}) {
    super('WarehouseQueryError', message, data);
  }
}

/** The project needs the caller's own warehouse credentials and they have none for its warehouse type. */
export class MissingWarehouseCredentialsError extends AppError {
  readonly statusCode = 400;
  constructor(message = "You don't have warehouse credentials set up for this project. Add your credentials in your user settings.") {
    super('MissingWarehouseCredentialsError', message);
  }
}

export class NotSupportedError extends AppError {
  readonly statusCode = 400;
  constructor(message: string, data: ErrorData = {}) {
    super('NotSupportedError', message, data);
  }
}

/** The request wrote SQL (table calculations, custom SQL dimensions or metrics) and the caller may not run SQL. */
export class CustomSqlQueryForbiddenError extends AppError {
  readonly statusCode = 403;
  constructor(message: string, data: ErrorData = {}) {
    super('CustomSqlQueryForbiddenError', message, data);
  }
}

export class AuthorizationError extends AppError {
  readonly statusCode = 401;
  constructor(message = "You don't have authorization to perform this action", data: ErrorData = {}) {
    super('AuthorizationError', message, data);
  }
}

export class ForbiddenError extends AppError {
  readonly statusCode = 403;
  constructor(message = "You don't have access to this resource or action", data: ErrorData = {}) {
    super('ForbiddenError', message, data);
  }
}

export class NotFoundError extends AppError {
  readonly statusCode = 404;
  constructor(message: string, data: ErrorData = {}) {
    super('NotFoundError', message, data);
  }
}

/** The results of an asynchronous query are past their expiry (QUERY_RESULTS_TTL_MINUTES). */
export class ResultsExpiredError extends AppError {
  readonly statusCode = 404;
  constructor(message = 'Your results have expired. Please refresh the page or re-run the query.') {
    super('ResultsExpiredError', message);
  }
}

export class ExpiredError extends AppError {
  readonly statusCode = 406;
  constructor(message: string, data: ErrorData = {}) {
    super('ExpiredError', message, data);
  }
}

export class AlreadyExistsError extends AppError {
  readonly statusCode = 409;
  constructor(message: string, data: ErrorData = {}) {
    super('AlreadyExistsError', message, data);
  }
}

/** The request conflicts with the current state of the object (e.g. restoring into a space that is in the trash). */
export class ConflictError extends AppError {
  readonly statusCode = 409;
  constructor(message: string, data: ErrorData = {}) {
    super('ConflictError', message, data);
  }
}

/**
 * Request validation failure: `data` maps a field path (`body.name`, `page`) to `{message, value?}`.
 * What it repeats from the request is bounded (paths and messages cut, values cut or described), so
 * an error never carries an unbounded part of a body.
 */
export class ValidateError extends AppError {
  readonly statusCode = 422;
  constructor(data: ErrorData, message = '') {
    super('ValidateError', message, boundFieldErrors(data));
  }
}

/** Room for a path through two names of 255 bytes (explores: `body.0.tables.<table>.dimensions.<field>`). */
const MAX_PATH_CHARS = 1000;
const MAX_MESSAGE_CHARS = 1000;

function boundFieldErrors(data: ErrorData): ErrorData {
  const bounded: ErrorData = {};
  for (const [path, entry] of Object.entries(data)) {
    if (typeof entry !== 'object' || entry === null) {
      bounded[truncate(path, MAX_PATH_CHARS)] = boundedEcho(entry);
      continue;
    }
    const { message, value, ...rest } = entry as { message?: unknown; value?: unknown };
    bounded[truncate(path, MAX_PATH_CHARS)] = {
      ...rest,
      ...(message === undefined ? {} : { message: typeof message === 'string' ? truncate(message, MAX_MESSAGE_CHARS) : message }),
      ...('value' in entry ? { value: boundedEcho(value) } : {}),
    };
  }
  return bounded;
}

/** A body over a bound of its size or shape (bytes, nesting, keys, array items). */
export class PayloadTooLargeError extends AppError {
  readonly statusCode = 413;
  constructor(message: string) {
    super('PayloadTooLargeError', message);
  }
}

/** A body in a content type the route does not take. */
export class UnsupportedMediaTypeError extends AppError {
  readonly statusCode = 415;
  constructor(message: string) {
    super('UnsupportedMediaTypeError', message);
  }
}

export class PaginationError extends AppError {
  readonly statusCode = 422;
  constructor(message: string) {
    super('PaginationError', message);
  }
}

export class TooManyRequestsError extends AppError {
  readonly statusCode = 429;
  constructor(message = 'Too many requests, please retry later') {
    super('TooManyRequestsError', message);
  }
}

export class UnexpectedServerError extends AppError {
  readonly statusCode = 500;
  constructor(message = 'Something went wrong.') {
    super('UnexpectedServerError', message);
  }
}

/** Something the answer needs (the database) cannot answer for now; the client may retry after `retryAfterSeconds`. */
export class ServiceUnavailableError extends AppError {
  readonly statusCode = 503;
  constructor(
    message = 'The service is temporarily unavailable, please retry later',
    readonly retryAfterSeconds = 5,
  ) {
    super('ServiceUnavailable', message);
  }
}
