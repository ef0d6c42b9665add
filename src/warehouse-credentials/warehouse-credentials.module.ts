import { Module } from '@nestjs/common';
import { WarehouseCredentialsController } from './warehouse-credentials.controller.js';
import { WarehouseCredentialsService } from './warehouse-credentials.service.js';

@Module({ controllers: [WarehouseCredentialsController], providers: [WarehouseCredentialsService] })
export class WarehouseCredentialsModule {}
