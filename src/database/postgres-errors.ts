import { QueryFailedError } from 'typeorm';

function driverError(error: unknown): { code?: string; constraint?: string } | undefined {
  return error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
}

/** A unique constraint refused the row (SQLSTATE 23505), optionally a given constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = driverError(error);
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/** A foreign key refused the row (SQLSTATE 23503), optionally a given constraint. */
export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  const e = driverError(error);
  return e?.code === '23503' && (constraint === undefined || e.constraint === constraint);
}
