import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateError } from './errors.js';
import { holdsNul } from './storable-text.js';
import { isPlainObject } from './plain-object.js';
import { dropUndeclaredProperties, pickDeclaredProperties } from './undeclared-properties.js';
import { uuidParamsInstance } from './uuid-params.js';
import { ValidatedQueries } from './validated-queries.js';

class RawValidationErrors extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

type FieldErrors = Record<string, { message: string; value?: unknown }>;

function joinPath(prefix: string, property: string): string {
  return prefix ? `${prefix}.${property}` : property;
}

/**
 * Flattens class-validator errors into the Lightdash/tsoa field map: `body.<path>` keys for the body,
 * bare names for query and path parameters.
 */
export function flattenValidationErrors(errors: ValidationError[], prefix: string): FieldErrors {
  const out: FieldErrors = {};
  for (const error of errors) {
    const path = joinPath(prefix, error.property);
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) {
      out[path] =
        error.value === undefined
          ? { message: `'${error.property}' is required` }
          : { message: messages.join('; '), value: error.value };
    }
    if (error.children?.length) Object.assign(out, flattenValidationErrors(error.children, path));
  }
  return out;
}

/**
 * Global validation: transforms to DTO instances and answers 422 `ValidateError` with a field map.
 * Unknown properties, of a body (at any depth) or of the query, are dropped rather than refused, as
 * the peer API does, so clients that send newer fields or their own parameters keep working.
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  private readonly lenientQuery = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    transform: true,
    exceptionFactory: (errors) => new RawValidationErrors(errors),
  });
  private readonly validatedQueries = new ValidatedQueries();

  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: false,
      forbidUnknownValues: true,
      transform: true,
      exceptionFactory: (errors) => new RawValidationErrors(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param' && metadata.metatype && !metadata.data) {
      // path parameters of uuids only: checked without the generic path (a bad one takes it, for its error)
      const params = uuidParamsInstance(metadata.metatype, value);
      if (params) return params;
    }
    try {
      if (metadata.type === 'query') {
        const key = metadata.metatype && !metadata.data ? this.validatedQueries.keyOf(value) : undefined;
        const known = key === undefined ? undefined : this.validatedQueries.get(metadata.metatype!, key);
        if (known) return known;
        const query = await this.lenientQuery.transform(value, metadata);
        dropUndeclaredProperties(query);
        refuseNul(query, metadata);
        if (key !== undefined && typeof query === 'object' && query !== null) this.validatedQueries.set(metadata.metatype!, key, query);
        return query;
      }
      if (metadata.type === 'body' && this.expectsObject(metadata)) {
        if (!isPlainObject(value)) throw new ValidateError({ body: { message: 'the request body must be a JSON object', value: value ?? null } });
        value = pickDeclaredProperties(value, metadata.metatype!);
      }
      const transformed = await super.transform(value, metadata);
      dropUndeclaredProperties(transformed);
      return metadata.type === 'param' ? refuseNul(transformed, metadata) : transformed;
    } catch (e) {
      if (e instanceof RawValidationErrors) {
        throw new ValidateError(flattenValidationErrors(e.errors, metadata.type === 'body' ? 'body' : ''));
      }
      throw e;
    }
  }

  private expectsObject(metadata: ArgumentMetadata): boolean {
    return !!metadata.metatype && this.toValidate(metadata) && !metadata.data;
  }
}

/**
 * Query and path parameters holding the NUL character, which PostgreSQL's text cannot store, are
 * refused (bodies are checked by the JSON parser). Checked after the DTO's own transforms, so a field
 * may first turn NUL into something else (a search treats it as a separator).
 */
function refuseNul(value: unknown, metadata: ArgumentMetadata): unknown {
  const fields: [string, unknown][] = isPlainObject(value) ? Object.entries(value) : [[metadata.data ?? metadata.type, value]];
  const refused: FieldErrors = {};
  for (const [name, field] of fields) {
    if (holdsNul(field)) refused[name] = { message: `${name} must not contain the NUL character`, value: field };
  }
  if (Object.keys(refused).length > 0) throw new ValidateError(refused);
  return value;
}
