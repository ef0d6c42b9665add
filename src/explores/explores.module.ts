import { Module } from '@nestjs/common';
import { ExploresController } from './explores.controller.js';
import { ExploresService } from './explores.service.js';

@Module({
  controllers: [ExploresController],
  providers: [ExploresService],
})
export class ExploresModule {}
