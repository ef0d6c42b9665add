import { Injectable, type PipeTransform, type Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ValidateError } from './errors.js';
import { dropUndeclaredProperties, pickDeclaredProperties } from './undeclared-properties.js';
import { flattenValidationErrors } from './validation.pipe.js';

/**
 * A pipe for a body that is an array of `itemClass` (the global pipe validates objects only): each
 * item checked with the same rules, unknown properties dropped; at most `maxItems` of them.
 */
export function ArrayBodyPipe<T extends object>(itemClass: Type<T>, maxItems: number): Type<PipeTransform<unknown, Promise<T[]>>> {
  @Injectable()
  class ArrayBody implements PipeTransform<unknown, Promise<T[]>> {
    async transform(value: unknown): Promise<T[]> {
      if (!Array.isArray(value)) throw new ValidateError({ body: { message: 'the request body must be an array', value: value ?? null } });
      if (value.length > maxItems) throw new ValidateError({ body: { message: `at most ${maxItems} items at a time` } });
      const errors: Record<string, unknown> = {};
      const items = await Promise.all(
        value.map(async (item, index) => {
          if (typeof item !== 'object' || item === null || Array.isArray(item)) {
            errors[`body.${index}`] = { message: 'must be an object', value: item };
            return undefined;
          }
          const dto = plainToInstance(itemClass, pickDeclaredProperties(item, itemClass));
          Object.assign(errors, flattenValidationErrors(await validate(dto, { whitelist: true, forbidUnknownValues: true }), `body.${index}`));
          dropUndeclaredProperties(dto);
          return dto;
        }),
      );
      if (Object.keys(errors).length) throw new ValidateError(errors);
      return items as T[];
    }
  }
  return ArrayBody;
}
