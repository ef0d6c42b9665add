import pg from 'pg';

export type DimensionType = 'string' | 'number' | 'timestamp' | 'date' | 'boolean';

/** PostgreSQL type OIDs → Lightdash dimension types (lightdash-queries.md §6.4); anything else is a string. */
const TYPE_BY_OID: Readonly<Record<number, DimensionType>> = {
  1700: 'number', // numeric
  790: 'number', // money
  21: 'number', // int2
  23: 'number', // int4
  20: 'number', // int8
  700: 'number', // float4
  701: 'number', // float8
  1082: 'date',
  1083: 'timestamp', // time
  1266: 'timestamp', // timetz
  1114: 'timestamp',
  1184: 'timestamp', // timestamptz
  16: 'boolean',
};

export function dimensionTypeOf(oid: number): DimensionType {
  return TYPE_BY_OID[oid] ?? 'string';
}

/** information_schema `data_type` names → dimension types (the SQL runner's field list). */
export function dimensionTypeOfName(dataType: string): DimensionType {
  const name = dataType.toLowerCase();
  if (/^(numeric|decimal|integer|int2|int4|int8|bigint|smallint|serial|bigserial|smallserial|real|float4|float8|double precision|money)$/.test(name)) return 'number';
  if (name === 'date') return 'date';
  if (name.startsWith('time')) return 'timestamp';
  if (name === 'boolean') return 'boolean';
  return 'string';
}

const FINITE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/;

/**
 * How warehouse values are read. NUMERIC becomes a number (as Lightdash's driver does); INT8 a number
 * when it is exact, else its text. Dates and naive timestamps are read as UTC instants (the session
 * zone), never in this process's local zone.
 */
export const WAREHOUSE_TYPE_PARSERS = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    switch (oid) {
      case 1700:
        return (text: string) => Number(text);
      case 20:
        return (text: string) => {
          const value = Number(text);
          return Number.isSafeInteger(value) ? value : text;
        };
      case 1082:
        return (text: string) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : text);
      case 1114:
        return (text: string) => (FINITE_TIMESTAMP.test(text) ? new Date(`${text.replace(' ', 'T')}Z`) : text);
      default:
        return pg.types.getTypeParser(oid, format);
    }
  },
} as pg.CustomTypesConfig;
