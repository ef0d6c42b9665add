import { Module } from '@nestjs/common';
import { InviteAcceptanceService } from './invite-acceptance.service.js';
import { LoginController } from './login.controller.js';
import { LoginService } from './login.service.js';
import { UserController } from './user.controller.js';
import { UsersService } from './users.service.js';

@Module({ controllers: [LoginController, UserController], providers: [UsersService, LoginService, InviteAcceptanceService], exports: [UsersService] })
export class UsersModule {}
