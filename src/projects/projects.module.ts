import { Module } from '@nestjs/common';
import { WarehouseConnectionTester } from '../connections/warehouse-connection-tester.js';
import { EffectiveProjectAccessController } from './effective-project-access.controller.js';
import { EffectiveProjectAccessService } from './effective-project-access.service.js';
import { GroupProjectAccessController } from './group-project-access.controller.js';
import { GroupProjectAccessService } from './group-project-access.service.js';
import { ProjectAccessController } from './project-access.controller.js';
import { ProjectAccessService } from './project-access.service.js';
import { ProjectPreviewService } from './project-preview.service.js';
import { ProjectSettingsController } from './project-settings.controller.js';
import { ProjectSettingsService } from './project-settings.service.js';
import { ProjectUserCredentialsController } from './project-user-credentials.controller.js';
import { ProjectUserCredentialsService } from './project-user-credentials.service.js';
import { ProjectsController } from './projects.controller.js';
import { ProjectsService } from './projects.service.js';

@Module({
  controllers: [ProjectsController, ProjectAccessController, GroupProjectAccessController, EffectiveProjectAccessController, ProjectSettingsController, ProjectUserCredentialsController],
  providers: [ProjectsService, ProjectPreviewService, ProjectAccessService, GroupProjectAccessService, EffectiveProjectAccessService, ProjectSettingsService, ProjectUserCredentialsService, WarehouseConnectionTester],
})
export class ProjectsModule {}
