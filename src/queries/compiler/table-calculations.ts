import { CompileError } from './errors.js';
import { fieldId } from './field-index.js';
import type { Renderer } from './filters.js';
import { checkUserSql, quoteIdentifier, TEMPLATE_REF } from './sql.js';
import type { TableCalculation } from './types.js';

export interface CompiledTableCalculation {
  name: string;
  sql: string;
  /** the table calculations this one reads, computed before it */
  dependsOn: string[];
}

/** The renderer of a filter on a table calculation: its type, else number for number-like formats, else string [filtersCompiler]. */
export function tableCalculationRenderer(tc: TableCalculation): Renderer {
  if (tc.type) return tc.type;
  return ['percent', 'currency', 'number'].includes(tc.format?.type ?? '') ? 'number' : 'string';
}

/**
 * A table calculation's SQL with `${table.field}` replaced by the column `"table_field"` and
 * `${name}` by another table calculation's column. The SQL is the request's own (by design in
 * Lightdash): it runs as written over the `metrics` CTE, with the caller's warehouse permissions.
 */
export function compileTableCalculation(tc: TableCalculation, selectedFieldIds: Set<string>, tableCalculationNames: Set<string>): CompiledTableCalculation {
  quoteIdentifier(tc.name);
  checkUserSql(tc.sql, tc.name);
  if (selectedFieldIds.has(tc.name)) throw new CompileError(`Table calculation "${tc.name}" has the same name as a field of the query`, tc.name);
  const dependsOn = new Set<string>();
  const sql = tc.sql.replace(TEMPLATE_REF, (_match, inner: string) => {
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
