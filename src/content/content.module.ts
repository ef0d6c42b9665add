import { Module } from '@nestjs/common';
import { ContentTrashService } from './content-trash.service.js';
import { ContentController } from './content.controller.js';
import { ContentService } from './content.service.js';
import { TrashPurgeService } from './trash-purge.service.js';

/** The v2 content API and the trash; the v1 space, chart and dashboard deletes use ContentTrashService. */
@Module({
  controllers: [ContentController],
  providers: [ContentService, ContentTrashService, TrashPurgeService],
  exports: [ContentTrashService],
})
export class ContentModule {}
