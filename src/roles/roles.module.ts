import { Module } from '@nestjs/common';
import { OrganizationRolesController, RolesAsCodeController } from './organization-roles.controller.js';
import { ProjectRoleAssignmentsController } from './project-role-assignments.controller.js';
import { RoleAssignmentsService } from './role-assignments.service.js';
import { RolesAsCodeService } from './roles-as-code.service.js';
import { RolesService } from './roles.service.js';

@Module({
  controllers: [OrganizationRolesController, RolesAsCodeController, ProjectRoleAssignmentsController],
  providers: [RolesService, RoleAssignmentsService, RolesAsCodeService],
})
export class RolesModule {}
