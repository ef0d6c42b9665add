import { describe, expect, it } from '@jest/globals';
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min, ValidateBy } from 'class-validator';
import { ValidateError } from '../../src/common/errors.js';
import { AppValidationPipe } from '../../src/common/validation.pipe.js';
import { ValidatedQueries } from '../../src/common/validated-queries.js';

let checks = 0;

class ListQuery {
  @IsOptional()
  @IsString()
  @ValidateBy({ name: 'counted', validator: { validate: () => (checks++, true) } })
  search?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;

  @IsOptional()
  @IsString({ each: true })
  tags?: string[];
}

const asQuery = (value: Record<string, unknown>) => Object.assign(Object.create(null) as object, value);
const query = { type: 'query' as const, metatype: ListQuery };

describe('query parameters validated once per text', () => {
  it('answers a repeated query without validating it again, with an instance of its own each time', async () => {
    const pipe = new AppValidationPipe();
    checks = 0;
    const first = (await pipe.transform(asQuery({ search: 'ada', page: '2', tags: ['a', 'b'], other: 'dropped' }), query)) as ListQuery;
    expect(checks).toBe(1);
    const second = (await pipe.transform(asQuery({ search: 'ada', page: '2', tags: ['a', 'b'], other: 'dropped' }), query)) as ListQuery;
    expect(checks).toBe(1);
    expect(second).toBeInstanceOf(ListQuery);
    expect(second).toEqual(first);
    expect(second).toEqual(Object.assign(new ListQuery(), { search: 'ada', page: 2, tags: ['a', 'b'] }));
    expect(second).not.toBe(first);
    first.tags!.push('changed by a service');
    const third = (await pipe.transform(asQuery({ search: 'ada', page: '2', tags: ['a', 'b'], other: 'dropped' }), query)) as ListQuery;
    expect(third.tags).toEqual(['a', 'b']);
    await pipe.transform(asQuery({ search: 'grace', page: '2' }), query);
    expect(checks).toBe(2);
  });

  it('refuses a bad query every time: refusals are not kept', async () => {
    const pipe = new AppValidationPipe();
    for (let i = 0; i < 2; i++) {
      await expect(pipe.transform(asQuery({ page: '0' }), query)).rejects.toBeInstanceOf(ValidateError);
      await expect(pipe.transform(asQuery({ search: 'a\u0000b' }), query)).rejects.toBeInstanceOf(ValidateError);
    }
  });

  it('keeps a bounded number of queries per DTO class, and only strings and lists of strings', () => {
    const kept = new ValidatedQueries(2, 64);
    const instance = (page: number) => Object.assign(new ListQuery(), { page });
    kept.set(ListQuery, 'a', instance(1));
    kept.set(ListQuery, 'b', instance(2));
    kept.set(ListQuery, 'c', instance(3));
    expect(kept.get(ListQuery, 'a')).toBeUndefined();
    expect(kept.get(ListQuery, 'b')).toEqual(instance(2));
    expect(kept.get(ListQuery, 'c')).toEqual(instance(3));
    expect(kept.keyOf({ search: 'x', tags: ['y'] })).toBe('{"search":"x","tags":["y"]}');
    expect(kept.keyOf({ page: 1 })).toBeUndefined();
    expect(kept.keyOf({ tags: [{}] })).toBeUndefined();
    expect(kept.keyOf({ search: 'x'.repeat(100) })).toBeUndefined();
    expect(kept.keyOf(['x'])).toBeUndefined();
    expect(kept.keyOf(null)).toBeUndefined();
  });
});
