import type { DimensionType } from '../warehouses/warehouse-types.js';

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

function pad(value: number, size = 2): string {
  return String(value).padStart(size, '0');
}

function asDate(raw: unknown): Date | undefined {
  if (raw instanceof Date) return raw;
  if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}/.test(raw)) {
    const parsed = new Date(raw);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  }
  return undefined;
}

/** Lightdash's default display of a value of a dimension type (no field format applied). */
export function formatValue(raw: unknown, type: DimensionType | undefined): string {
  if (raw === null || raw === undefined) return '∅';
  if (type === 'date' || type === 'timestamp') {
    const date = asDate(raw);
    if (date) {
      const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
      if (type === 'date') return day;
      return `${day}, ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}:${pad(date.getUTCMilliseconds(), 3)} (+00:00)`;
    }
  }
  if (typeof raw === 'number') return NUMBER.format(raw);
  if (typeof raw === 'boolean') return raw ? 'True' : 'False';
  if (typeof raw === 'object') return JSON.stringify(raw);
  return String(raw);
}

/** A stored row as a ready page serves it: `{column: {value: {raw, formatted}}}`. */
export function formatRow(row: Record<string, unknown>, types: Record<string, { type: DimensionType }>): Record<string, { value: { raw: unknown; formatted: string } }> {
  const formatted: Record<string, { value: { raw: unknown; formatted: string } }> = {};
  for (const [column, raw] of Object.entries(row)) formatted[column] = { value: { raw, formatted: formatValue(raw, types[column]?.type) } };
  return formatted;
}

/** A CSV cell: timestamps `YYYY-MM-DD HH:mm:ss.SSS`, dates `YYYY-MM-DD`, null empty; quoted when needed (RFC 4180). */
export function csvCell(raw: unknown, type: DimensionType | undefined): string {
  if (raw === null || raw === undefined) return '';
  let text: string;
  const date = type === 'date' || type === 'timestamp' ? asDate(raw) : undefined;
  if (date) {
    const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
    text = type === 'date' ? day : `${day} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`;
  } else if (raw instanceof Date) {
    text = raw.toISOString();
  } else if (typeof raw === 'object') {
    text = JSON.stringify(raw);
  } else {
    text = String(raw);
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Renders bound parameters into the SQL as literals, for display only (compileQuery): never executed by us. */
export function inlineParameters(sql: string, parameters: unknown[]): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const char = sql[i];
    if (char === "'" || char === '"') {
      const end = closingQuote(sql, i, char);
      out += sql.slice(i, end);
      i = end;
    } else if (char === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (char === '$' && /[0-9]/.test(sql[i + 1] ?? '') && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
      const match = /^\$(\d+)/.exec(sql.slice(i))!;
      const index = Number(match[1]) - 1;
      out += index < parameters.length ? literal(parameters[index]) : match[0];
      i += match[0].length;
    } else {
      out += char;
      i += 1;
    }
  }
  return out;
}

function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return sql.length;
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `'${value}'`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (Array.isArray(value)) return value.length ? `ARRAY[${value.map(literal).join(', ')}]` : `'{}'`;
  return `'${String(value).replace(/'/g, "''")}'`;
}
