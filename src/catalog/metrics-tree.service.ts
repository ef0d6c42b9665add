import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { AlreadyExistsError, NotFoundError, ParameterError } from '../common/errors.js';
import { isForeignKeyViolation, isUniqueViolation } from '../common/postgres-errors.js';
import type { MetricsTreeDto } from './dto/metrics-tree.dto.js';
import { deleteEdge, insertEdge, selectAllEdges, selectEdgesAmong, shareLockCatalogItem } from './metrics-tree.queries.js';

const EDGE_KEY = 'catalog_metrics_tree_edges_pkey';
const EDGE_NOT_FOUND = 'Metrics tree edge not found';

interface Metric {
  catalogItemId: string;
  catalogSearchUuid: string;
  name: string;
  tableName: string;
}

/**
 * The metrics tree: directed edges between metrics of a project (source → target). Edges hang on the
 * catalog items' rows, so they survive re-uploads of the explores and go with either metric when an
 * upload removes it (ON DELETE CASCADE).
 */
@Injectable()
export class MetricsTreeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Edges whose source and target are both among the given metrics. */
  async tree(access: ProjectAccess, metricUuids: string[]): Promise<MetricsTreeDto> {
    const edges = await selectEdgesAmong(this.dataSource.manager, access.projectId, access.projectUuid, metricUuids);
    return { edges };
  }

  async allEdges(access: ProjectAccess): Promise<MetricsTreeDto> {
    const edges = await selectAllEdges(this.dataSource.manager, access.projectId, access.projectUuid);
    return { edges };
  }

  /** 400 when either end is not a metric of the project or both are the same; 409 when the edge exists. */
  async createEdge(principal: Principal, access: ProjectAccess, sourceUuid: string, targetUuid: string): Promise<void> {
    if (sourceUuid.toLowerCase() === targetUuid.toLowerCase()) throw new ParameterError('A metric cannot be linked to itself');
    await this.dataSource.transaction(async (manager) => {
      const source = await this.lockMetric(manager, access, sourceUuid, 'sourceCatalogSearchUuid');
      const target = await this.lockMetric(manager, access, targetUuid, 'targetCatalogSearchUuid');
      try {
        await insertEdge(manager, source.catalogItemId, target.catalogItemId, principal.userId);
      } catch (error) {
        if (isUniqueViolation(error, EDGE_KEY)) {
          throw new AlreadyExistsError(`An edge from ${source.tableName}.${source.name} to ${target.tableName}.${target.name} already exists`);
        }
        // unreachable with the locks above; kept so a future change cannot turn a race into a 500
        if (isForeignKeyViolation(error)) throw new ParameterError('The metrics are no longer in the catalog');
        throw error;
      }
      await this.audit.record(manager, {
        action: 'catalog.metrics-tree.edge.create',
        targetType: 'catalog_item',
        targetUuid: source.catalogSearchUuid,
        details: { projectUuid: access.projectUuid, source: this.describe(source), target: this.describe(target) },
      });
    });
  }

  /** 404 when the project has no such edge (either uuid unknown, of another project, or not linked). */
  async deleteEdge(access: ProjectAccess, sourceUuid: string, targetUuid: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const deleted = await deleteEdge(manager, access.projectId, sourceUuid, targetUuid);
      if (!deleted) throw new NotFoundError(EDGE_NOT_FOUND);
      await this.audit.record(manager, {
        action: 'catalog.metrics-tree.edge.delete',
        targetType: 'catalog_item',
        targetUuid: deleted.source.catalogSearchUuid,
        details: { projectUuid: access.projectUuid, source: deleted.source, target: deleted.target, createdFrom: deleted.createdFrom },
      });
    });
  }

  /**
   * A metric of this project, locked against deletion until we commit (a concurrent upload removing it
   * waits; one that removed it first leaves nothing to find). Anything else named in the body is a 400.
   */
  private async lockMetric(manager: EntityManager, access: ProjectAccess, catalogSearchUuid: string, field: string): Promise<Metric> {
    const item = await shareLockCatalogItem(manager, access.projectId, catalogSearchUuid);
    if (!item) throw new ParameterError(`${field} ${catalogSearchUuid} is not in the catalog of the project`);
    if (item.itemType !== 'field' || item.fieldType !== 'metric') {
      throw new ParameterError(`${field} ${catalogSearchUuid} is not a metric (${item.itemType === 'table' ? 'a table' : 'a dimension'})`);
    }
    return { catalogItemId: item.catalogItemId, catalogSearchUuid: item.catalogSearchUuid, name: item.name, tableName: item.tableName };
  }

  private describe(metric: Metric): Record<string, string> {
    return { catalogSearchUuid: metric.catalogSearchUuid, name: metric.name, tableName: metric.tableName };
  }
}
