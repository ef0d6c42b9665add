import { CompileError, FieldReferenceError } from './errors.js';
import type { QueryContext } from './field-index.js';
import { parenthesiseUnlessSimple, quoteIdentifier } from './sql.js';
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
  if (base.type !== 'number') throw new CompileError(`Custom dimension ${id} bins ${bin.dimensionId}, which is not a number`, id);
  const x = parenthesiseUnlessSimple(base.sql);
  const common = { id, label: bin.name, orderColumn, tables: base.tables };
  const params = context.params;

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
