import { isISO8601, ValidateBy } from 'class-validator';

/**
 * An ISO 8601 date-time string that JavaScript can also parse: isISO8601 alone accepts forms such as
 * week dates ("2030-W01-1") that `new Date()` turns into Invalid Date.
 */
export const IsIsoDateTime = () =>
  ValidateBy({
    name: 'isIsoDateTime',
    validator: {
      validate: (value: unknown) => isISO8601(value, { strict: true }) && !Number.isNaN(Date.parse(value as string)),
      defaultMessage: (args) => `${args?.property ?? 'value'} must be an ISO 8601 date-time string`,
    },
  });
