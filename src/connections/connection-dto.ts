import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, type ApiPropertyOptions, getSchemaPath } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Allow, ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy, ValidateNested } from 'class-validator';
import { isPlainObject } from '../common/plain-object.js';
import { IsOptionalNotNull } from '../common/transforms.js';
import type { ConnectionSchemas, FieldSpec, FieldType } from './connection-schemas.js';

/**
 * Request validation of connections from their declared schemas: one DTO class per type is built from
 * connection-schemas.ts, so the global validation pipe reports a bad field with its path
 * (`body.warehouseConnection.port`) and undeclared fields are dropped before validation (never
 * stored, never a 422), as Lightdash ignores fields it does not know.
 */

interface ConnectionClasses {
  byType: ReadonlyMap<string, Type>;
  /** a connection whose `type` is missing or unknown: its only rule reports the allowed types */
  unknownType: Type;
}

const built = new Map<ConnectionSchemas, ConnectionClasses>();

function pascalCase(name: string): string {
  return name.replace(/(^|_)([a-z])/g, (_match, _sep, letter: string) => letter.toUpperCase());
}

function namedClass(name: string): Type {
  const created = class {};
  Object.defineProperty(created, 'name', { value: name });
  return created;
}

function isStringMap(type: Extract<FieldType, { json: 'stringMap' }>, value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const entries = Object.values(value);
  return entries.length <= type.maxKeys && entries.every((v) => typeof v === 'string' && v.length <= type.maxLength);
}

function isObjectList(type: Extract<FieldType, { json: 'objectList' }>, value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length <= type.maxItems &&
    value.every((item) => isPlainObject(item) && type.keys.every((key) => typeof item[key] === 'string' && (item[key] as string).length <= type.maxLength))
  );
}

function validators(spec: FieldSpec): PropertyDecorator[] {
  const { type } = spec;
  const presence = spec.nullable ? IsOptional() : IsOptionalNotNull();
  switch (type.json) {
    case 'string':
      return [presence, IsString(), MaxLength(type.maxLength), ...(type.pattern ? [Matches(type.pattern, { message: `$property ${type.patternMessage}` })] : [])];
    case 'integer':
      return [presence, IsInt(), Min(type.min), Max(type.max)];
    case 'boolean':
      return [presence, IsBoolean()];
    case 'enum':
      return [presence, IsIn(type.values)];
    case 'stringMap':
      return [
        presence,
        ValidateBy({
          name: 'isStringMap',
          validator: {
            validate: (value: unknown) => isStringMap(type, value),
            defaultMessage: (args) => `${args?.property} must be an object of at most ${type.maxKeys} string values`,
          },
        }),
      ];
    case 'stringList':
      return [presence, IsArray(), ArrayMaxSize(type.maxItems), IsString({ each: true }), MaxLength(type.maxLength, { each: true })];
    case 'objectList':
      return [
        presence,
        ValidateBy({
          name: 'isObjectList',
          validator: {
            validate: (value: unknown) => isObjectList(type, value),
            defaultMessage: (args) => `${args?.property} must be an array of at most ${type.maxItems} objects with string ${type.keys.join(' and ')}`,
          },
        }),
      ];
  }
}

function documentation(spec: FieldSpec): ApiPropertyOptions {
  const { type } = spec;
  const common = { nullable: spec.nullable || undefined, writeOnly: !spec.returned || undefined, description: spec.returned ? undefined : 'Kept on the server (encrypted), never returned' };
  switch (type.json) {
    case 'string':
      return { ...common, type: 'string', maxLength: type.maxLength };
    case 'integer':
      return { ...common, type: 'integer', minimum: type.min, maximum: type.max };
    case 'boolean':
      return { ...common, type: 'boolean' };
    case 'enum':
      return { ...common, enum: [...type.values] };
    case 'stringMap':
      return { ...common, type: 'object', additionalProperties: { type: 'string' } };
    case 'stringList':
      return { ...common, type: 'string', isArray: true };
    case 'objectList':
      return { ...common, type: 'array', items: { type: 'object', properties: Object.fromEntries(type.keys.map((key) => [key, { type: 'string' }])) } } as ApiPropertyOptions;
  }
}

function connectionClasses(schemas: ConnectionSchemas): ConnectionClasses {
  const existing = built.get(schemas);
  if (existing) return existing;
  const types = Object.keys(schemas.types);
  const byType = new Map<string, Type>();
  for (const [typeName, schema] of Object.entries(schemas.types)) {
    const dto = namedClass(`${pascalCase(typeName)}${schemas.name}`);
    IsIn([typeName])(dto.prototype, 'type');
    ApiProperty({ enum: [typeName], example: typeName })(dto.prototype, 'type');
    for (const [field, spec] of Object.entries(schema.fields)) {
      for (const decorator of validators(spec)) decorator(dto.prototype, field);
      ApiPropertyOptional(documentation(spec))(dto.prototype, field);
    }
    byType.set(typeName, dto);
  }
  const unknownType = namedClass(`Unknown${schemas.name}Type`);
  IsIn(types)(unknownType.prototype, 'type');
  const classes = { byType, unknownType };
  built.set(schemas, classes);
  return classes;
}

/** Keys inside list items are declared too: the others are dropped as well. */
function withoutUndeclaredKeys(type: FieldType, value: unknown): unknown {
  if (type.json !== 'objectList' || !Array.isArray(value)) return value;
  return value.map((item) => (isPlainObject(item) ? Object.fromEntries(type.keys.filter((key) => Object.hasOwn(item, key)).map((key) => [key, item[key]])) : item));
}

/**
 * Stands for a connection that is not an object, so that nested validation does not walk into an
 * array or a string; the property's own rule reports it, echoing the value sent.
 */
class NotAnObject {
  constructor(sent: unknown) {
    Object.defineProperty(this, 'sent', { value: sent, enumerable: false });
  }

  toJSON(): unknown {
    return (this as unknown as { sent: unknown }).sent;
  }
}
Allow()(NotAnObject.prototype, 'sent');

/** The DTO instance for a connection in a body: the class of its type with only the declared fields. */
function toConnectionDto(schemas: ConnectionSchemas, raw: unknown): unknown {
  if (raw === undefined) return raw;
  if (!isPlainObject(raw)) return new NotAnObject(raw);
  const { byType, unknownType } = connectionClasses(schemas);
  const dto = typeof raw.type === 'string' ? byType.get(raw.type) : undefined;
  if (!dto) return Object.assign(new unknownType(), { type: raw.type });
  const connection: Record<string, unknown> = Object.assign(new dto(), { type: raw.type });
  for (const [field, spec] of Object.entries(schemas.types[raw.type as string].fields)) {
    if (!Object.hasOwn(raw, field)) continue;
    connection[field] = withoutUndeclaredKeys(spec.type, raw[field]);
  }
  return connection;
}

/** The models documented for a connection property; list them in `@ApiExtraModels` of the DTO. */
export function ConnectionModels(schemas: ConnectionSchemas): ClassDecorator {
  return ApiExtraModels(...connectionClasses(schemas).byType.values());
}

/**
 * A connection property: an object whose `type` is one of the declared types, its fields checked
 * against that type's schema. Combine with IsOptionalNotNull() for an optional one.
 */
export function IsConnection(schemas: ConnectionSchemas, documented: { description: string; example: Record<string, unknown>; required?: boolean }) {
  const { byType } = connectionClasses(schemas);
  const types = [...byType.keys()];
  return applyDecorators(
    Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => toConnectionDto(schemas, obj[key]), { toClassOnly: true }),
    ValidateBy({
      name: 'isConnection',
      validator: {
        validate: (value: unknown) => typeof value === 'object' && value !== null && !(value instanceof NotAnObject),
        defaultMessage: (args) => `${args?.property} must be an object whose type is one of: ${types.join(', ')}`,
      },
    }),
    ValidateNested(),
    (documented.required === false ? ApiPropertyOptional : ApiProperty)({
      description: documented.description,
      example: documented.example,
      oneOf: [...byType.values()].map((dto) => ({ $ref: getSchemaPath(dto) })),
      discriminator: { propertyName: 'type', mapping: Object.fromEntries([...byType].map(([type, dto]) => [type, getSchemaPath(dto)])) },
    }),
  );
}
