import { Module } from '@nestjs/common';
import { ProjectSpacesController, SpacesController } from './spaces.controller.js';
import { SpacesService } from './spaces.service.js';

@Module({
  controllers: [ProjectSpacesController, SpacesController],
  providers: [SpacesService],
})
export class SpacesModule {}
