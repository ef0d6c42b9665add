import { isPlainObject } from '../common/plain-object.js';
import { invalidSyntax, invalidValue, ScimError } from './scim-errors.js';
import { matchesFilter, normalizeAttribute, parseScimFilter, type ScimFilter } from './scim-filter.js';

/**
 * SCIM PATCH (RFC 7644 §3.5.2): parsing the PatchOp message, and applying its operations to a
 * resource as plain JSON. Pure functions.
 */
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const MAX_PATCH_OPERATIONS = 1000;

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

/** The operations of a PatchOp body; `op` in any case (Entra sends "Replace"); `remove` needs a path. */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw invalidSyntax('The request body must be a SCIM PatchOp message');
  const operations = (body as Record<string, unknown>).Operations ?? (body as Record<string, unknown>).operations;
  if (!Array.isArray(operations)) throw invalidSyntax('"Operations" must be an array');
  if (operations.length > MAX_PATCH_OPERATIONS) throw new ScimError(400, `At most ${MAX_PATCH_OPERATIONS} operations per request`, 'tooMany');
  return operations.map((raw, index) => {
    if (!isPlainObject(raw)) throw invalidSyntax(`Operations[${index}] must be an object`);
    const { op, path, value } = raw as Record<string, unknown>;
    const name = typeof op === 'string' ? op.toLowerCase() : undefined;
    if (name !== 'add' && name !== 'replace' && name !== 'remove') throw invalidSyntax(`Operations[${index}].op must be add, replace or remove`);
    if (path !== undefined && (typeof path !== 'string' || path.length === 0 || path.length > 1000)) {
      throw invalidSyntax(`Operations[${index}].path must be a non-empty string`);
    }
    if (name === 'remove' && path === undefined) throw new ScimError(400, `Operations[${index}]: remove needs a path`, 'noTarget');
    if (name !== 'remove' && value === undefined) throw invalidValue(`Operations[${index}]: ${name} needs a value`);
    return { op: name, ...(path === undefined ? {} : { path: path as string }), ...(value === undefined ? {} : { value }) };
  });
}

/** A parsed path: attribute (normalized, extension URN kept), optional value filter and sub-attribute. */
export interface PatchPath {
  attribute: string;
  filter?: ScimFilter;
  subAttribute?: string;
}

const EXTENSION_PATH = /^(urn:.+):([A-Za-z][\w$-]*(?:\.[A-Za-z][\w$-]*)?)$/;

export function parsePatchPath(path: string): PatchPath {
  const bracket = path.indexOf('[');
  if (bracket >= 0) {
    const close = path.lastIndexOf(']');
    if (close < bracket) throw new ScimError(400, `Invalid path "${path}"`, 'invalidPath');
    const rest = path.slice(close + 1);
    if (rest !== '' && !/^\.[A-Za-z][\w$-]*$/.test(rest)) throw new ScimError(400, `Invalid path "${path}"`, 'invalidPath');
    let filter: ScimFilter;
    try {
      filter = parseScimFilter(path.slice(bracket + 1, close));
    } catch (error) {
      throw new ScimError(400, `Invalid path "${path}": ${(error as Error).message}`, 'invalidPath');
    }
    return { attribute: normalizeAttribute(path.slice(0, bracket)), filter, ...(rest ? { subAttribute: rest.slice(1).toLowerCase() } : {}) };
  }
  const normalized = normalizeAttribute(path);
  const extension = EXTENSION_PATH.exec(normalized);
  // an extension attribute stays under its schema: "<urn>" and then "role"
  if (extension) return { attribute: extension[1], subAttribute: extension[2] };
  const dot = normalized.indexOf('.');
  return dot < 0 ? { attribute: normalized } : { attribute: normalized.slice(0, dot), subAttribute: normalized.slice(dot + 1) };
}

type Json = Record<string, unknown>;

/** The key of `object` matching `name` ignoring case (SCIM attribute names are case-insensitive), or `name`. */
function keyOf(object: Json, name: string): string {
  return Object.keys(object).find((key) => key.toLowerCase() === name.toLowerCase()) ?? name;
}

/**
 * Applies the operations, in order, to a copy of `resource` (a SCIM resource as JSON). Multi-valued
 * attributes: `add` appends, `replace` replaces, a value filter (`emails[type eq "work"].value`)
 * selects elements; `add`/`replace` through a filter that selects nothing adds an element built
 * from the filter's `eq` comparisons (how Okta and Entra set a work email). Unknown attributes are
 * written like any other: the resource's reader ignores what it does not know.
 */
export function applyPatch(resource: Json, operations: PatchOperation[]): Json {
  const result = structuredClone(resource);
  for (const operation of operations) {
    if (operation.path === undefined) {
      if (!isPlainObject(operation.value)) throw invalidValue(`${operation.op} without a path needs an object value`);
      for (const [path, value] of Object.entries(operation.value as Json)) applyAt(result, parsePatchPath(path), operation.op, value);
    } else {
      applyAt(result, parsePatchPath(operation.path), operation.op, operation.value);
    }
  }
  return result;
}

function applyAt(resource: Json, path: PatchPath, op: PatchOperation['op'], value: unknown): void {
  const key = keyOf(resource, path.attribute);
  if (path.filter) {
    const current = Array.isArray(resource[key]) ? (resource[key] as unknown[]).filter(isPlainObject) as Json[] : [];
    const matching = current.filter((element) => matchesFilter(path.filter!, element));
    if (op === 'remove') {
      resource[key] = path.subAttribute
        ? current.map((element) => (matching.includes(element) ? withoutKey(element, path.subAttribute!) : element))
        : current.filter((element) => !matching.includes(element));
      return;
    }
    if (matching.length === 0) {
      const created: Json = { ...equalities(path.filter) };
      if (path.subAttribute) created[path.subAttribute] = value;
      else if (isPlainObject(value)) Object.assign(created, value);
      resource[key] = [...current, created];
      return;
    }
    for (const element of matching) {
      if (path.subAttribute) element[keyOf(element, path.subAttribute)] = value;
      else if (isPlainObject(value)) Object.assign(element, value);
    }
    resource[key] = current;
    return;
  }
  if (path.subAttribute) {
    const parent = isPlainObject(resource[key]) ? (resource[key] as Json) : {};
    if (op === 'remove') delete parent[keyOf(parent, path.subAttribute)];
    else parent[keyOf(parent, path.subAttribute)] = value;
    resource[key] = parent;
    return;
  }
  if (op === 'remove') {
    delete resource[key];
  } else if (op === 'add' && Array.isArray(resource[key])) {
    resource[key] = [...(resource[key] as unknown[]), ...(Array.isArray(value) ? value : [value])];
  } else if (op === 'add' && isPlainObject(resource[key]) && isPlainObject(value)) {
    resource[key] = { ...(resource[key] as Json), ...(value as Json) };
  } else {
    resource[key] = value;
  }
}

function withoutKey(element: Json, name: string): Json {
  const copy = { ...element };
  delete copy[keyOf(copy, name)];
  return copy;
}

/** `type eq "work" and primary eq true` → {type: "work", primary: true}. */
function equalities(filter: ScimFilter): Json {
  if (filter.op === 'and') return { ...equalities(filter.left), ...equalities(filter.right) };
  if (filter.op === 'eq') return { [filter.attribute]: filter.value };
  return {};
}
