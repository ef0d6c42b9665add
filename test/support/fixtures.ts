import fs from 'node:fs';

type Json = Record<string, any>;

/** The sample shop's compiled explores (test/fixtures/shop-explores.json), a fresh copy per call. */
export function shopExplores(): Json[] {
  return JSON.parse(fs.readFileSync(new URL('../fixtures/shop-explores.json', import.meta.url), 'utf8'));
}
