import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAction } from '../audit/audit-action.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { RequirePermission, ResolvedAccess } from '../authorization/route-access.decorator.js';
import { ProjectParamsDto } from '../projects/dto/project.dto.js';
import { CreateMetricsTreeEdgeDto, MetricsTreeBodyDto, MetricsTreeDto, MetricsTreeEdgeParamsDto, MetricsTreeQueryDto } from './dto/metrics-tree.dto.js';
import { MetricsTreeService } from './metrics-tree.service.js';

const PROJECT = { type: 'project', param: 'projectUuid' } as const;

/** The metrics tree: directed edges between metrics of the project's catalog. */
@ApiTags('Catalog')
@Controller('projects/:projectUuid/dataCatalog')
export class MetricsTreeController {
  constructor(private readonly metricsTree: MetricsTreeService) {}

  @Get('metrics/tree')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({
    operationId: 'getMetricsTreeLegacy',
    summary: 'Edges between the given metrics (`?metricUuids=a&metricUuids=b`): those whose source and target are both among them',
  })
  @ApiOkResponse({ type: MetricsTreeDto })
  treeLegacy(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @Query() query: MetricsTreeQueryDto): Promise<MetricsTreeDto> {
    return this.metricsTree.tree(access, query.metricUuids);
  }

  @Post('metrics/tree')
  @HttpCode(200)
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'getMetricsTree', summary: 'Edges between the given metrics: those whose source and target are both among them (a read)' })
  @ApiOkResponse({ type: MetricsTreeDto })
  tree(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess, @Body() body: MetricsTreeBodyDto): Promise<MetricsTreeDto> {
    return this.metricsTree.tree(access, body.metricUuids);
  }

  @Get('metrics/tree/edges')
  @RequirePermission('project:view', PROJECT)
  @ApiOperation({ operationId: 'getAllMetricsTreeEdges', summary: 'Every edge of the metrics tree of the project' })
  @ApiOkResponse({ type: MetricsTreeDto })
  allEdges(@Param() _params: ProjectParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<MetricsTreeDto> {
    return this.metricsTree.allEdges(access);
  }

  @Post('metrics/tree/edges')
  @HttpCode(200)
  @RequirePermission('project:edit', PROJECT)
  @AuditAction('catalog.metrics-tree.edge.create', 'catalog_item')
  @ApiOperation({
    operationId: 'createMetricsTreeEdge',
    summary: 'Link two metrics of the project (400 when either is not a metric of the project or both are the same; 409 when linked already)',
  })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  createEdge(
    @Param() _params: ProjectParamsDto,
    @CurrentPrincipal() principal: Principal,
    @ResolvedAccess() access: ProjectAccess,
    @Body() body: CreateMetricsTreeEdgeDto,
  ): Promise<void> {
    return this.metricsTree.createEdge(principal, access, body.sourceCatalogSearchUuid, body.targetCatalogSearchUuid);
  }

  @Delete('metrics/tree/edges/:sourceCatalogSearchUuid/:targetCatalogSearchUuid')
  @RequirePermission('project:edit', PROJECT)
  @AuditAction('catalog.metrics-tree.edge.delete', 'catalog_item', 'sourceCatalogSearchUuid')
  @ApiOperation({ operationId: 'deleteMetricsTreeEdge', summary: 'Unlink two metrics (404 when the project has no such edge)' })
  @ApiOkResponse({ description: '`{"status":"ok"}`' })
  deleteEdge(@Param() params: MetricsTreeEdgeParamsDto, @ResolvedAccess() access: ProjectAccess): Promise<void> {
    return this.metricsTree.deleteEdge(access, params.sourceCatalogSearchUuid, params.targetCatalogSearchUuid);
  }
}
