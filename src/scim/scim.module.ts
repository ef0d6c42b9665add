import { Module } from '@nestjs/common';
import { GroupsModule } from '../groups/groups.module.js';
import { ScimDiscoveryController } from './scim-discovery.controller.js';
import { ScimGroupsController } from './scim-groups.controller.js';
import { ScimGroupsService } from './scim-groups.service.js';
import { ScimTokensController } from './scim-tokens.controller.js';
import { ScimTokensService } from './scim-tokens.service.js';
import { ScimUsersController } from './scim-users.controller.js';
import { ScimUsersService } from './scim-users.service.js';

/** SCIM 2.0 provisioning (RFC 7643/7644) under /api/v1/scim/v2, and the organization's SCIM tokens. */
@Module({
  imports: [GroupsModule],
  controllers: [ScimTokensController, ScimDiscoveryController, ScimUsersController, ScimGroupsController],
  providers: [ScimTokensService, ScimUsersService, ScimGroupsService],
})
export class ScimModule {}
