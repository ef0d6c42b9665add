import { ValidateBy } from 'class-validator';

/** The project time zone rule, one implementation for every route that sets it: an IANA name the runtime knows. */
export function isTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const IsTimeZone = () =>
  ValidateBy({
    name: 'isTimeZone',
    validator: { validate: isTimeZone, defaultMessage: (args) => `${args?.property} must be an IANA time zone such as Europe/Paris` },
  });

/** The zone as the runtime names it (`europe/paris` → `Europe/Paris`), as it is stored. */
export function canonicalTimeZone(timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
}
