import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/public.decorator.js';
import { RateLimited } from '../auth/rate-limit.js';
import { OIDC_CALLBACK_PATH, OIDC_LOGIN_PATH, OidcService } from './oidc.service.js';

@ApiTags('My Account')
@Controller()
export class OidcController {
  constructor(private readonly oidc: OidcService) {}

  @Public()
  @Get(OIDC_LOGIN_PATH.slice(1))
  @RateLimited('oidc', () => undefined)
  @ApiOperation({ operationId: 'loginOidc', summary: 'Start single sign-on: redirects to the OpenID Connect provider' })
  @ApiFoundResponse({ description: 'Redirect to the provider' })
  login(@Res() reply: FastifyReply): Promise<void> {
    return this.oidc.start(reply);
  }

  @Public()
  @Get(OIDC_CALLBACK_PATH.slice(1))
  @RateLimited('oidc', () => undefined)
  @ApiOperation({ operationId: 'oidcRedirect', summary: 'The provider returns here; starts the session (cookie connect.sid) and redirects to the site' })
  @ApiFoundResponse({ description: 'Signed in: redirect to SITE_URL' })
  @ApiUnauthorizedResponse({ description: 'The sign-in was refused (state, nonce, PKCE, or the provider)' })
  callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.oidc.callback(request, reply);
  }
}
