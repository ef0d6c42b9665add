import { CompileError } from './errors.js';
import { fieldId } from './field-index.js';
import type { Renderer } from './filters.js';
import { checkUserSql, quoteIdentifier, TEMPLATE_REF } from './sql.js';
import type { FrameBoundary, SortField, TableCalculation, TableCalculationTemplate } from './types.js';

export interface CompiledTableCalculation {
  name: string;
  sql: string;
  /** the table calculations this one reads, computed before it */
  dependsOn: string[];
}

/** The renderer of a filter on a table calculation: its type, else number for number-like formats, else string [filtersCompiler]. */
export function tableCalculationRenderer(tc: TableCalculation): Renderer {
  if (tc.type) return tc.type;
  if (tc.template) return 'number';
  return ['percent', 'currency', 'number'].includes(tc.format?.type ?? '') ? 'number' : 'string';
}

/**
 * A table calculation's SQL. An `sql` one has `${table.field}` replaced by the column
 * `"table_field"` and `${name}` by another table calculation's column; that SQL is the request's
 * own (by design in Lightdash): it runs as written over the `metrics` CTE, with the caller's
 * warehouse permissions. A `template` one is built from fixed SQL over quoted columns.
 */
export function compileTableCalculation(tc: TableCalculation, selectedFieldIds: Set<string>, tableCalculationNames: Set<string>, sorts: SortField[] = []): CompiledTableCalculation {
  quoteIdentifier(tc.name);
  if (selectedFieldIds.has(tc.name)) throw new CompileError(`Table calculation "${tc.name}" has the same name as a field of the query`, tc.name);
  if (tc.template) return compileTemplate(tc.name, tc.template, selectedFieldIds, tableCalculationNames, sorts);
  const template = tc.sql ?? '';
  checkUserSql(template, tc.name);
  const dependsOn = new Set<string>();
  const sql = template.replace(TEMPLATE_REF, (_match, inner: string) => {
    const ref = inner.trim();
    const parts = ref.split('.');
    const id = parts.length >= 2 ? fieldId(parts[0], parts.slice(1).join('.')) : ref;
    if (parts.length === 1 && tableCalculationNames.has(ref)) {
      if (ref === tc.name) throw new CompileError(`Table calculation "${tc.name}" references itself`, tc.name);
      dependsOn.add(ref);
    } else if (!selectedFieldIds.has(id)) {
      throw new CompileError(`Table calculation contains a reference ${ref} to a field that isn't included in the query.`, tc.name, { reference: ref });
    }
    return quoteIdentifier(id, tc.name);
  });
  return { name: tc.name, sql, dependsOn: [...dependsOn] };
}

const NULLARY_WINDOW_FUNCTIONS = new Set(['row_number', 'percent_rank', 'cume_dist', 'rank']);

/**
 * The SQL of a template table calculation [tableCalculationTemplateQueryCompiler]. Every field it
 * names must be a column of the query (a dimension, a metric or another table calculation); it is
 * written only as a quoted identifier, and frame offsets are checked whole numbers.
 */
function compileTemplate(name: string, template: TableCalculationTemplate, selectedFieldIds: Set<string>, tableCalculationNames: Set<string>, sorts: SortField[]): CompiledTableCalculation {
  const dependsOn = new Set<string>();
  const column = (id: string, optional = false): string | undefined => {
    if (id === name) throw new CompileError(`Table calculation "${name}" references itself`, name);
    if (tableCalculationNames.has(id)) dependsOn.add(id);
    else if (!selectedFieldIds.has(id)) {
      if (optional) return undefined;
      throw new CompileError(`Table calculation contains a reference ${id} to a field that isn't included in the query.`, name, { reference: id });
    }
    return quoteIdentifier(id, name);
  };
  const orderBy = (entries: { fieldId: string; order: 'asc' | 'desc' | null }[]) =>
    entries.length === 0 ? '' : `ORDER BY ${entries.map((entry) => `${column(entry.fieldId)}${entry.order ? ` ${entry.order.toUpperCase()}` : ''}`).join(', ')} `;
  const partitionBy = (ids: string[]) => (ids.length === 0 ? '' : `PARTITION BY ${ids.map((id) => column(id)).join(', ')}`);
  const x = template.fieldId === null ? undefined : column(template.fieldId);
  let sql: string;
  switch (template.type) {
    case 'percent_change_from_previous':
      sql = `(CAST(${x} AS FLOAT) / CAST(NULLIF(LAG(${x}) OVER(${orderBy(template.orderBy)}), 0) AS FLOAT)) - 1`;
      break;
    case 'percent_of_previous_value':
      sql = `(CAST(${x} AS FLOAT) / CAST(NULLIF(LAG(${x}) OVER(${orderBy(template.orderBy)}), 0) AS FLOAT))`;
      break;
    case 'percent_of_column_total':
      sql = `(CAST(${x} AS FLOAT) / CAST(NULLIF(SUM(${x}) OVER(${partitionBy(template.partitionBy)}), 0) AS FLOAT))`;
      break;
    case 'rank_in_column':
      sql = `RANK() OVER (ORDER BY ${x} ASC)`;
      break;
    case 'running_total': {
      // in the query's sort order; sorts on fields the table calculations cannot see are left out
      const order = sorts
        .map((sort) => ({ column: sort.fieldId === name ? undefined : column(sort.fieldId, true), descending: sort.descending }))
        .filter((sort) => sort.column !== undefined)
        .map((sort) => `${sort.column} ${sort.descending ? 'DESC' : 'ASC'}`);
      sql = `SUM(${x}) OVER (${order.length > 0 ? `ORDER BY ${order.join(', ')} ` : ''}ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
      break;
    }
    case 'window_function': {
      const fn = template.windowFunction!;
      if (!NULLARY_WINDOW_FUNCTIONS.has(fn) && x === undefined) throw new CompileError(`Table calculation "${name}": ${fn} needs a fieldId`, name);
      const call = NULLARY_WINDOW_FUNCTIONS.has(fn) ? `${fn.toUpperCase()}()` : `${fn.toUpperCase()}(${x})`;
      const over = [partitionBy(template.partitionBy), orderBy(template.orderBy).trim(), frameSql(template.frame)].filter((part) => part !== '');
      sql = `${call} OVER (${over.join(' ')})`;
      break;
    }
  }
  return { name, sql, dependsOn: [...dependsOn] };
}

function boundarySql(boundary: FrameBoundary): string {
  switch (boundary.type) {
    case 'unbounded_preceding': return 'UNBOUNDED PRECEDING';
    case 'unbounded_following': return 'UNBOUNDED FOLLOWING';
    case 'current_row': return 'CURRENT ROW';
    case 'preceding': return `${boundary.offset} PRECEDING`;
    case 'following': return `${boundary.offset} FOLLOWING`;
  }
}

function frameSql(frame: TableCalculationTemplate['frame']): string {
  if (!frame) return '';
  const type = frame.frameType.toUpperCase();
  return frame.start ? `${type} BETWEEN ${boundarySql(frame.start)} AND ${boundarySql(frame.end)}` : `${type} ${boundarySql(frame.end)}`;
}

/** The table calculations in an order where each comes after the ones it reads; a cycle is a CompileError. */
export function orderByDependencies(compiled: CompiledTableCalculation[]): CompiledTableCalculation[] {
  const byName = new Map(compiled.map((tc) => [tc.name, tc]));
  const ordered: CompiledTableCalculation[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (tc: CompiledTableCalculation) => {
    if (state.get(tc.name) === 'done') return;
    if (state.get(tc.name) === 'visiting') throw new CompileError(`Table calculation "${tc.name}" is part of a reference cycle`, tc.name);
    state.set(tc.name, 'visiting');
    tc.dependsOn.forEach((name) => visit(byName.get(name)!));
    state.set(tc.name, 'done');
    ordered.push(tc);
  };
  compiled.forEach(visit);
  return ordered;
}
