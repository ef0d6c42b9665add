import { Controller } from '@nestjs/common';

@Controller('projects/:projectUuid/dataCatalog')
export class CatalogController {}
