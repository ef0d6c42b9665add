import { Module } from '@nestjs/common';
import { ContentModule } from '../content/content.module.js';
import { ContentViewsModule } from '../content-views/content-views.module.js';
import { DashboardsController } from './dashboards.controller.js';
import { DashboardsService } from './dashboards.service.js';

@Module({
  imports: [ContentModule, ContentViewsModule],
  controllers: [DashboardsController],
  providers: [DashboardsService],
  exports: [DashboardsService],
})
export class DashboardsModule {}
