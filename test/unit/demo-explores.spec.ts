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
});
