import { Module } from '@nestjs/common';
import { CatalogController } from './catalog.controller.js';
import { CatalogService } from './catalog.service.js';
import { CatalogCurationController } from './catalog-curation.controller.js';
import { CatalogCurationService } from './catalog-curation.service.js';
import { MetricsTreeController } from './metrics-tree.controller.js';
import { MetricsTreeService } from './metrics-tree.service.js';

/** The data catalog built from uploaded explores: search and browsing, curation, the metrics tree. */
@Module({
  controllers: [CatalogController, CatalogCurationController, MetricsTreeController],
  providers: [CatalogService, CatalogCurationService, MetricsTreeService],
})
export class CatalogModule {}
