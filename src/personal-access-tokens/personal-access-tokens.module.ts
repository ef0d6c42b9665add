import { Module } from '@nestjs/common';
import { PersonalAccessTokensController } from './personal-access-tokens.controller.js';
import { PersonalAccessTokensService } from './personal-access-tokens.service.js';

@Module({ controllers: [PersonalAccessTokensController], providers: [PersonalAccessTokensService] })
export class PersonalAccessTokensModule {}
