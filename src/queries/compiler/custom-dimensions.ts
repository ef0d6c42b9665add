import { CompileError, FieldReferenceError } from './errors.js';
import type { QueryContext } from './field-index.js';
import { parenthesiseUnlessSimple, quoteIdentifier, type Parameters } from './sql.js';
import type { CustomBinDimension } from './types.js';

export interface CompiledBin {
  id: string;
  label: string;
  /** the label select and the `<id>_order` select */
  labelSql: string;
  orderSql: string;
  orderColumn: string;
  tables: string[];
  /** fixed_number bins read the base column's range from their own CTE, cross-joined into the query */
  cte?: { name: string; sql: string };
}

/** The most bins one fixed_number dimension may ask for: each is a CASE branch. */
export const MAX_BINS = 100;

/**
 * A bin custom dimension [customDimensions]: the label and order expressions over the base
 * dimension's SQL. Widths, bin counts and range bounds are bound parameters.
 */
export function compileBin(bin: CustomBinDimension, context: QueryContext): CompiledBin {
  const { id } = bin;
  const orderColumn = `${id}_order`;
  quoteIdentifier(orderColumn, id);
  const base = context.dimension(bin.dimensionId);
  if (!base || base.kind !== 'dimension') throw new FieldReferenceError(`Custom dimension ${id} bins an unknown dimension: ${bin.dimensionId}`, id, { dimensionId: bin.dimensionId });
  const x = parenthesiseUnlessSimple(base.sql);
  const common = { id, label: bin.name, orderColumn, tables: base.tables };
  const params = context.params;
  if (bin.binType === 'custom_group') {
    if (base.type !== 'string') throw new CompileError(`Custom dimension ${id} groups ${bin.dimensionId}, which is not a string`, id);
    return { ...common, ...groupSql(bin, x, params) };
  }
  if (base.type !== 'number') throw new CompileError(`Custom dimension ${id} bins ${bin.dimensionId}, which is not a number`, id);

  if (bin.binType === 'fixed_width') {
    if (bin.binWidth === undefined || !(bin.binWidth > 0)) throw new CompileError(`Custom dimension ${id}: binWidth must be a number above 0`, id);
    const w = params.add(bin.binWidth, 'numeric');
    return {
      ...common,
      labelSql: `(FLOOR(${x} / ${w}) * ${w} || ' - ' || (FLOOR(${x} / ${w}) + 1) * ${w} - 1)`,
      orderSql: `FLOOR(${x} / ${w}) * ${w}`,
    };
  }

  if (bin.binType === 'fixed_number') {
    const count = bin.binNumber;
    if (count === undefined || !Number.isInteger(count) || count < 1 || count > MAX_BINS) {
      throw new CompileError(`Custom dimension ${id}: binNumber must be a whole number from 1 to ${MAX_BINS}`, id);
    }
    const cteName = quoteIdentifier(`${id}_cte`, id);
    const baseTable = context.table(base.table, id);
    const n = params.add(count, 'numeric');
    const cte = {
      name: cteName,
      sql: `SELECT FLOOR(MIN(${x})) AS min_id, CEIL(MAX(${x})) AS max_id, FLOOR((MAX(${x}) - MIN(${x})) / ${n}) AS bin_width\nFROM ${context.bind(baseTable.sqlTable, id)} AS ${quoteIdentifier(base.table)}`,
    };
    const edge = (index: number) => `${cteName}.min_id + ${cteName}.bin_width * ${index}`;
    const labels: string[] = [`WHEN ${x} IS NULL THEN NULL`];
    const orders: string[] = [`WHEN ${x} IS NULL THEN ${count}`];
    for (let index = 0; index < count - 1; index++) {
      const range = `${x} >= ${edge(index)} AND ${x} < ${edge(index + 1)}`;
      labels.push(`WHEN ${range} THEN (${edge(index)} || ' - ' || ${edge(index + 1)})`);
      orders.push(`WHEN ${range} THEN ${index}`);
    }
    labels.push(`ELSE (${edge(count - 1)} || ' - ' || ${cteName}.max_id)`);
    orders.push(`ELSE ${count - 1}`);
    return { ...common, cte, labelSql: `CASE\n${labels.join('\n')}\nEND`, orderSql: `CASE\n${orders.join('\n')}\nEND` };
  }

  const ranges = bin.customRange ?? [];
  if (ranges.length === 0 || ranges.length > MAX_BINS) throw new CompileError(`Custom dimension ${id}: customRange needs 1 to ${MAX_BINS} ranges`, id);
  const labels: string[] = [`WHEN ${x} IS NULL THEN NULL`];
  const orders: string[] = [`WHEN ${x} IS NULL THEN ${ranges.length}`];
  ranges.forEach((range, index) => {
    const last = index === ranges.length - 1;
    if (index === 0 && range.to !== undefined && !last) {
      const to = params.add(range.to, 'numeric');
      labels.push(`WHEN ${x} < ${to} THEN '<' || ${to}`);
      orders.push(`WHEN ${x} < ${to} THEN ${index}`);
    } else if (last) {
      if (range.from === undefined) throw new CompileError(`Custom dimension ${id}: the last range needs a 'from'`, id);
      const from = params.add(range.from, 'numeric');
      labels.push(`ELSE '≥' || ${from}`);
      orders.push(`ELSE ${index}`);
    } else {
      if (range.from === undefined || range.to === undefined) throw new CompileError(`Custom dimension ${id}: range ${index} needs 'from' and 'to'`, id);
      const from = params.add(range.from, 'numeric');
      const to = params.add(range.to, 'numeric');
      labels.push(`WHEN ${x} >= ${from} AND ${x} < ${to} THEN ${from} || '-' || ${to}`);
      orders.push(`WHEN ${x} >= ${from} AND ${x} < ${to} THEN ${index}`);
    }
  });
  return { ...common, labelSql: `CASE\n${labels.join('\n')}\nEND`, orderSql: `CASE\n${orders.join('\n')}\nEND` };
}

const LIKE_SPECIAL = /[\\%_]/g;

/**
 * custom_group [customDimensions]: a CASE mapping each value of a string dimension to the first
 * group with a matching rule (exact, or LIKE for startsWith / endsWith / includes with the value's
 * own `%`, `_` and `\` escaped); NULL stays NULL and anything else is 'Other'. The order column
 * numbers the groups as listed, 'Other' last. Group names and values are bound parameters.
 */
function groupSql(bin: CustomBinDimension, x: string, params: Parameters): { labelSql: string; orderSql: string } {
  const groups = (bin.customGroups ?? []).filter((group) => group.values.length > 0);
  if (groups.length === 0 || groups.length > MAX_BINS) throw new CompileError(`Custom dimension ${bin.id}: customGroups needs 1 to ${MAX_BINS} groups with values`, bin.id);
  const labels: string[] = [`WHEN ${x} IS NULL THEN NULL`];
  const orders: string[] = [`WHEN ${x} IS NULL THEN NULL`];
  groups.forEach((group, index) => {
    const conditions = group.values.map(({ match, value }) => {
      if (match === 'exact') return `${x} = ${params.add(value, 'text')}`;
      const escaped = value.replace(LIKE_SPECIAL, (char) => `\\${char}`);
      const pattern = match === 'startsWith' ? `${escaped}%` : match === 'endsWith' ? `%${escaped}` : `%${escaped}%`;
      return `${x} LIKE ${params.add(pattern, 'text')} ESCAPE '\\'`;
    });
    const condition = conditions.length === 1 ? conditions[0] : `(${conditions.join(' OR ')})`;
    labels.push(`WHEN ${condition} THEN ${params.add(group.name, 'text')}`);
    orders.push(`WHEN ${condition} THEN ${index}`);
  });
  labels.push(`ELSE 'Other'`);
  orders.push(`ELSE ${groups.length}`);
  return { labelSql: `CASE\n${labels.join('\n')}\nEND`, orderSql: `CASE\n${orders.join('\n')}\nEND` };
}
