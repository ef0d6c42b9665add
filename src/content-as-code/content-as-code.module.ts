import { Module } from '@nestjs/common';
import { ChartsModule } from '../charts/charts.module.js';
import { DashboardsModule } from '../dashboards/dashboards.module.js';
import { ContentAsCodeController } from './content-as-code.controller.js';
import { ContentAsCodeService } from './content-as-code.service.js';

@Module({
  imports: [ChartsModule, DashboardsModule],
  controllers: [ContentAsCodeController],
  providers: [ContentAsCodeService],
})
export class ContentAsCodeModule {}
