import { Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ValidateError } from '../common/errors.js';
import { dropUndeclaredProperties, pickDeclaredProperties } from '../common/undeclared-properties.js';
import { flattenValidationErrors } from '../common/validation.pipe.js';
import { DashboardRenameDto } from './dto/dashboard.dto.js';

const MAX_ITEMS = 500;

/** The body of PATCH /projects/{p}/dashboards is an array, which the global pipe does not validate: each item is checked here, with the same rules (unknown properties dropped). */
@Injectable()
export class DashboardRenamesPipe implements PipeTransform<unknown, Promise<DashboardRenameDto[]>> {
  async transform(value: unknown): Promise<DashboardRenameDto[]> {
    if (!Array.isArray(value)) throw new ValidateError({ body: { message: 'the request body must be an array', value: value ?? null } });
    if (value.length > MAX_ITEMS) throw new ValidateError({ body: { message: `at most ${MAX_ITEMS} dashboards at a time` } });
    const errors: Record<string, unknown> = {};
    const items = await Promise.all(
      value.map(async (item, index) => {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
          errors[`body.${index}`] = { message: 'must be an object', value: item };
          return undefined;
        }
        const dto = plainToInstance(DashboardRenameDto, pickDeclaredProperties(item, DashboardRenameDto));
        const itemErrors = await validate(dto, { whitelist: true, forbidUnknownValues: true });
        Object.assign(errors, flattenValidationErrors(itemErrors, `body.${index}`));
        dropUndeclaredProperties(dto);
        return dto;
      }),
    );
    if (Object.keys(errors).length) throw new ValidateError(errors);
    return items as DashboardRenameDto[];
  }
}
