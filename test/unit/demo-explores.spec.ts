import fs from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { demoExplores } from '../../src/demo/demo-explores.js';
import { parseExploresUpload } from '../../src/explores/explore-upload.js';
import { compileMetricQuery } from '../../src/queries/compiler/index.js';
import type { Explore } from '../../src/queries/compiler/types.js';

describe('the demo explores', () => {
  const explores = demoExplores('demo', 'lightdash');

  it('are accepted by the explores upload as they are', () => {
    const upload = parseExploresUpload(explores);
    expect(upload.explores.map((e) => [e.name, e.isErrored])).toEqual([
      ['orders', false],
      ['customers', false],
      ['products', false],
      ['payments', false],
    ]);
  });

  it('compile every field of every explore, reading only the demo schema', () => {
    for (const explore of explores as unknown as Explore[]) {
      const dimensions: string[] = [];
      const metrics: string[] = [];
      for (const [tableName, table] of Object.entries(explore.tables)) {
        dimensions.push(...Object.keys(table.dimensions).map((name) => `${tableName}_${name}`));
        metrics.push(...Object.keys(table.metrics).map((name) => `${tableName}_${name}`));
      }
      const query = { exploreName: explore.name, dimensions, metrics, filters: {}, sorts: [], limit: 10, tableCalculations: [] };
      const compiled = compileMetricQuery(explore, query, { maxLimit: 5000 });
      expect(Object.keys(compiled.fields)).toEqual([...dimensions, ...metrics]);
      const tables = [...compiled.sql.matchAll(/(?:FROM|JOIN)\s+("[^"]+"\."[^"]+")/g)].map((m) => m[1]);
      expect(tables.length).toBeGreaterThan(0);
      for (const table of tables) expect(table).toMatch(/^"demo"\./);
    }
  });

  it("carry every key the reference's fields carry, with its type (lightdash-client-python parses metrics strictly)", () => {
    const reference = JSON.parse(fs.readFileSync(new URL('../fixtures/lightdash-1.219-shapes.json', import.meta.url), 'utf8'));
    const referenceTables = Object.values(findExploreTables(reference)) as unknown as { dimensions: Record<string, Record<string, string>>; metrics: Record<string, Record<string, string>> }[];
    const requiredKeys = (kind: 'dimensions' | 'metrics') => {
      const keys = new Map<string, string>();
      for (const table of referenceTables) for (const field of Object.values(table[kind])) for (const [key, type] of Object.entries(field)) keys.set(key, type);
      return keys;
    };
    for (const kind of ['dimensions', 'metrics'] as const) {
      const required = requiredKeys(kind);
      expect(required.size).toBeGreaterThan(5);
      for (const explore of explores as unknown as Explore[]) {
        for (const table of Object.values(explore.tables)) {
          for (const field of Object.values(table[kind]) as unknown as Record<string, unknown>[]) {
            const wrong = [...required].filter(([key, type]) => typeof field[key] !== type).map(([key, type]) => `${explore.name}.${String(field.name)}.${key}: expected ${type}, got ${typeof field[key]}`);
            expect(wrong).toEqual([]);
          }
        }
      }
    }
  });
});

/** The `tables` of the reference's answer to GET /api/v1/projects/{p}/explores/orders. */
function findExploreTables(reference: { routes: Record<string, { calls: { status: number; results?: { tables?: Record<string, unknown> } }[] }> }): Record<string, unknown> {
  const tables = reference.routes['GET /api/v1/projects/{p}/explores/orders']?.calls.find((call) => call.status === 200)?.results?.tables;
  if (!tables) throw new Error('the reference has no explore read with tables');
  return tables;
}
