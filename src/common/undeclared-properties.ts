import { getMetadataStorage } from 'class-validator';

/**
 * Unknown properties are dropped, never refused (DESIGN §2): a DTO keeps only the properties its
 * class declares with a validation decorator. Declared names are held in a Set and every own key of
 * the value is checked against it, so names that exist on every object's prototype (`constructor`,
 * `toString`, `__proto__`, …) are dropped like any other unknown name.
 */

const declaredByClass = new WeakMap<Function, ReadonlySet<string>>();

/** The properties `dtoClass` (with the classes it extends) declares with class-validator decorators. */
export function declaredProperties(dtoClass: Function): ReadonlySet<string> {
  let declared = declaredByClass.get(dtoClass);
  if (!declared) {
    const metadatas = getMetadataStorage().getTargetValidationMetadatas(dtoClass, '', false, false);
    declared = new Set(metadatas.map((metadata) => metadata.propertyName));
    declaredByClass.set(dtoClass, declared);
  }
  return declared;
}

/**
 * A copy of the plain object `body` with only the top-level properties `dtoClass` declares. Run
 * before the DTO transformer, whose work grows with the square of an object's key count, so
 * unknown keys cost nothing there; nested objects are left to dropUndeclaredProperties.
 */
export function pickDeclaredProperties(body: Record<string, unknown>, dtoClass: Function): Record<string, unknown> {
  const declared = declaredProperties(dtoClass);
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    if (declared.has(key)) picked[key] = body[key];
  }
  return picked;
}

/**
 * Deletes, in place, every own property of a DTO instance that its class does not declare, in the
 * DTO instances nested in it (directly or in arrays) too. Plain objects are free-form values (a
 * chart's config), whose keys are data and are kept.
 */
export function dropUndeclaredProperties(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) dropUndeclaredProperties(item);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const dtoClass = (Object.getPrototypeOf(value) as { constructor?: Function } | null)?.constructor;
  if (!dtoClass || dtoClass === Object) return;
  const declared = declaredProperties(dtoClass);
  if (declared.size === 0) return; // not a DTO (a Date, a Map)
  const record = value as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(record)) {
    if (typeof key === 'string' && declared.has(key)) dropUndeclaredProperties(record[key]);
    else delete record[key];
  }
}
