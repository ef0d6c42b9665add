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

/** A REPEATABLE READ or SERIALIZABLE transaction met a concurrent change it cannot be ordered with (SQLSTATE 40001); retrying it succeeds. */
export function isSerializationFailure(error: unknown): boolean {
  return driverError(error)?.code === '40001';
}

/**
 * Why the database could not answer: it is out of reach (down, restarting, refusing connections),
 * or too busy (a lock or statement timed out, no pooled connection came free in time).
 */
export type DatabaseUnavailability = 'unreachable' | 'busy';

// SQLSTATE class 08: connection exception; 57P01–57P03: shutting down, crashed, starting up;
// 53300: too many connections
const UNREACHABLE_SQLSTATES = /^(08...|57P0[123]|53300)$/;
// 57014: statement timeout (or cancelled); 55P03: lock_timeout; 40P01: deadlock detected (one of two
// transactions locking the same rows in opposite orders, e.g. a space move and a trash of its new
// parent's tree, is rolled back: retrying it succeeds)
const BUSY_SQLSTATES = new Set(['57014', '55P03', '40P01']);
// errno codes of the socket to the database
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
// pg's own errors for a lost connection or one that did not open in time
const LOST_CONNECTION = /^(Connection terminated|Client has encountered a connection error and is not queryable)/;
// pg-pool's error when no pooled connection came free within connectionTimeoutMillis
const POOL_WAIT_TIMEOUT = 'timeout exceeded when trying to connect';

/**
 * Whether `error` means the database cannot answer for now, as opposed to a mistake in a statement:
 * thrown by TypeORM (a QueryFailedError around the driver's error), by the pool while connecting,
 * or by pg directly. Undefined for every other error.
 */
export function databaseUnavailability(error: unknown): DatabaseUnavailability | undefined {
  const cause = error instanceof QueryFailedError ? error.driverError : error;
  // not `instanceof Error`: errors node creates (a refused socket) may come from another realm
  if (typeof cause !== 'object' || cause === null) return undefined;
  const { code, message } = cause as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (BUSY_SQLSTATES.has(code)) return 'busy';
    if (UNREACHABLE_SQLSTATES.test(code) || SOCKET_ERRORS.has(code)) return 'unreachable';
  }
  if (typeof message !== 'string') return undefined;
  if (message === POOL_WAIT_TIMEOUT) return 'busy';
  if (LOST_CONNECTION.test(message)) return 'unreachable';
  return undefined;
}
