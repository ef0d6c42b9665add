import { Module } from '@nestjs/common';
import { ProjectAccessController } from './project-access.controller.js';
import { ProjectAccessService } from './project-access.service.js';
import { ProjectsController } from './projects.controller.js';
import { ProjectsService } from './projects.service.js';

@Module({
  controllers: [ProjectsController, ProjectAccessController],
  providers: [ProjectsService, ProjectAccessService],
})
export class ProjectsModule {}
