import { Module } from '@nestjs/common';
import { OrganizationRolesController } from './organization-roles.controller.js';
import { ProjectRoleAssignmentsController } from './project-role-assignments.controller.js';
import { RoleAssignmentsService } from './role-assignments.service.js';
import { RolesService } from './roles.service.js';

@Module({
  controllers: [OrganizationRolesController, ProjectRoleAssignmentsController],
  providers: [RolesService, RoleAssignmentsService],
})
export class RolesModule {}
