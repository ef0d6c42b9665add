import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { AuthorizationError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import type { Principal } from './principal.js';
import { PrincipalLookupService } from './principal-lookup.service.js';
import { SESSION_COOKIE } from './tokens.js';

/** The session token of a request, when its session was just extended and the cookie must follow. */
export const REFRESHED_SESSION_TOKEN = Symbol('refreshedSessionToken');

/** Session cookie `connect.sid` (from POST /login or registration). */
@Injectable()
export class SessionStrategy extends PassportStrategy(Strategy, 'session') {
  constructor(
    private readonly lookup: PrincipalLookupService,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | null> {
    const token = request.cookies?.[SESSION_COOKIE];
    if (!token || token.length > 128) return null;
    const found = await this.lookup.bySessionToken(token, this.config.sessionMaxAgeHours);
    if (!found) return null;
    if (found.refreshed) (request as unknown as Record<symbol, string>)[REFRESHED_SESSION_TOKEN] = token;
    return found.principal;
  }
}

const AUTHORIZATION = /^(ApiKey|Bearer)\s+(\S+)\s*$/i;

/** Personal access token in `Authorization: ApiKey <token>` (Lightdash) or `Authorization: Bearer <token>`. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly lookup: PrincipalLookupService) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (!header) return null;
    const match = AUTHORIZATION.exec(header);
    if (!match) throw new AuthorizationError('Unsupported authorization scheme: use "ApiKey <token>" or "Bearer <token>"');
    const principal = match[2].length <= 128 ? await this.lookup.byPersonalAccessToken(match[2]) : null;
    if (!principal) throw new AuthorizationError('Personal access token is not recognised');
    return principal;
  }
}
