import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateError } from './errors.js';
import { holdsNul } from './storable-text.js';
import { isPlainObject } from './plain-object.js';

class RawValidationErrors extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

type FieldErrors = Record<string, { message: string; value?: unknown }>;

const EXCESS = 'whitelistValidation';

function joinPath(prefix: string, property: string): string {
  return prefix ? `${prefix}.${property}` : property;
}

/**
 * Flattens class-validator errors into the Lightdash/tsoa field map: `body.<path>` keys for the body,
 * bare names for query and path parameters. Excess properties are reported on their parent, as tsoa does.
 */
export function flattenValidationErrors(errors: ValidationError[], prefix: string): FieldErrors {
  const out: FieldErrors = {};
  const excess: Record<string, unknown> = {};
  for (const error of errors) {
    const path = joinPath(prefix, error.property);
    const constraints = error.constraints ?? {};
    if (constraints[EXCESS]) {
      excess[error.property] = error.value;
      continue;
    }
    const messages = Object.values(constraints);
    if (messages.length > 0) {
      out[path] =
        error.value === undefined
          ? { message: `'${error.property}' is required` }
          : { message: messages.join('; '), value: error.value };
    }
    if (error.children?.length) Object.assign(out, flattenValidationErrors(error.children, path));
  }
  const names = Object.keys(excess);
  if (names.length > 0) {
    const key = prefix || 'query';
    const list = names.map((n) => `"${n}"`).join(', ');
    out[key] = {
      message: `${list} ${names.length === 1 ? 'is an excess property' : 'are excess properties'} and therefore ${names.length === 1 ? 'is' : 'are'} not allowed`,
      value: excess,
    };
  }
  return out;
}

/**
 * Global validation: transforms to DTO instances, rejects unknown body properties, and answers 422
 * `ValidateError` with a field map. Unknown query parameters are dropped rather than refused, as the
 * peer API does, so clients that add their own (cache busters, newer options) keep working.
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  private readonly lenientQuery = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    transform: true,
    exceptionFactory: (errors) => new RawValidationErrors(errors),
  });

  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      exceptionFactory: (errors) => new RawValidationErrors(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      if (metadata.type === 'query') return refuseNul(await this.lenientQuery.transform(value, metadata), metadata);
      if (metadata.type === 'body' && this.expectsObject(metadata) && !isPlainObject(value)) {
        throw new ValidateError({ body: { message: 'the request body must be a JSON object', value: value ?? null } });
      }
      const transformed = await super.transform(value, metadata);
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
