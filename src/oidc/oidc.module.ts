import { Module } from '@nestjs/common';
import { OidcController } from './oidc.controller.js';
import { OidcService } from './oidc.service.js';

/**
 * Single sign-on: signs a provider's identity in as a user, creating or linking the account. A
 * domain module above auth (it starts sessions) and beside users, organizations and email domains
 * (it creates accounts and joins them to organizations), so authentication never depends on them.
 */
@Module({ controllers: [OidcController], providers: [OidcService] })
export class OidcModule {}
