import { describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import type { ResolvedConfig } from '../../src/config/config.js';
import type { PreparedSql } from '../../src/database/sql.js';
import { type CachedResponse, ResponseCache } from '../../src/response-cache/response-cache.service.js';

// the byte budget and recency order only: serving and revalidation are tested end to end (response-cache.e2e-spec)
function cacheOf(bytes: number): ResponseCache {
  return new ResponseCache({} as PreparedSql, {} as DataSource, { responseCacheBytes: bytes } as ResolvedConfig);
}

const answer = (payload: string): CachedResponse => ({ payload: Buffer.from(payload), contentType: 'application/json', userId: '1', organizationId: '1', snapshot: '10:10:', checkedAt: 'now', serverStartedAt: 'then' });

describe('ResponseCache memory budget', () => {
  it('drops the least recently used answers first once the budget is spent', () => {
    const cache = cacheOf(10_000);
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, answer('x'.repeat(2_000))); // about 2.2 kB each
    cache.get('a'); // now b is the least recently used
    cache.set('e', answer('x'.repeat(2_000)));
    cache.set('f', answer('x'.repeat(2_000)));
    expect(['a', 'b', 'c', 'd', 'e', 'f'].filter((key) => cache.get(key) !== undefined)).toEqual(['a', 'd', 'e', 'f']);
  });

  it('keeps no answer larger than a quarter of the budget, and replaces an answer under the same key', () => {
    const cache = cacheOf(10_000);
    cache.set('big', answer('x'.repeat(2_400)));
    expect(cache.get('big')).toBeUndefined();
    cache.set('k', answer('first'));
    cache.set('k', answer('second'));
    expect(cache.get('k')?.payload.toString()).toBe('second');
    for (let i = 0; i < 100; i++) cache.set(`n${i}`, answer('x'.repeat(1_000)));
    expect(['k', 'n99'].map((key) => cache.get(key) !== undefined)).toEqual([false, true]);
  });

  it('is off with a budget of 0', () => {
    const cache = cacheOf(0);
    expect(cache.enabled).toBe(false);
    cache.set('k', answer('x'));
    expect(cache.get('k')).toBeUndefined();
  });
});
