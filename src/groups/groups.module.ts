import { Module } from '@nestjs/common';
import { GroupsController } from './groups.controller.js';
import { GroupsService } from './groups.service.js';
import { OrganizationGroupsController } from './organization-groups.controller.js';

@Module({
  controllers: [OrganizationGroupsController, GroupsController],
  providers: [GroupsService],
  exports: [GroupsService],
})
export class GroupsModule {}
