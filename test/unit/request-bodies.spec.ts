import { describe, expect, it } from '@jest/globals';
import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { jsonLimits } from '../../src/app-setup.js';
import { boundedEcho, MAX_ECHO_CHARS } from '../../src/common/bounded-echo.js';
import { jsonLimitExceeded, type JsonLimits } from '../../src/common/json-limits.js';
import { declaredProperties, dropUndeclaredProperties, pickDeclaredProperties } from '../../src/common/undeclared-properties.js';
import { parseConfig, type ResolvedConfig } from '../../src/config/config.js';
import { shopExplores } from '../support/fixtures.js';

const limits = (depth: number, keys: number, arrayLength: number): JsonLimits => ({
  depth: { max: depth, setting: 'D' },
  keys: { max: keys, setting: 'K' },
  arrayLength: { max: arrayLength, setting: 'A' },
});

describe('jsonLimitExceeded', () => {
  it('allows exactly the limits and refuses one more, naming the setting', () => {
    const l = limits(3, 4, 5);
    expect(jsonLimitExceeded('{"a":[[1]]}', l)).toBeUndefined();
    expect(jsonLimitExceeded('{"a":[[[1]]]}', l)).toBe('The request body nests objects and arrays deeper than 3 levels (D)');
    expect(jsonLimitExceeded('{"a":1,"b":{"c":2,"d":3}}', l)).toBeUndefined();
    expect(jsonLimitExceeded('{"a":1,"b":{"c":2,"d":3},"e":4}', l)).toBe('The request body has more than 4 keys (K)');
    expect(jsonLimitExceeded('[1,2,3,4,5]', l)).toBeUndefined();
    expect(jsonLimitExceeded('[1,2,3,4,5,6]', l)).toBe('An array in the request body has more than 5 items (A)');
    expect(jsonLimitExceeded('[[1,2,3,4,5],[1,2,3,4,5],[],{"a":[ ]}]', l)).toBeUndefined();
    expect(jsonLimitExceeded('[ {"a":1} , "x" ,\n null, [ ], 1e5 , true]', l)).toBe('An array in the request body has more than 5 items (A)');
  });

  it('reads strings as text: escaped quotes, backslashes, and structure characters inside them', () => {
    const l = limits(2, 1, 1);
    expect(jsonLimitExceeded('{"a\\":{[,,,":"x\\\\"}', l)).toBeUndefined();
    expect(jsonLimitExceeded('{"a":"\\\\\\"::[["}', l)).toBeUndefined();
    expect(jsonLimitExceeded('{"a":"\\\\","b":1}', l)).toBe('The request body has more than 1 keys (K)');
  });

  it('stays within bounds on malformed input (the parser refuses it afterwards)', () => {
    const l = limits(4, 10, 10);
    for (const text of [']]]]}}}', '"never closed', '{"a', ',,,,', '[[[[', '[]]]]][[[[', '\\"']) {
      expect(() => jsonLimitExceeded(text, l)).not.toThrow();
    }
    expect(jsonLimitExceeded(']]]]][[[[[', l)).toBe('The request body nests objects and arrays deeper than 4 levels (D)');
  });

  it('takes time linear in the body: 5 MB of keys or of nesting are refused early', () => {
    const l = limits(64, 20_000, 10_000);
    expect(jsonLimitExceeded(`{${Array.from({ length: 300_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`, l)).toMatch(/keys/);
    expect(jsonLimitExceeded('['.repeat(5 * 1024 * 1024), l)).toMatch(/deeper/);
  });
});

describe('jsonLimits by route', () => {
  const config = parseConfig({}) as ResolvedConfig;

  it('uses the JSON_MAX_* settings everywhere but the explores upload', () => {
    expect(jsonLimits(config, 'POST', '/api/v1/login')).toEqual({
      depth: { max: 64, setting: 'JSON_MAX_DEPTH' },
      keys: { max: 20_000, setting: 'JSON_MAX_KEYS' },
      arrayLength: { max: 10_000, setting: 'JSON_MAX_ARRAY_LENGTH' },
    });
    expect(jsonLimits(config, 'GET', '/api/v1/projects/:projectUuid/explores').keys.max).toBe(20_000);
  });

  it('lets a compiled-explores upload of 50,000 fields through, and scales with EXPLORES_UPLOAD_LIMIT_MB', () => {
    const explores = shopExplores();
    const template = explores.find((e) => e.name === 'orders')!.tables.orders.dimensions.order_id as Record<string, unknown>;
    const tables: Record<string, unknown> = {};
    for (let t = 0; t < 500; t++) {
      const dimensions: Record<string, unknown> = {};
      for (let f = 0; f < 100; f++) dimensions[`field_${f}`] = { ...template, name: `field_${f}`, table: `table_${t}` };
      tables[`table_${t}`] = { name: `table_${t}`, label: `Table ${t}`, dimensions, metrics: {} };
    }
    const text = JSON.stringify([{ ...explores[0], name: 'big', baseTable: 'table_0', tables }]);
    const upload = jsonLimits(config, 'PUT', '/api/v1/projects/:projectUuid/explores');
    expect(upload.keys).toEqual({ max: (64 * 1024 * 1024) / 16, setting: 'EXPLORES_UPLOAD_LIMIT_MB, one per 16 bytes' });
    expect(jsonLimitExceeded(text, upload)).toBeUndefined();
    expect(jsonLimitExceeded(text, jsonLimits(config, 'PATCH', '/api/v1/user/me'))).toMatch(/JSON_MAX_KEYS/);
    // at the upload limit, a file of this shape is within its budget: it has fewer keys than one per 16 bytes
    expect((text.match(/":/g) ?? []).length * 16).toBeLessThan(text.length);
    const larger = parseConfig({ EXPLORES_UPLOAD_LIMIT_MB: '256' }) as ResolvedConfig;
    expect(jsonLimits(larger, 'PUT', '/api/v1/projects/:projectUuid/explores').arrayLength.max).toBe((256 * 1024 * 1024) / 16);
  });
});

describe('boundedEcho', () => {
  it('keeps small values, cuts long strings, describes large objects and arrays', () => {
    expect(boundedEcho(5)).toBe(5);
    expect(boundedEcho(null)).toBeNull();
    expect(boundedEcho({ a: [1, 'x'] })).toEqual({ a: [1, 'x'] });
    expect(boundedEcho('x'.repeat(MAX_ECHO_CHARS))).toBe('x'.repeat(MAX_ECHO_CHARS));
    expect(boundedEcho('x'.repeat(MAX_ECHO_CHARS + 1))).toBe(`${'x'.repeat(MAX_ECHO_CHARS)}…`);
    expect(boundedEcho(new Array(1_000_000).fill(0))).toBe('(an array of 1000000 items)');
    expect(boundedEcho({ a: 'y'.repeat(5_000_000) })).toBe('(an object with 1 keys)');
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(boundedEcho(deep)).toBe('(an array of 1 items)');
  });
});

class Leaf {
  @IsInt()
  n: number;
}

class Root {
  @IsString()
  name: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => Leaf)
  leaf?: Leaf;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => Leaf)
  leaves?: Leaf[];

  @IsOptional()
  free?: Record<string, unknown>;
}

class Child extends Root {
  @IsString()
  extra: string;
}

describe('undeclared properties', () => {
  const hostileNames = ['prototype', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', 'isPrototypeOf', 'unknown'];
  const withHostile = (value: Record<string, unknown>) => {
    for (const name of hostileNames) Object.defineProperty(value, name, { value: 'x', enumerable: true, configurable: true, writable: true });
    return value;
  };

  it('knows the properties a class and its ancestors declare, as own names only', () => {
    expect([...declaredProperties(Child)].sort()).toEqual(['extra', 'free', 'leaf', 'leaves', 'name']);
    expect(declaredProperties(Root).has('constructor')).toBe(false);
  });

  it('picks only declared top-level keys, prototype-named ones excluded', () => {
    const picked = pickDeclaredProperties(withHostile({ name: 'a', leaf: { n: 1 } }), Root);
    expect(Reflect.ownKeys(picked)).toEqual(['name', 'leaf']);
    expect(Object.getPrototypeOf(picked)).toBe(Object.prototype);
  });

  it('drops undeclared own properties of DTO instances at every depth, keeping free-form objects', () => {
    const root = plainToInstance(Root, { name: 'a', leaf: { n: 1 }, leaves: [{ n: 2 }, { n: 3 }], free: { anything: 1 } });
    withHostile(root as unknown as Record<string, unknown>);
    withHostile(root.leaf as unknown as Record<string, unknown>);
    withHostile(root.leaves![1] as unknown as Record<string, unknown>);
    withHostile(root.free!);
    dropUndeclaredProperties(root);
    expect(Reflect.ownKeys(root)).toEqual(['name', 'leaf', 'leaves', 'free']);
    expect(Reflect.ownKeys(root.leaf!)).toEqual(['n']);
    expect(root.leaves!.map((leaf) => Reflect.ownKeys(leaf))).toEqual([['n'], ['n']]);
    expect(Object.keys(root.free!)).toEqual(['anything', ...hostileNames]);
    expect(root).toBeInstanceOf(Root);
    expect(typeof root.toString).toBe('function');
  });
});
