import { Global, Module } from '@nestjs/common';
import { PreparedSql } from '../database/sql.js';
import { CredentialAuthenticator } from './credential-authenticator.js';
import { PrincipalCache } from './principal-cache.js';
import { PrincipalLookupService } from './principal-lookup.service.js';
import { RateLimiter, RateLimitGuard, SuccessfulAttemptInterceptor } from './rate-limit.js';
import { SessionsService } from './sessions.service.js';
import { RequestAuthentication } from './request-authentication.js';

@Global()
@Module({
  providers: [
    PreparedSql,
    PrincipalLookupService,
    PrincipalCache,
    CredentialAuthenticator,
    SessionsService,
    RequestAuthentication,
    RateLimiter,
    RateLimitGuard,
    SuccessfulAttemptInterceptor,
  ],
  exports: [PreparedSql, PrincipalCache, CredentialAuthenticator, RequestAuthentication, SessionsService, RateLimiter, RateLimitGuard, SuccessfulAttemptInterceptor],
})
export class AuthModule {}
