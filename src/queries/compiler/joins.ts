import { CompileError } from './errors.js';
import type { QueryContext } from './field-index.js';
import { quoteIdentifier } from './sql.js';
import type { Explore, ExploreJoin } from './types.js';

const JOIN_TYPES: Record<string, string> = { inner: 'INNER JOIN', left: 'LEFT OUTER JOIN', right: 'RIGHT OUTER JOIN', full: 'FULL OUTER JOIN' };

/** The explore's tables that SQL text refers to as `"table".` (for joins and filters that carry no tablesReferences). */
export function tablesInSql(sql: string, explore: Explore): string[] {
  const tables = new Set<string>();
  for (const match of sql.matchAll(/"((?:[^"]|"")+)"\s*\./g)) {
    const name = match[1].replaceAll('""', '"');
    if (Object.hasOwn(explore.tables, name)) tables.add(name);
  }
  return [...tables];
}

function joinReferences(join: ExploreJoin, explore: Explore): string[] {
  return Array.isArray(join.tablesReferences) && join.tablesReferences.length > 0
    ? join.tablesReferences
    : tablesInSql(join.compiledSqlOn ?? '', explore);
}

/**
 * The joins the query needs, in explore order: those of the needed tables, of the tables their ON
 * clauses mention (intermediate tables, recursively), and those marked `always`.
 */
export function neededJoins(explore: Explore, neededTables: Iterable<string>): ExploreJoin[] {
  const joinsByTable = new Map(explore.joinedTables.map((join) => [join.table, join]));
  const included = new Set<string>();
  const pending = [...neededTables, ...explore.joinedTables.filter((join) => join.always).map((join) => join.table)];
  while (pending.length > 0) {
    const table = pending.pop()!;
    if (table === explore.baseTable || included.has(table)) continue;
    const join = joinsByTable.get(table);
    if (!join) throw new CompileError(`Table "${table}" is not joined to explore "${explore.name}"`, table);
    included.add(table);
    pending.push(...joinReferences(join, explore));
  }
  return explore.joinedTables.filter((join) => included.has(join.table));
}

export function joinSql(join: ExploreJoin, context: QueryContext): string {
  if (typeof join.compiledSqlOn !== 'string' || join.compiledSqlOn.trim() === '') {
    throw new CompileError(`Join "${join.table}" has no compiledSqlOn in the uploaded explore: upload the compiled explore again`, join.table);
  }
  const type = JOIN_TYPES[join.type ?? 'left'];
  if (!type) throw new CompileError(`Join "${join.table}" has an unknown type ${JSON.stringify(join.type)}`, join.table);
  const table = context.table(join.table, join.table);
  return `${type} ${context.bind(table.sqlTable, join.table)} AS ${quoteIdentifier(join.table)}\n  ON ${context.bind(join.compiledSqlOn, join.table)}`;
}

/**
 * The tables whose rows the joins repeat (so SUM, COUNT, AVG… over them would be inflated)
 * [findTablesWithMetricInflation]:
 * - many-to-one: the joined table repeats;
 * - one-to-many: every other table repeats, except the joined table and what hangs off it one-to-one;
 *   two one-to-many joins, or any many-to-many, repeat every table;
 * - one-to-one (or no relationship): the joined table repeats when the table it joins to does.
 */
export function inflatedTables(explore: Explore, joins: ExploreJoin[], warnings: string[]): Set<string> {
  const all = [explore.baseTable, ...joins.map((join) => join.table)];
  const inflated = new Set<string>();
  const parents = new Map(joins.map((join) => [join.table, joinReferences(join, explore).filter((table) => table !== join.table)]));
  const oneToOne = joins.filter((join) => join.relationship === undefined || join.relationship === 'one-to-one');
  for (const join of joins) if (join.relationship === undefined) warnings.push(`Join "${join.table}" is missing a join relationship type`);
  const oneToMany = joins.filter((join) => join.relationship === 'one-to-many');
  if (joins.some((join) => join.relationship === 'many-to-many') || oneToMany.length > 1) return new Set(all);
  for (const join of joins) if (join.relationship === 'many-to-one') inflated.add(join.table);
  if (oneToMany.length === 1) {
    // the joined table and its one-to-one descendants keep one row each; everything else repeats
    const kept = new Set([oneToMany[0].table]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const join of oneToOne) {
        if (!kept.has(join.table) && (parents.get(join.table) ?? []).some((parent) => kept.has(parent))) {
          kept.add(join.table);
          grew = true;
        }
      }
    }
    for (const table of all) if (!kept.has(table)) inflated.add(table);
  }
  let grew = true;
  while (grew) {
    grew = false;
    for (const join of oneToOne) {
      if (!inflated.has(join.table) && (parents.get(join.table) ?? []).some((parent) => inflated.has(parent))) {
        inflated.add(join.table);
        grew = true;
      }
    }
  }
  return inflated;
}
