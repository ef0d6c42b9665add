import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { can } from '../authorization/permissions.js';
import { CustomSqlQueryForbiddenError, NotFoundError } from '../common/errors.js';
import type { ResolvedConfig } from '../config/config.js';
import { type CompiledField, type CompiledQuery, compileMetricQuery } from './compiler/index.js';
import { readExplore } from './queries.queries.js';

export interface PreparedMetricQuery {
  exploreName: string;
  metricQuery: Record<string, unknown>;
  compiled: CompiledQuery;
  explore: Record<string, unknown>;
}

/**
 * Looks the explore up and compiles the MetricQuery for the caller: the server's limits, the project's
 * week start, the caller's email for `${lightdash.user.email}`. SQL written by the request (table
 * calculations, custom SQL dimensions and metrics) runs with the warehouse's permissions, so it needs
 * the role that may run raw SQL (`project:run-sql`, developer), as Lightdash's `manage CustomSql…`.
 */
export async function prepareMetricQuery(
  dataSource: DataSource,
  config: ResolvedConfig,
  access: ProjectAccess,
  principal: Principal,
  exploreName: string,
  metricQuery: Record<string, unknown>,
): Promise<PreparedMetricQuery> {
  const row = await readExplore(dataSource, access.projectId, exploreName);
  if (!row) throw new NotFoundError(`Explore "${exploreName}" does not exist.`);
  if (row.isErrored) throw new NotFoundError(`Explore "${exploreName}" has an error.`);
  const query = { ...metricQuery, exploreName };
  const compiled = compileMetricQuery(row.definition as never, query as never, {
    maxLimit: config.queryMaxLimit,
    defaultLimit: config.queryDefaultLimit,
    startOfWeek: row.startOfWeek ?? undefined,
    intrinsicUserAttributes: { email: principal.email },
  });
  if (compiled.userSqlFields.length > 0 && !can('project:run-sql', access)) {
    throw new CustomSqlQueryForbiddenError('User cannot run queries with custom SQL: this needs the developer role on the project', { fields: compiled.userSqlFields });
  }
  return { exploreName, metricQuery: query, compiled, explore: row.definition };
}

/** The ItemsMap of a compiled query, as Lightdash's execute responses carry it. */
export function itemsMap(fields: Record<string, CompiledField>): Record<string, Record<string, unknown>> {
  const items: Record<string, Record<string, unknown>> = {};
  for (const [id, field] of Object.entries(fields)) {
    const fieldType = field.kind === 'metric' || field.kind === 'additional_metric' ? 'metric' : field.kind === 'table_calculation' ? undefined : 'dimension';
    const name = field.table && id.startsWith(`${field.table}_`) ? id.slice(field.table.length + 1) : id;
    items[id] = { ...field, name, ...(fieldType ? { fieldType } : {}) };
  }
  return items;
}
