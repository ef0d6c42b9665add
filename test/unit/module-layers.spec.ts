import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The layering rule of docs/development.md#the-request-pipeline, read from the imports of src/: a
 * module is a top-level folder; the request path's layers import only the layers below them, and no
 * module imports from a module that imports it back.
 */
const SRC = path.resolve('src');
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function moduleOf(file: string): string | undefined {
  const parts = path.relative(SRC, file).split(path.sep);
  return parts.length > 1 && !parts[0].startsWith('..') ? parts[0] : undefined;
}

function filesUnder(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** module → the modules it imports from, each with one importing file as the example */
function moduleImports(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of filesUnder(SRC)) {
    const from = moduleOf(file);
    if (!from) continue;
    for (const match of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = moduleOf(path.resolve(path.dirname(file), match[1] ?? match[2]));
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      edges.get(from)!.set(to, path.relative(SRC, file));
    }
  }
  return edges;
}

/** Every pair of modules that import each other, directly or through others (one path each). */
function cycles(edges: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  const reaches = (start: string, goal: string): string[] | undefined => {
    const seen = new Set([start]);
    const queue: string[][] = [[start]];
    while (queue.length > 0) {
      const trail = queue.shift()!;
      for (const next of edges.get(trail.at(-1)!)?.keys() ?? []) {
        if (next === goal) return [...trail, next];
        if (!seen.has(next)) {
          seen.add(next);
          queue.push([...trail, next]);
        }
      }
    }
    return undefined;
  };
  for (const [from, targets] of edges) {
    for (const to of targets.keys()) {
      const back = reaches(to, from);
      if (back && from < to) found.push([from, ...back].join(' → '));
    }
  }
  return found;
}

// lowest first: each may import only the ones before it (and common, config, database); above them,
// request-pipeline composes them with the audit log, and the domain modules use them
const REQUEST_PATH = ['auth', 'authorization', 'response-cache'];
const FOUNDATIONS = new Set(['common', 'config', 'database']);

describe('module layers', () => {
  const edges = moduleImports();

  it('has no import cycle between modules', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('keeps the request path one way: each layer imports only the layers below it', () => {
    const upward: string[] = [];
    REQUEST_PATH.forEach((layer, level) => {
      for (const [to, example] of edges.get(layer) ?? []) {
        const allowed = FOUNDATIONS.has(to) || REQUEST_PATH.slice(0, level).includes(to);
        if (!allowed) upward.push(`${layer} → ${to} (${example})`);
      }
    });
    expect(upward).toEqual([]);
  });

  it('sees the imports it checks (a domain importing auth)', () => {
    expect(edges.get('spaces')?.has('auth')).toBe(true);
  });
});
