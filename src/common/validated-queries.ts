/**
 * Query parameters that a query DTO accepted, remembered by their text: a repeated query (the same
 * page of the same list, say) skips class-validator, whose metadata lookup alone costs more than the
 * rest of a small read. A query's validation depends on nothing but the query, so the outcome is the
 * same. Only accepted queries are kept, at most `perClass` per DTO class (the oldest go first), and
 * every caller gets a copy of its own.
 */
export class ValidatedQueries {
  private readonly byClass = new Map<Function, Map<string, object>>();

  constructor(
    private readonly perClass = 128,
    private readonly maxKeyLength = 512,
  ) {}

  /** The key of a parsed query string (strings and lists of strings); undefined when it is not one or too long to keep. */
  keyOf(value: unknown): string | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    for (const field of Object.values(value)) {
      if (typeof field === 'string') continue;
      if (Array.isArray(field) && field.every((item) => typeof item === 'string')) continue;
      return undefined;
    }
    const key = JSON.stringify(value);
    return key.length <= this.maxKeyLength ? key : undefined;
  }

  get(dtoClass: Function, key: string): object | undefined {
    const kept = this.byClass.get(dtoClass)?.get(key);
    return kept && copyOf(kept);
  }

  set(dtoClass: Function, key: string, instance: object): void {
    let kept = this.byClass.get(dtoClass);
    if (!kept) this.byClass.set(dtoClass, (kept = new Map()));
    if (kept.size >= this.perClass && !kept.has(key)) kept.delete(kept.keys().next().value!);
    kept.set(key, copyOf(instance));
  }
}

/** The same DTO instance, with nothing shared: a service may change its copy. */
function copyOf(instance: object): object {
  const copy = Object.create(Object.getPrototypeOf(instance) as object | null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(instance)) {
    copy[name] = typeof value === 'object' && value !== null ? structuredClone(value) : value;
  }
  return copy;
}
