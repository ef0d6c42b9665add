import { Module } from '@nestjs/common';
import { WarehousesModule } from '../warehouses/warehouses.module.js';
import { AsyncQueriesController } from './async-queries.controller.js';
import { AsyncQueriesService } from './async-queries.service.js';
import { CsvExportService } from './csv-export.service.js';
import { CsvJobsController, QueriesController } from './queries.controller.js';
import { QueriesService } from './queries.service.js';

@Module({
  imports: [WarehousesModule],
  controllers: [QueriesController, CsvJobsController, AsyncQueriesController],
  providers: [QueriesService, AsyncQueriesService, CsvExportService],
})
export class QueriesModule {}
