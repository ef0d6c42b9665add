import { ValidateError } from '../common/errors.js';
import { isPlainObject } from '../common/plain-object.js';

export const MAX_EXPLORES = 1_000;
export const MAX_CATALOG_ITEMS = 50_000;
/**
 * Longest explore, table and field name, in UTF-8 bytes: they are keys of unique indexes, whose
 * entries PostgreSQL limits to about 2.7 kB (a field's id index holds its table and field names
 * twice). Database identifiers are far shorter.
 */
export const MAX_NAME_BYTES = 255;
/** a malformed upload can have an error per field: the answer lists the first ones only */
const MAX_REPORTED_ERRORS = 50;

export const DIMENSION_TYPES = ['string', 'number', 'timestamp', 'date', 'boolean'] as const;
export const METRIC_TYPES = [
  'percentile', 'average', 'count', 'count_distinct', 'sum', 'sum_distinct', 'average_distinct', 'min', 'max',
  'percent_of_previous', 'percent_of_total', 'running_total', 'number', 'median', 'string', 'date', 'timestamp', 'boolean',
] as const;

type Json = Record<string, unknown>;

export interface StoredExplore {
  name: string;
  isErrored: boolean;
  summary: Json;
  definition: Json;
}

export interface CatalogItemRow {
  item_type: 'table' | 'field';
  table_name: string;
  field_name: string | null;
  field_type: 'dimension' | 'metric' | null;
  name: string;
  label: string;
  description: string | null;
  explore_name: string;
  definition: Json;
}

export interface ExploresUpload {
  explores: StoredExplore[];
  catalogItems: CatalogItemRow[];
}

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

class FieldErrors {
  readonly map: Record<string, { message: string; value?: unknown }> = {};
  count = 0;

  add(path: string, message: string, value?: unknown): void {
    this.count++;
    if (this.count > MAX_REPORTED_ERRORS) return;
    this.map[path] = value === undefined ? { message } : { message, value };
  }
  /** An explore, table or field name that can be a key of the catalog's indexes. */
  nameFits(name: string, path: string): void {
    if (Buffer.byteLength(name) > MAX_NAME_BYTES) this.add(path, `names must be at most ${MAX_NAME_BYTES} bytes (UTF-8)`, name);
  }
  requireString(object: Json, key: string, path: string): void {
    if (object[key] === undefined) this.add(`${path}.${key}`, `'${key}' is required`);
    else if (!isNonEmptyString(object[key])) this.add(`${path}.${key}`, `${key} must be a non-empty string`, object[key]);
  }
  optionalString(object: Json, key: string, path: string): void {
    if (object[key] !== undefined && typeof object[key] !== 'string') this.add(`${path}.${key}`, `${key} must be a string`, object[key]);
  }
}

/**
 * Checks the parts of a compiled-explores upload that the server relies on (names, labels, types,
 * the table/field structure) and turns it into explore rows and catalog items. Everything else in
 * the explores is kept as uploaded. Throws ValidateError with a `body.<index>.<path>` field map.
 */
export function parseExploresUpload(body: unknown): ExploresUpload {
  if (!Array.isArray(body)) throw new ValidateError({ body: { message: 'the request body must be an array of explores', value: body ?? null } });
  if (body.length > MAX_EXPLORES) throw new ValidateError({ body: { message: `at most ${MAX_EXPLORES} explores per upload`, value: body.length } });
  const errors = new FieldErrors();
  const seenNames = new Set<string>();
  body.forEach((explore, index) => {
    const path = `body.${index}`;
    if (!isPlainObject(explore)) return errors.add(path, 'each explore must be an object', explore);
    errors.requireString(explore, 'name', path);
    if (isNonEmptyString(explore.name)) {
      errors.nameFits(explore.name, `${path}.name`);
      if (seenNames.has(explore.name)) errors.add(`${path}.name`, `explore "${explore.name}" appears more than once`, explore.name);
      seenNames.add(explore.name);
    }
    if (explore.errors !== undefined) checkErroredExplore(explore, path, errors);
    else checkValidExplore(explore, path, errors);
  });
  if (errors.count > 0) {
    if (errors.count > MAX_REPORTED_ERRORS) errors.map.body = { message: `${errors.count} errors, the first ${MAX_REPORTED_ERRORS} listed` };
    throw new ValidateError(errors.map);
  }

  const explores = (body as Json[]).map(toStoredExplore);
  const catalogItems = buildCatalogItems(explores);
  if (catalogItems.length > MAX_CATALOG_ITEMS) {
    throw new ValidateError({ body: { message: `at most ${MAX_CATALOG_ITEMS} tables and fields per upload`, value: catalogItems.length } });
  }
  return { explores, catalogItems };
}

function checkErroredExplore(explore: Json, path: string, errors: FieldErrors): void {
  errors.optionalString(explore, 'label', path);
  if (!Array.isArray(explore.errors)) return errors.add(`${path}.errors`, 'errors must be an array', explore.errors);
  explore.errors.forEach((error, index) => {
    const errorPath = `${path}.errors.${index}`;
    if (!isPlainObject(error)) return errors.add(errorPath, 'each error must be an object', error);
    errors.requireString(error, 'type', errorPath);
    if (typeof error.message !== 'string') errors.add(`${errorPath}.message`, 'message must be a string', error.message);
  });
}

function checkValidExplore(explore: Json, path: string, errors: FieldErrors): void {
  errors.requireString(explore, 'label', path);
  errors.requireString(explore, 'targetDatabase', path);
  errors.optionalString(explore, 'groupLabel', path);
  errors.optionalString(explore, 'type', path);
  if (!Array.isArray(explore.tags) || !explore.tags.every((tag) => typeof tag === 'string')) errors.add(`${path}.tags`, 'tags must be an array of strings', explore.tags);
  if (!Array.isArray(explore.joinedTables)) errors.add(`${path}.joinedTables`, 'joinedTables must be an array', explore.joinedTables);
  if (!isPlainObject(explore.tables)) return errors.add(`${path}.tables`, 'tables must be an object keyed by table name', explore.tables);
  errors.requireString(explore, 'baseTable', path);
  if (isNonEmptyString(explore.baseTable) && !Object.hasOwn(explore.tables, explore.baseTable)) {
    errors.add(`${path}.baseTable`, 'baseTable must be one of the tables', explore.baseTable);
  }
  for (const [tableName, table] of Object.entries(explore.tables)) {
    const tablePath = `${path}.tables.${tableName}`;
    if (!checkNamed(table, tableName, tablePath, 'table', errors)) continue;
    checkFields(table, 'dimensions', DIMENSION_TYPES, tablePath, errors);
    checkFields(table, 'metrics', METRIC_TYPES, tablePath, errors);
  }
}

function checkFields(table: Json, key: 'dimensions' | 'metrics', types: readonly string[], tablePath: string, errors: FieldErrors): void {
  const fields = table[key];
  if (!isPlainObject(fields)) return errors.add(`${tablePath}.${key}`, `${key} must be an object keyed by field name`, fields);
  for (const [fieldName, field] of Object.entries(fields)) {
    const fieldPath = `${tablePath}.${key}.${fieldName}`;
    if (!checkNamed(field, fieldName, fieldPath, 'field', errors)) continue;
    if (!types.includes(field.type as string)) errors.add(`${fieldPath}.type`, `type must be one of: ${types.join(', ')}`, field.type ?? null);
  }
}

/**
 * A table or field, keyed by `key`: an object with a name and a description if any, and a label
 * (required on tables). False when it is not an object, so its contents are not checked.
 */
function checkNamed(value: unknown, key: string, path: string, kind: 'table' | 'field', errors: FieldErrors): value is Json {
  errors.nameFits(key, path);
  if (!isPlainObject(value)) {
    errors.add(path, `each ${kind} must be an object`, value);
    return false;
  }
  errors.requireString(value, 'name', path);
  if (kind === 'table') errors.requireString(value, 'label', path);
  else errors.optionalString(value, 'label', path);
  errors.optionalString(value, 'description', path);
  return true;
}

/** Copies the keys that are present, so optional keys stay absent rather than null. */
function pick(source: Json, keys: string[]): Json {
  return Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
}

function toStoredExplore(explore: Json): StoredExplore {
  const name = explore.name as string;
  if (explore.errors !== undefined) {
    return {
      name,
      isErrored: true,
      definition: explore,
      // as Lightdash summarises an explore that failed to compile: no database or schema, tags null when none
      summary: {
        name,
        label: explore.label ?? name,
        tags: explore.tags ?? null,
        ...pick(explore, ['groupLabel', 'type', 'errors', 'description']),
        databaseName: null,
        schemaName: null,
      },
    };
  }
  const baseTable = (explore.tables as Record<string, Json>)[explore.baseTable as string];
  return {
    name,
    isErrored: false,
    definition: explore,
    summary: {
      name,
      label: explore.label,
      tags: explore.tags,
      ...pick(explore, ['groupLabel', 'type', 'aiHint']),
      databaseName: typeof baseTable.database === 'string' ? baseTable.database : explore.targetDatabase,
      schemaName: typeof baseTable.schema === 'string' ? baseTable.schema : '',
      ...pick(baseTable, ['description']),
      ...pick(explore, ['warnings']),
    },
  };
}

/**
 * One item per table and per field of the valid explores. A table joined into several explores is
 * one item (its identity has no explore in it): the first explore that has it names it.
 */
function buildCatalogItems(explores: StoredExplore[]): CatalogItemRow[] {
  const items = new Map<string, CatalogItemRow>();
  const add = (item: CatalogItemRow) => {
    // a metric named like a dimension of its table would share its identity: the dimension keeps it
    const identity = JSON.stringify([item.item_type, item.table_name, item.field_name]);
    if (!items.has(identity)) items.set(identity, item);
  };
  for (const explore of explores) {
    if (explore.isErrored) continue;
    for (const [tableName, table] of Object.entries(explore.definition.tables as Record<string, Json>)) {
      const { dimensions, metrics, ...tableDefinition } = table;
      add({
        item_type: 'table',
        table_name: tableName,
        field_name: null,
        field_type: null,
        name: table.name as string,
        label: table.label as string,
        description: (table.description as string | undefined) ?? null,
        explore_name: explore.name,
        definition: tableDefinition,
      });
      for (const [fieldType, fields] of [['dimension', dimensions], ['metric', metrics]] as const) {
        for (const [fieldName, field] of Object.entries(fields as Record<string, Json>)) {
          add({
            item_type: 'field',
            table_name: tableName,
            field_name: fieldName,
            field_type: fieldType,
            name: field.name as string,
            label: (field.label as string | undefined) ?? (field.name as string),
            description: (field.description as string | undefined) ?? null,
            explore_name: explore.name,
            definition: field,
          });
        }
      }
    }
  }
  return [...items.values()];
}
