import { Global, Module } from '@nestjs/common';
import { AccessService } from './access.service.js';
import { Authorizer } from './authorizer.js';

@Global()
@Module({ providers: [AccessService, Authorizer], exports: [AccessService, Authorizer] })
export class AuthorizationModule {}
