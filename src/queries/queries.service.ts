import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { NotFoundError, ParameterError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { dimensionTypeOfName } from '../warehouses/warehouse-types.js';
import { type ResultFields, WarehouseService } from '../warehouses/warehouse.service.js';
import { totalQuery } from './async-queries.service.js';
import { prepareMetricQuery } from './metric-queries.js';
import { selectChartCustomMetrics } from './queries.queries.js';
import { inlineParameters } from './result-format.js';
import { selectWarehouseColumns, selectWarehouseTables } from './sql-runner.queries.js';
import { yamlDump } from './yaml.js';

/** The synchronous (v1) query routes and the SQL runner. */
@Injectable()
export class QueriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly warehouse: WarehouseService,
  ) {}

  /** The SQL the query runs, its bound values written in as literals (for reading; the server always binds them). */
  async compile(access: ProjectAccess, principal: Principal, exploreName: string, metricQuery: Record<string, unknown>) {
    const { compiled } = await prepareMetricQuery(this.dataSource, this.config, access, principal, exploreName, metricQuery);
    return { query: inlineParameters(compiled.sql, compiled.parameters), parameterReferences: [] as string[] };
  }

  /** Raw SQL, at most LIGHTDASH_QUERY_MAX_LIMIT rows (Lightdash's sqlQuery). */
  async runSql(access: ProjectAccess, principal: Principal, sql: string, limit?: number): Promise<{ fields: ResultFields; rows: Record<string, unknown>[] }> {
    const target = await this.warehouse.target(access, principal);
    return this.warehouse.fetchRows(target, sql, [], { maxRows: Math.min(limit ?? this.config.queryMaxLimit, this.config.queryMaxLimit) });
  }

  /** v1 calculate-total: one row of the metrics' totals, keyed by metric id. */
  async calculateTotal(access: ProjectAccess, principal: Principal, exploreName: string, metricQuery: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { compiled } = await prepareMetricQuery(this.dataSource, this.config, access, principal, exploreName, totalQuery(metricQuery));
    const target = await this.warehouse.target(access, principal);
    const { rows } = await this.warehouse.fetchRows(target, compiled.sql, compiled.parameters, { maxRows: 1 });
    return rows[0] ?? {};
  }

  /** The SQL runner's table list: base tables of the warehouse's database, by schema. */
  async tables(access: ProjectAccess, principal: Principal): Promise<Record<string, Record<string, Record<string, Record<string, never>>>>> {
    const target = await this.warehouse.target(access, principal);
    const rows = await selectWarehouseTables(this.warehouse, target, target.dbname);
    const catalog: Record<string, Record<string, Record<string, Record<string, never>>>> = {};
    for (const row of rows) {
      ((catalog[row.table_catalog] ??= {})[row.table_schema] ??= {})[row.table_name] = {};
    }
    return catalog;
  }

  /** The SQL runner's column list of one table: column → dimension type. */
  async fields(access: ProjectAccess, principal: Principal, query: { tableName?: string; schemaName?: string; databaseName?: string }): Promise<Record<string, string>> {
    if (!query.schemaName) throw new ParameterError('Schema name is required');
    if (!query.tableName) throw new ParameterError('Table name is required');
    const target = await this.warehouse.target(access, principal);
    const database = query.databaseName ?? target.dbname;
    const rows = await selectWarehouseColumns(this.warehouse, target, { tableName: query.tableName, schemaName: query.schemaName, database });
    if (rows.length === 0) {
      throw new NotFoundError(
        `Could not find table "${query.tableName}" in schema "${query.schemaName}" of database "${database}". Please verify the table exists and you have access to it.`,
      );
    }
    return Object.fromEntries(rows.map((row) => [row.column_name, dimensionTypeOfName(row.data_type)]));
  }

  /** The custom metrics of the saved charts the caller can see (in spaces they may view), one per chart and metric. */
  async customMetrics(access: ProjectAccess, principal: Principal) {
    const rows = await selectChartCustomMetrics(this.dataSource, access.projectId, principal.userId);
    return rows.map(({ chartUuid, chartName, metric }) => {
      const block: Record<string, unknown> = {};
      for (const key of ['label', 'description', 'type', 'format', 'percentile', 'filters']) if (metric[key] !== undefined) block[key] = metric[key];
      return {
        name: typeof metric.uuid === 'string' ? metric.uuid : null,
        label: metric.label ?? null,
        modelName: metric.table ?? null,
        yml: yamlDump(block),
        chartLabel: chartName,
        chartUrl: `${this.config.siteUrl}/projects/${access.projectUuid}/saved/${chartUuid}/view`,
      };
    });
  }
}
