import { applyDecorators, type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TooManyRequestsError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import type { Principal } from './principal.js';

const WINDOW_MS = 60_000;
const RATE_LIMIT = 'rateLimit';

interface RateLimitOptions {
  /** Requests of the same route family share a budget (login, registration, passcodes). */
  bucket: string;
  /** The account a request is about: the body's email, or the authenticated user. */
  account: (request: FastifyRequest & { user?: Principal }) => string | undefined;
}

/** Fixed one-minute windows kept in memory (per server process). */
@Injectable()
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  /** Counts a hit; returns the seconds to wait when over the limit, else 0. */
  hit(key: string, limit: number, now = Date.now()): number {
    if (this.windows.size > 50_000) this.prune(now);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + WINDOW_MS };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count > limit ? Math.ceil((window.resetAt - now) / 1000) : 0;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const options = this.reflector.get<RateLimitOptions>(RATE_LIMIT, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const account = options.account(request)?.trim().toLowerCase();
    const waits = [this.limiter.hit(`${options.bucket}|ip|${request.ip}`, this.config.authRateLimitPerIp)];
    if (account) waits.push(this.limiter.hit(`${options.bucket}|account|${account}`, this.config.authRateLimitPerAccount));
    const wait = Math.max(...waits);
    if (wait > 0) {
      context.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(wait));
      throw new TooManyRequestsError(`Too many requests, retry in ${wait} seconds`);
    }
    return true;
  }
}

/** Limits a route per client address and per account (AUTH_RATE_LIMIT_PER_IP / _PER_ACCOUNT a minute). */
export const RateLimited = (bucket: string, account: RateLimitOptions['account']) =>
  applyDecorators(
    SetMetadata(RATE_LIMIT, { bucket, account } satisfies RateLimitOptions),
    UseGuards(RateLimitGuard),
    ApiTooManyRequestsResponse({ description: 'Rate limit exceeded (per client address and per account, per minute)' }),
  );

export const emailFromBody = (request: FastifyRequest): string | undefined => {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email : undefined;
};
