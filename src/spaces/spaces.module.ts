import { Module } from '@nestjs/common';
import { ContentModule } from '../content/content.module.js';
import { ProjectSpacesController, SpacesController } from './spaces.controller.js';
import { SpacesService } from './spaces.service.js';

@Module({
  imports: [ContentModule],
  controllers: [ProjectSpacesController, SpacesController],
  providers: [SpacesService],
})
export class SpacesModule {}
