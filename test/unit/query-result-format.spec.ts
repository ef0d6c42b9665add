import { describe, expect, it } from '@jest/globals';
import { csvCell, formatValue, inlineParameters } from '../../src/queries/result-format.js';
import { yamlDump } from '../../src/queries/yaml.js';

describe('compileQuery display SQL', () => {
  it('writes bound values in as literals, leaving quoted text, identifiers and comments alone', () => {
    const sql = `SELECT '$1' AS "a$1", x -- $1\nFROM t WHERE s = $1 AND n = $2 AND b = $3 AND d = $10 AND z = $4 LIMIT $5`;
    const values = ["it's", 2.5, true, null, 500, 6, 7, 8, 9, new Date('2026-01-02T03:04:05Z')];
    expect(inlineParameters(sql, values)).toBe(
      `SELECT '$1' AS "a$1", x -- $1\nFROM t WHERE s = 'it''s' AND n = 2.5 AND b = TRUE AND d = '2026-01-02T03:04:05.000Z' AND z = NULL LIMIT 500`,
    );
  });
});

describe('result values', () => {
  it('formats as Lightdash shows them by default', () => {
    expect(formatValue(null, 'string')).toBe('∅');
    expect(formatValue(1234.5678, 'number')).toBe('1,234.568');
    expect(formatValue(true, 'boolean')).toBe('True');
    expect(formatValue('2026-01-31T00:00:00.000Z', 'date')).toBe('2026-01-31');
    expect(formatValue('2026-01-31T23:30:00.000Z', 'timestamp')).toBe('2026-01-31, 23:30:00:000 (+00:00)');
  });

  it('writes CSV cells: quoted when needed, timestamps and dates in UTC, null empty', () => {
    expect(csvCell('a,"b"\nc', 'string')).toBe('"a,""b""\nc"');
    expect(csvCell(null, 'number')).toBe('');
    expect(csvCell('2026-01-31T23:30:00.000Z', 'timestamp')).toBe('2026-01-31 23:30:00.000');
    expect(csvCell('2026-01-31T00:00:00.000Z', 'date')).toBe('2026-01-31');
  });

  it('dumps a custom metric block as single-quoted YAML', () => {
    expect(yamlDump({ label: "Bob's", type: 'sum', filters: [{ target: { fieldRef: 'a' }, values: [1] }] })).toBe(
      "label: 'Bob''s'\ntype: 'sum'\nfilters:\n  - target:\n      fieldRef: 'a'\n    values:\n      - 1\n",
    );
  });
});
