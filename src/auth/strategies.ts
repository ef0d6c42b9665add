import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { CredentialAuthenticator } from './credential-authenticator.js';
import type { Principal } from './principal.js';

/** Session cookie `connect.sid` (from POST /login or registration). */
@Injectable()
export class SessionStrategy extends PassportStrategy(Strategy, 'session') {
  constructor(private readonly authenticator: CredentialAuthenticator) {
    super();
  }

  validate(request: FastifyRequest): Promise<Principal | null> {
    return this.authenticator.session(request);
  }
}

/** Personal access token in `Authorization: ApiKey <token>` (Lightdash) or `Authorization: Bearer <token>`. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly authenticator: CredentialAuthenticator) {
    super();
  }

  validate(request: FastifyRequest): Promise<Principal | null> {
    return this.authenticator.personalAccessToken(request);
  }
}
