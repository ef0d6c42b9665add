import { Transform } from 'class-transformer';
import { ValidateIf } from 'class-validator';

/** Trims surrounding whitespace from a string field before it is validated. */
export const Trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/**
 * Optional, but not nullable: the property may be absent, and when present it must pass the other
 * validators. (@IsOptional() also lets `null` through, which then reaches NOT NULL columns.)
 */
export const IsOptionalNotNull = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** A repeatable query parameter: `?x=a&x=b` arrives as an array, `?x=a` as a string; both become arrays. */
export const AsArray = () => Transform(({ value }: { value: unknown }) => (value === undefined || Array.isArray(value) ? value : [value]));
