import { Module } from '@nestjs/common';
import { DemoWarehouseService } from './demo-warehouse.service.js';

@Module({
  providers: [DemoWarehouseService],
  exports: [DemoWarehouseService],
})
export class DemoModule {}
