import { Module } from '@nestjs/common';
import { DemoModule } from '../demo/demo.module.js';
import { InvitesController } from './invites.controller.js';
import { InvitesService } from './invites.service.js';
import { MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';
import { OrganizationsController } from './organizations.controller.js';
import { OrganizationsService } from './organizations.service.js';

@Module({
  imports: [DemoModule],
  controllers: [OrganizationsController, MembersController, InvitesController],
  providers: [OrganizationsService, MembersService, InvitesService],
  exports: [InvitesService],
})
export class OrganizationsModule {}
