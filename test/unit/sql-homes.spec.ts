import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';

/**
 * docs/development.md#sql-and-typeorm: services hold rules, each domain's statements live in its
 * queries files. A service that runs SQL itself (a query call, a query builder, a statement in a
 * string) fails here.
 */
const SRC = path.resolve('src');
const RUNS_SQL = [
  /\.query\s*[(<]/,
  /createQueryBuilder/,
  /[`'"]\s*(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|WITH\s+\w+\s+AS)\b/i,
];

function servicesUnder(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    return entry.isDirectory() ? servicesUnder(full) : entry.name.endsWith('.service.ts') ? [full] : [];
  });
}

describe('SQL has a home', () => {
  const services = servicesUnder(SRC);

  it('finds the services', () => {
    expect(services.length).toBeGreaterThan(40);
  });

  it('no service runs SQL itself', () => {
    const offending = services.flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (RUNS_SQL.some((pattern) => pattern.test(line)) ? [`${path.relative(SRC, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offending).toEqual([]);
  });

  it('would see a statement written in a service', () => {
    const written = ["const rows = await manager.query('SELECT 1');", 'repo.createQueryBuilder("u")', '  `INSERT INTO spaces (name) VALUES ($1)`'];
    expect(written.filter((line) => RUNS_SQL.some((pattern) => pattern.test(line)))).toEqual(written);
  });
});
