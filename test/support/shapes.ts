import fs from 'node:fs';

/**
 * Reads /work/shared/reference/lightdash-1.219-shapes.json style shape records (copied into
 * test/fixtures/lightdash-1.219-shapes.json) and compares real responses with them.
 *
 * Shape notation (the file's own "about"): a leaf is a JSON type name ("string", "number", "boolean",
 * "null"); "a|b" is either; an alternative may itself be a JSON-encoded shape (`"null"|[]`). An
 * object lists its keys; "k?" marks a key seen in some calls only. An array holds the shape of its
 * elements, or is empty when only empty arrays were seen (then nothing is known about elements).
 */
export type Shape = string | Shape[] | { [key: string]: Shape };

export interface ReferenceCall {
  case: string;
  status: number;
  envelope?: 'results' | 'no results key';
  results?: Shape;
  error?: string;
  body?: string;
}

export interface ShapeFile {
  about: string;
  routes: Record<string, { calls: ReferenceCall[] }>;
}

export function loadShapeFile(): ShapeFile {
  return JSON.parse(fs.readFileSync(new URL('../fixtures/lightdash-1.219-shapes.json', import.meta.url), 'utf8'));
}

/** Splits "a|b" at the top level only (not inside quotes, brackets or braces). */
function splitAlternatives(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === '|' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** The alternatives of a leaf: type names or nested shapes. */
function alternatives(leaf: string): Shape[] {
  const parts = splitAlternatives(leaf);
  if (parts.length === 1 && !/^["[{]/.test(leaf)) return [leaf];
  return parts.flatMap((part): Shape[] => {
    if (part.startsWith('"')) {
      const inner = JSON.parse(part) as string;
      return inner === part ? [inner] : alternatives(inner);
    }
    if (part.startsWith('[') || part.startsWith('{')) return [JSON.parse(part) as Shape];
    return [part];
  });
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function describeValue(value: unknown): string {
  const type = jsonType(value);
  if (type === 'object') return 'object';
  if (type === 'array') return 'array';
  return `${type} ${JSON.stringify(value)?.slice(0, 40)}`;
}

/** Differences between a value and a shape, each "path: what". Empty when the value fits. */
export function shapeDifferences(shape: Shape, value: unknown, path = '$'): string[] {
  if (typeof shape === 'string') {
    const options = alternatives(shape);
    if (options.length === 1 && typeof options[0] === 'string') {
      return options[0] === jsonType(value) ? [] : [`${path}: expected ${options[0]}, got ${describeValue(value)}`];
    }
    const outcomes = options.map((option) => shapeDifferences(option, value, path));
    if (outcomes.some((d) => d.length === 0)) return [];
    return [`${path}: expected ${shape.length > 60 ? shape.slice(0, 60) + '…' : shape}, got ${describeValue(value)}`];
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [`${path}: expected array, got ${describeValue(value)}`];
    if (shape.length === 0) return [];
    return value.flatMap((element, i) => shapeDifferences(shape[0], element, `${path}[${i}]`));
  }
  if (jsonType(value) !== 'object') return [`${path}: expected object, got ${describeValue(value)}`];
  const actual = value as Record<string, unknown>;
  const differences: string[] = [];
  const known = new Set<string>();
  for (const [rawKey, child] of Object.entries(shape)) {
    const optional = rawKey.endsWith('?');
    const key = optional ? rawKey.slice(0, -1) : rawKey;
    known.add(key);
    if (!(key in actual)) {
      if (!optional) differences.push(`${path}.${key}: missing`);
      continue;
    }
    differences.push(...shapeDifferences(child, actual[key], `${path}.${key}`));
  }
  for (const key of Object.keys(actual)) if (!known.has(key)) differences.push(`${path}.${key}: not in the reference (${describeValue(actual[key])})`);
  return differences;
}

export interface ObservedResponse {
  status: number;
  /** The parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
}

/**
 * Differences between one of our responses and one reference call, with the deliberate differences
 * of DESIGN §8 applied: §8.1 another organization's object is 404 whatever 4xx the reference gives,
 * §8.2 the reference's 500s for bad input are a 4xx here, §8.3 a 401 is our JSON envelope.
 */
export function responseDifferences(reference: ReferenceCall, observed: ObservedResponse, options: { otherOrganization?: boolean } = {}): string[] {
  const body = observed.body as Record<string, any> | undefined;
  if (reference.status === 500) {
    if (observed.status < 400 || observed.status >= 500) return [`status: expected a 4xx in place of the reference's 500 (DESIGN §8.2), got ${observed.status}`];
    return body?.status === 'error' && typeof body.error?.name === 'string' ? [] : ['body: expected the error envelope'];
  }
  if (reference.status === 401) {
    if (observed.status !== 401) return [`status: expected 401, got ${observed.status}`];
    return body?.error?.name === 'AuthorizationError' ? [] : ['body: expected the JSON AuthorizationError envelope (DESIGN §8.3)'];
  }
  // §8.1: whatever 4xx the reference gives for another organization's object, it is 404 here
  const otherOrganization = options.otherOrganization && reference.status >= 400 && reference.status < 500;
  const expectedStatus = otherOrganization ? 404 : reference.status;
  const expectedError = otherOrganization ? 'NotFoundError' : reference.error;
  if (observed.status !== expectedStatus) {
    const detail = body?.error?.name ? ` ${body.error.name}: ${String(body.error.message).slice(0, 120)}` : '';
    return [`status: expected ${expectedStatus}, got ${observed.status}${detail}`];
  }
  if (reference.body === 'not JSON') return observed.body === undefined ? [] : [`body: expected none, got ${JSON.stringify(observed.body).slice(0, 80)}`];
  if (expectedError) {
    const differences: string[] = [];
    if (body?.status !== 'error') differences.push('body: expected the error envelope');
    if (body?.error?.name !== expectedError) differences.push(`error.name: expected ${expectedError}, got ${body?.error?.name}`);
    if (body?.error?.statusCode !== expectedStatus) differences.push(`error.statusCode: expected ${expectedStatus}, got ${body?.error?.statusCode}`);
    return differences;
  }
  if (body?.status !== 'ok') return [`body: expected {status:"ok"}, got ${JSON.stringify(observed.body)?.slice(0, 80)}`];
  const extraKeys = Object.keys(body).filter((k) => k !== 'status' && k !== 'results');
  const differences = extraKeys.map((k) => `$envelope.${k}: not in the reference`);
  if (reference.envelope === 'no results key') {
    if ('results' in body) differences.push(`$envelope.results: the reference has no results key, got ${describeValue(body.results)}`);
    return differences;
  }
  if (!('results' in body)) return [...differences, '$envelope.results: missing'];
  return [...differences, ...shapeDifferences(reference.results as Shape, body.results)];
}
