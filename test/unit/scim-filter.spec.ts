import { describe, expect, it } from '@jest/globals';
import { filterToSql, matchesFilter, parseScimFilter, type FilterColumn } from '../../src/scim/scim-filter.js';

const COLUMNS: Record<string, FilterColumn> = {
  username: { sql: 'u.email', type: 'string', caseExact: false },
  'emails.value': { sql: 'u.email', type: 'string', caseExact: false },
  externalid: { sql: 'm.external_id', type: 'string', caseExact: true },
  active: { sql: 'u.is_active', type: 'boolean', caseExact: true },
};

function sql(filter: string): { where: string; params: unknown[] } {
  const params: unknown[] = ['org'];
  return { where: filterToSql(parseScimFilter(filter), COLUMNS, params), params };
}

describe('SCIM filter parser', () => {
  it.each([
    ['userName eq "kim@example.org"', { op: 'eq', attribute: 'username', value: 'kim@example.org' }],
    ['USERNAME EQ "a\\"b"', { op: 'eq', attribute: 'username', value: 'a"b' }],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"', { op: 'eq', attribute: 'username', value: 'x' }],
    ['emails.value eq "x"', { op: 'eq', attribute: 'emails.value', value: 'x' }],
    ['active eq true', { op: 'eq', attribute: 'active', value: true }],
    ['externalId pr', { op: 'pr', attribute: 'externalid' }],
    ['title eq null', { op: 'eq', attribute: 'title', value: null }],
  ])('parses %s', (text, expected) => {
    expect(parseScimFilter(text)).toEqual(expected);
  });

  it('gives "and" precedence over "or", and honours parentheses and not', () => {
    expect(parseScimFilter('a eq "1" or b eq "2" and c eq "3"')).toEqual({
      op: 'or',
      left: { op: 'eq', attribute: 'a', value: '1' },
      right: { op: 'and', left: { op: 'eq', attribute: 'b', value: '2' }, right: { op: 'eq', attribute: 'c', value: '3' } },
    });
    expect(parseScimFilter('(a eq "1" or b eq "2") and not (c sw "x")')).toEqual({
      op: 'and',
      left: { op: 'or', left: { op: 'eq', attribute: 'a', value: '1' }, right: { op: 'eq', attribute: 'b', value: '2' } },
      right: { op: 'not', filter: { op: 'sw', attribute: 'c', value: 'x' } },
    });
  });

  it.each([
    ['', 'empty'],
    ['userName', 'operator'],
    ['userName eq', 'value'],
    ['userName gt "a"', 'not supported'],
    ['userName like "a"', 'Unknown operator'],
    ['userName eq "a', 'Unterminated'],
    ['userName eq "a" and', 'ends too early'],
    ['(userName eq "a"', '")"'],
    ['userName eq "a")', 'Unexpected'],
    ['userName eq bare', 'Invalid value'],
    ['emails[type eq "work"] eq "x"', 'not supported'],
    ['"x" eq "y"', 'attribute name'],
  ])('refuses %j with 400 invalidFilter', (text, message) => {
    let caught: unknown;
    try {
      parseScimFilter(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ statusCode: 400, scimType: 'invalidFilter' });
    expect((caught as Error).message).toContain(message);
  });

  it('bounds the work: length, nesting and number of comparisons', () => {
    expect(() => parseScimFilter(`userName eq "${'a'.repeat(1000)}"`)).toThrow('at most 1000 characters');
    expect(() => parseScimFilter(`${'('.repeat(20)}a eq "1"${')'.repeat(20)}`)).toThrow('nested too deeply');
    expect(() => parseScimFilter(Array.from({ length: 51 }, () => 'a eq "1"').join(' or '))).toThrow('at most 50 comparisons');
  });
});

describe('SCIM filter to SQL', () => {
  it('binds every value as a parameter and ignores case where the attribute does', () => {
    expect(sql('userName eq "Kim@Example.org" and externalId eq "00uA"')).toEqual({
      where: '((lower(u.email) = $2::text) AND (m.external_id = $3::text))',
      params: ['org', 'kim@example.org', '00uA'],
    });
  });

  it('escapes LIKE wildcards in co, sw and ew', () => {
    expect(sql('userName co "50%_off"')).toEqual({ where: '(lower(u.email) LIKE $2::text)', params: ['org', '%50\\%\\_off%'] });
    expect(sql('userName sw "a"').params[1]).toBe('a%');
    expect(sql('userName ew "a"').params[1]).toBe('%a');
  });

  it('compares booleans and nulls, and presence', () => {
    expect(sql('active eq false')).toEqual({ where: '(u.is_active = $2::boolean)', params: ['org', false] });
    expect(sql('externalId eq null').where).toBe('(m.external_id IS NULL)');
    expect(sql('externalId pr').where).toBe("(m.external_id IS NOT NULL AND m.external_id <> '')");
    expect(sql('not (active eq true)').where).toBe('(NOT coalesce((u.is_active = $2::boolean), false))');
  });

  it('refuses attributes it cannot filter on and values of the wrong type', () => {
    expect(() => sql('title eq "x"')).toThrow('Filtering on "title" is not supported');
    expect(() => sql('active eq "yes"')).toThrow('true or false');
    expect(() => sql('userName eq 3')).toThrow('compared with a string');
  });
});

describe('SCIM filter on a multi-valued element', () => {
  it('matches ignoring case, and booleans against their string form (Entra ID)', () => {
    expect(matchesFilter(parseScimFilter('type eq "WORK"'), { type: 'work', value: 'x' })).toBe(true);
    expect(matchesFilter(parseScimFilter('primary eq "True"'), { primary: true })).toBe(true);
    expect(matchesFilter(parseScimFilter('primary eq true and type eq "home"'), { primary: true, type: 'work' })).toBe(false);
    expect(matchesFilter(parseScimFilter('value pr'), { value: '' })).toBe(false);
  });
});
