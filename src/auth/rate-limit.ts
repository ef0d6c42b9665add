import {
  applyDecorators,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  SetMetadata,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { from, mergeMap, type Observable } from 'rxjs';
import { TooManyRequestsError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { requestContextOf } from './request-context.js';
import { PreparedSql } from '../database/sql.js';

const RATE_LIMIT = 'rateLimit';
/** How long each login attempt on an account waits once that account is over AUTH_LOGIN_SLOWDOWN_AFTER. */
export const LOGIN_SLOWDOWN_MS = 1_000;
const PRUNE_EVERY_MS = 60_000;

type RateLimitedRequest = FastifyRequest;

interface RateLimitOptions {
  /** Requests of the same route family share a budget (login, registration, passcodes). */
  bucket: string;
  /** The account a request is about: the body's email, or the authenticated user. */
  account: (request: RateLimitedRequest) => string | undefined;
  /**
   * Login: the account is limited per client address and only for attempts that fail (a success
   * gives its attempt back), and over all addresses only by a delay, so that failures from one
   * address never lock the owner out of their account from another.
   */
  failuresOnly?: boolean;
}

/** A counted key with its limit and what exceeding it does. */
interface CountedKey {
  key: Buffer;
  limit: number;
  over: 'refuse' | 'slow down';
}

interface CounterRow {
  key: Buffer;
  count: number;
  retryAfter: number;
  windowStart: Date;
}

/** What the guard counted for a login, to give back if the attempt succeeds. */
type CountedAttempt = { keys: Buffer[]; windowStart: Date };

declare module './request-context.js' {
  interface RequestContext {
    /** a failures-only rate-limited attempt, counted against its account until it succeeds */
    loginAttempt?: CountedAttempt;
  }
}

/** Keys are digests: fixed size (the email comes from a body not validated yet) and no addresses or emails stored. */
function counterKey(...parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

/**
 * Fixed one-minute windows counted in PostgreSQL (`rate_limit_counters`), so every replica counts
 * into the same budget: three replicas do not give a client three times the attempts. The window is
 * the database's clock, the same for all replicas.
 */
@Injectable()
export class RateLimiter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimiter.name);
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(private readonly sql: PreparedSql) {}

  /** Counts a hit on every key in one statement; the count of each key in the current window. */
  async hit(keys: Buffer[]): Promise<CounterRow[]> {
    return this.sql.rows<CounterRow>(
      'rate-limit-hit',
      // sorted, so that two statements sharing keys lock them in the same order
      `INSERT INTO rate_limit_counters AS c (key, window_start, count)
       SELECT k.key, to_timestamp(floor(extract(epoch FROM now()) / 60) * 60), 1
       FROM (SELECT DISTINCT unnest($1::bytea[]) AS key ORDER BY 1) k
       ON CONFLICT (key, window_start) DO UPDATE SET count = c.count + 1
       RETURNING key, count, window_start AS "windowStart",
         greatest(1, ceil(extract(epoch FROM window_start + interval '1 minute' - now())))::int AS "retryAfter"`,
      [keys],
    );
  }

  /** Takes back one hit of each key in the window it was counted in. */
  async giveBack(keys: Buffer[], windowStart: Date): Promise<void> {
    await this.sql.rows(
      'rate-limit-give-back',
      `UPDATE rate_limit_counters SET count = count - 1 WHERE key = ANY($1::bytea[]) AND window_start = $2 AND count > 0`,
      [keys, windowStart],
    );
  }

  /** Windows that ended more than a minute ago count for nothing. */
  async prune(): Promise<void> {
    await this.sql.rows('rate-limit-prune', `DELETE FROM rate_limit_counters WHERE window_start < now() - interval '2 minutes'`, []);
  }

  onApplicationBootstrap(): void {
    this.pruneTimer = setInterval(() => {
      this.prune().catch((error: Error) => this.logger.warn(`pruning rate limit counters failed: ${error.message}`));
    }, PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.pruneTimer);
  }
}

@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const options = this.reflector.get<RateLimitOptions>(RATE_LIMIT, context.getHandler());
    const request = context.switchToHttp().getRequest<RateLimitedRequest>();
    const account = options.account(request)?.trim().toLowerCase();
    const address: CountedKey = { key: counterKey(options.bucket, 'address', request.ip), limit: this.config.authRateLimitPerIp, over: 'refuse' };
    const accountKeys: CountedKey[] = !account
      ? []
      : options.failuresOnly
        ? [
            { key: counterKey(options.bucket, 'account+address', account, request.ip), limit: this.config.authRateLimitPerAccount, over: 'refuse' },
            { key: counterKey(options.bucket, 'account', account), limit: this.config.authLoginSlowdownAfter, over: 'slow down' },
          ]
        : [{ key: counterKey(options.bucket, 'account', account), limit: this.config.authRateLimitPerAccount, over: 'refuse' }];
    const counted = [address, ...accountKeys];

    const rows = await this.limiter.hit(counted.map(({ key }) => key));
    const countOf = (key: Buffer) => rows.find((row) => row.key.equals(key))!;
    const exceeded = (over: CountedKey['over']) => counted.filter((each) => each.over === over && countOf(each.key).count > each.limit);
    const refusals = exceeded('refuse');
    if (refusals.length > 0) {
      const wait = Math.max(...refusals.map(({ key }) => countOf(key).retryAfter));
      context.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(wait));
      throw new TooManyRequestsError(`Too many requests, retry in ${wait} seconds`);
    }
    if (options.failuresOnly && accountKeys.length > 0) {
      const attempt: CountedAttempt = { keys: accountKeys.map(({ key }) => key), windowStart: rows[0].windowStart };
      requestContextOf(request).loginAttempt = attempt;
    }
    if (exceeded('slow down').length > 0) await sleep(LOGIN_SLOWDOWN_MS);
    return true;
  }
}

/** Gives a successful login's attempt back to its account counters: only failures count against them. */
@Injectable()
export class SuccessfulAttemptInterceptor implements NestInterceptor {
  constructor(private readonly limiter: RateLimiter) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const attempt = requestContextOf(context.switchToHttp().getRequest<FastifyRequest>()).loginAttempt;
    if (!attempt) return next.handle();
    return next.handle().pipe(mergeMap((result) => from(this.limiter.giveBack(attempt.keys, attempt.windowStart).then(() => result))));
  }
}

/**
 * Limits a route per client address (AUTH_RATE_LIMIT_PER_IP requests a minute) and per account
 * (AUTH_RATE_LIMIT_PER_ACCOUNT requests a minute; with `failuresOnly`, failed attempts a minute per
 * account and address, plus a delay once the account as a whole is over AUTH_LOGIN_SLOWDOWN_AFTER).
 */
export const RateLimited = (bucket: string, account: RateLimitOptions['account'], options: { failuresOnly?: boolean } = {}) =>
  applyDecorators(
    SetMetadata(RATE_LIMIT, { bucket, account, ...options } satisfies RateLimitOptions),
    UseGuards(RateLimitGuard),
    ...(options.failuresOnly ? [UseInterceptors(SuccessfulAttemptInterceptor)] : []),
    ApiTooManyRequestsResponse({
      description: options.failuresOnly
        ? 'Rate limit exceeded (per client address, and failed attempts per account and client address, per minute)'
        : 'Rate limit exceeded (per client address and per account, per minute)',
    }),
  );

export const emailFromBody = (request: FastifyRequest): string | undefined => {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email : undefined;
};
