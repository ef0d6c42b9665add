import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { UserController } from './user.controller.js';
import { UsersService } from './users.service.js';

@Module({ imports: [OrganizationsModule], controllers: [UserController], providers: [UsersService], exports: [UsersService] })
export class UsersModule {}
