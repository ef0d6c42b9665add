import { AppError, type ErrorData } from '../../common/errors.js';

/**
 * A MetricQuery that cannot be compiled against its explore: a bad value, an unsupported operator,
 * a filter on the wrong kind of field. `data.field` names the field id (or the request path) at
 * fault, so a client can point at it. A 400, like Lightdash's CompileError.
 */
export class CompileError extends AppError {
  readonly statusCode = 400;
  readonly field: string;

  constructor(message: string, field: string, data: ErrorData = {}, name = 'CompileError') {
    super(name, message, { field, ...data });
    this.field = field;
  }
}

/** A field id that the explore, the custom fields or the query's selection does not have (Lightdash's FieldReferenceError). */
export class FieldReferenceError extends CompileError {
  constructor(message: string, field: string, data: ErrorData = {}) {
    super(message, field, data, 'FieldReferenceError');
  }
}
