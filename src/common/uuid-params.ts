import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { getMetadataStorage, IS_UUID, isUUID, ValidationTypes } from 'class-validator';

/** PLAIN_TO_CLASS of class-transformer's TransformationType. */
const PLAIN_TO_CLASS = 0;

/** For each property of a DTO of uuids only: the uuid versions its @IsUUID() decorators ask for. */
type UuidPlan = ReadonlyMap<string, readonly unknown[]>;

const plans = new WeakMap<Function, UuidPlan | null>();

/**
 * The plan of `dtoClass` when every property it declares (with the classes it extends) is checked by
 * @IsUUID() alone, unconditionally, and class-transformer has nothing to do on it; null otherwise.
 */
function uuidPlanOf(dtoClass: Function): UuidPlan | null {
  let plan = plans.get(dtoClass);
  if (plan !== undefined) return plan;
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(dtoClass, '', false, false);
  const versions = new Map<string, unknown[]>();
  let onlyUuids = metadatas.length > 0 && defaultMetadataStorage.getStrategy(dtoClass) === 'none';
  for (const metadata of metadatas) {
    const { propertyName } = metadata;
    const plain =
      metadata.type === ValidationTypes.CUSTOM_VALIDATION &&
      metadata.name === IS_UUID &&
      !metadata.each &&
      !metadata.always &&
      !metadata.groups?.length &&
      defaultMetadataStorage.findTransformMetadatas(dtoClass, propertyName, PLAIN_TO_CLASS).length === 0 &&
      !defaultMetadataStorage.findTypeMetadata(dtoClass, propertyName) &&
      !defaultMetadataStorage.findExposeMetadata(dtoClass, propertyName) &&
      !defaultMetadataStorage.findExcludeMetadata(dtoClass, propertyName);
    if (!plain) onlyUuids = false;
    versions.set(propertyName, [...(versions.get(propertyName) ?? []), metadata.constraints?.[0]]);
  }
  plan = onlyUuids ? versions : null;
  plans.set(dtoClass, plan);
  return plan;
}

/**
 * Path parameters whose DTO holds uuids only (most routes'), as the validation pipe would make them:
 * an instance of the DTO with the declared properties, in the order given. Checked with
 * class-validator's own isUUID, without its generic transform-and-validate, which costs tens of
 * microseconds a request (most of it finding the DTO's metadata among every DTO's). Undefined when
 * the DTO is not of that kind or a value is missing or not a uuid: the generic path then answers,
 * with its usual errors.
 */
export function uuidParamsInstance(dtoClass: Function, value: unknown): object | undefined {
  const plan = uuidPlanOf(dtoClass);
  if (!plan || typeof value !== 'object' || value === null) return undefined;
  const given = value as Record<string, unknown>;
  for (const [name, versions] of plan) {
    const field = given[name];
    for (const version of versions) if (!isUUID(field, version as Parameters<typeof isUUID>[1])) return undefined;
  }
  const instance = new (dtoClass as new () => Record<string, unknown>)();
  for (const key of Object.keys(given)) if (plan.has(key)) instance[key] = given[key];
  return instance;
}
