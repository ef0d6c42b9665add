import { escapeLike } from '../common/pagination.js';
import { invalidFilter } from './scim-errors.js';

/**
 * The subset of the SCIM filter grammar (RFC 7644 §3.4.2.2) this server understands: comparisons
 * with eq, ne, co, sw, ew and pr, combined with and, or, not and parentheses. Attribute names are
 * case-insensitive and may carry their schema URN. Pure: parsing and translation to SQL need nothing
 * but their arguments.
 */
export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew';
export type FilterValue = string | number | boolean | null;

export type ScimFilter =
  | { op: 'and' | 'or'; left: ScimFilter; right: ScimFilter }
  | { op: 'not'; filter: ScimFilter }
  | { op: 'pr'; attribute: string }
  | { op: CompareOperator; attribute: string; value: FilterValue };

export const MAX_FILTER_LENGTH = 1000;
const MAX_COMPARISONS = 50;
const MAX_DEPTH = 10;

const COMPARE_OPERATORS = new Set(['eq', 'ne', 'co', 'sw', 'ew']);
const UNSUPPORTED_OPERATORS = new Set(['gt', 'ge', 'lt', 'le']);

type Token = { kind: 'word' | 'string' | '(' | ')' | '[' | ']'; text: string; value?: FilterValue };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ kind: c, text: c });
      i++;
    } else if (c === '"') {
      // a JSON string: escapes as in JSON
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw invalidFilter('Unterminated string in filter');
      let value: string;
      try {
        value = JSON.parse(text.slice(i, j + 1)) as string;
      } catch {
        throw invalidFilter('Invalid string in filter');
      }
      tokens.push({ kind: 'string', text: text.slice(i, j + 1), value });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s()[\]"]/.test(text[j])) j++;
      tokens.push({ kind: 'word', text: text.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

const ATTRIBUTE_PATH = /^(?:urn:[^\s]+:)?[A-Za-z][\w$-]*(?:\.[A-Za-z][\w$-]*)?$/;

/**
 * An attribute path as a lower-case key without the schema URN of the core schemas
 * (`urn:ietf:params:scim:schemas:core:2.0:User:userName` → `username`); an extension's URN is kept.
 */
export function normalizeAttribute(path: string): string {
  const lower = path.toLowerCase();
  const core = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/.exec(lower);
  return core ? lower.slice(core[0].length) : lower;
}

class Parser {
  private position = 0;
  private comparisons = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): ScimFilter {
    if (this.tokens.length === 0) throw invalidFilter('The filter is empty');
    const filter = this.or(0);
    if (this.position < this.tokens.length) throw invalidFilter(`Unexpected "${this.tokens[this.position].text}" in filter`);
    return filter;
  }

  private peekWord(): string | undefined {
    const token = this.tokens[this.position];
    return token?.kind === 'word' ? token.text.toLowerCase() : undefined;
  }

  private or(depth: number): ScimFilter {
    let left = this.and(depth);
    while (this.peekWord() === 'or') {
      this.position++;
      left = { op: 'or', left, right: this.and(depth) };
    }
    return left;
  }

  private and(depth: number): ScimFilter {
    let left = this.unary(depth);
    while (this.peekWord() === 'and') {
      this.position++;
      left = { op: 'and', left, right: this.unary(depth) };
    }
    return left;
  }

  private unary(depth: number): ScimFilter {
    if (depth > MAX_DEPTH) throw invalidFilter('The filter is nested too deeply');
    const token = this.tokens[this.position];
    if (!token) throw invalidFilter('The filter ends too early');
    if (token.kind === 'word' && token.text.toLowerCase() === 'not') {
      this.position++;
      return { op: 'not', filter: this.group(depth + 1) };
    }
    if (token.kind === '(') return this.group(depth + 1);
    return this.comparison();
  }

  private group(depth: number): ScimFilter {
    if (this.tokens[this.position]?.kind !== '(') throw invalidFilter('Expected "(" in filter');
    this.position++;
    const inner = this.or(depth);
    if (this.tokens[this.position]?.kind !== ')') throw invalidFilter('Expected ")" in filter');
    this.position++;
    return inner;
  }

  private comparison(): ScimFilter {
    if (++this.comparisons > MAX_COMPARISONS) throw invalidFilter(`A filter may hold at most ${MAX_COMPARISONS} comparisons`);
    const attributeToken = this.tokens[this.position++];
    if (attributeToken.kind !== 'word' || !ATTRIBUTE_PATH.test(attributeToken.text)) {
      throw invalidFilter(`Expected an attribute name in filter, found "${attributeToken.text}"`);
    }
    if (this.tokens[this.position]?.kind === '[') throw invalidFilter('Complex attribute filters ([...]) are not supported in this filter');
    const attribute = normalizeAttribute(attributeToken.text);
    const operator = this.peekWord();
    if (operator === undefined) throw invalidFilter(`Expected an operator after "${attributeToken.text}"`);
    this.position++;
    if (operator === 'pr') return { op: 'pr', attribute };
    if (UNSUPPORTED_OPERATORS.has(operator)) throw invalidFilter(`The operator "${operator}" is not supported`);
    if (!COMPARE_OPERATORS.has(operator)) throw invalidFilter(`Unknown operator "${operator}"`);
    return { op: operator as CompareOperator, attribute, value: this.value() };
  }

  private value(): FilterValue {
    const token = this.tokens[this.position++];
    if (!token) throw invalidFilter('The filter ends before a value');
    if (token.kind === 'string') return token.value!;
    if (token.kind === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
      if (/^-?\d+(\.\d+)?$/.test(token.text)) return Number(token.text);
    }
    throw invalidFilter(`Invalid value "${token.text}" in filter`);
  }
}

/** Parses a SCIM filter; 400 `invalidFilter` for anything outside the supported subset. */
export function parseScimFilter(text: string): ScimFilter {
  if (text.length > MAX_FILTER_LENGTH) throw invalidFilter(`A filter may be at most ${MAX_FILTER_LENGTH} characters long`);
  return new Parser(tokenize(text)).parse();
}

/** How a filterable attribute is read in SQL. */
export interface FilterColumn {
  sql: string;
  type: 'string' | 'boolean';
  /** false: compared ignoring case (userName, emails, displayName) */
  caseExact: boolean;
}

/**
 * The filter as an SQL condition over `columns` (keys: normalized attribute paths), with its values
 * appended to `params` as bound parameters: never concatenated into the statement.
 */
export function filterToSql(filter: ScimFilter, columns: Record<string, FilterColumn>, params: unknown[]): string {
  switch (filter.op) {
    case 'and':
    case 'or':
      return `(${filterToSql(filter.left, columns, params)} ${filter.op.toUpperCase()} ${filterToSql(filter.right, columns, params)})`;
    case 'not':
      return `(NOT coalesce(${filterToSql(filter.filter, columns, params)}, false))`;
    case 'pr': {
      const column = columnOf(columns, filter.attribute);
      return column.type === 'string' ? `(${column.sql} IS NOT NULL AND ${column.sql} <> '')` : `(${column.sql} IS NOT NULL)`;
    }
    default:
      return comparisonSql(filter, columnOf(columns, filter.attribute), params);
  }
}

function columnOf(columns: Record<string, FilterColumn>, attribute: string): FilterColumn {
  const column = columns[attribute];
  if (!column) throw invalidFilter(`Filtering on "${attribute}" is not supported`);
  return column;
}

function comparisonSql(filter: Extract<ScimFilter, { value: FilterValue }>, column: FilterColumn, params: unknown[]): string {
  const { op, value } = filter;
  if (value === null) {
    if (op === 'eq') return `(${column.sql} IS NULL)`;
    if (op === 'ne') return `(${column.sql} IS NOT NULL)`;
    throw invalidFilter(`"${op}" needs a value other than null`);
  }
  if (column.type === 'boolean') {
    if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) throw invalidFilter(`"${filter.attribute}" is compared with eq or ne and true or false`);
    params.push(value);
    return `(${column.sql} ${op === 'eq' ? '=' : 'IS DISTINCT FROM'} $${params.length}::boolean)`;
  }
  if (typeof value !== 'string') throw invalidFilter(`"${filter.attribute}" is compared with a string`);
  const subject = column.caseExact ? column.sql : `lower(${column.sql})`;
  const text = column.caseExact ? value : value.toLowerCase();
  if (op === 'eq' || op === 'ne') {
    params.push(text);
    return `(${subject} ${op === 'eq' ? '=' : 'IS DISTINCT FROM'} $${params.length}::text)`;
  }
  const pattern = op === 'co' ? `%${escapeLike(text)}%` : op === 'sw' ? `${escapeLike(text)}%` : `%${escapeLike(text)}`;
  params.push(pattern);
  return `(${subject} LIKE $${params.length}::text)`;
}

/** Whether one element of a multi-valued attribute (an email, a role, a member) matches the filter; string comparisons ignore case. */
export function matchesFilter(filter: ScimFilter, element: Record<string, unknown>): boolean {
  switch (filter.op) {
    case 'and':
      return matchesFilter(filter.left, element) && matchesFilter(filter.right, element);
    case 'or':
      return matchesFilter(filter.left, element) || matchesFilter(filter.right, element);
    case 'not':
      return !matchesFilter(filter.filter, element);
    case 'pr': {
      const value = valueOf(element, filter.attribute);
      return value !== undefined && value !== null && value !== '';
    }
    default: {
      const actual = valueOf(element, filter.attribute);
      const [a, b] = [comparable(actual), comparable(filter.value)];
      switch (filter.op) {
        case 'eq':
          return a === b;
        case 'ne':
          return a !== b;
        case 'co':
          return typeof a === 'string' && typeof b === 'string' && a.includes(b);
        case 'sw':
          return typeof a === 'string' && typeof b === 'string' && a.startsWith(b);
        case 'ew':
          return typeof a === 'string' && typeof b === 'string' && a.endsWith(b);
      }
    }
  }
}

function valueOf(element: Record<string, unknown>, attribute: string): unknown {
  const key = Object.keys(element).find((name) => name.toLowerCase() === attribute);
  return key === undefined ? undefined : element[key];
}

// Entra ID sends `primary eq "True"`: booleans and their string forms compare alike
function comparable(value: unknown): unknown {
  if (typeof value === 'string') return value.toLowerCase();
  if (typeof value === 'boolean') return String(value);
  return value ?? null;
}
