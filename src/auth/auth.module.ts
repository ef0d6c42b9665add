import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { PreparedSql } from '../database/sql.js';
import { CredentialAuthenticator } from './credential-authenticator.js';
import { LoginController } from './login.controller.js';
import { LoginService } from './login.service.js';
import { OidcController } from './oidc/oidc.controller.js';
import { OidcService } from './oidc/oidc.service.js';
import { PrincipalCache } from './principal-cache.js';
import { PrincipalLookupService } from './principal-lookup.service.js';
import { RateLimiter, RateLimitGuard, SuccessfulAttemptInterceptor } from './rate-limit.js';
import { SessionsService } from './sessions.service.js';
import { ApiKeyStrategy, SessionStrategy } from './strategies.js';

@Global()
@Module({
  imports: [PassportModule],
  controllers: [LoginController, OidcController],
  providers: [
    PreparedSql,
    PrincipalLookupService,
    PrincipalCache,
    CredentialAuthenticator,
    SessionsService,
    SessionStrategy,
    ApiKeyStrategy,
    LoginService,
    OidcService,
    RateLimiter,
    RateLimitGuard,
    SuccessfulAttemptInterceptor,
  ],
  exports: [PreparedSql, PrincipalCache, CredentialAuthenticator, SessionsService, RateLimiter, RateLimitGuard, SuccessfulAttemptInterceptor],
})
export class AuthModule {}
