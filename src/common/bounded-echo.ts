/** Longest text an error repeats back from a request: a value, a field path or a message. */
export const MAX_ECHO_CHARS = 200;

/** `text` cut to `max` characters, marked with an ellipsis when cut. */
export function truncate(text: string, max = MAX_ECHO_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/**
 * Whether the JSON form of `value` is at most `budget` characters. Stops as soon as it is over,
 * so a huge value costs no more than a small one. Counts roughly (no escapes), which is all a
 * decision between "echo it" and "describe it" needs.
 */
function fitsIn(value: unknown, budget: number): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') budget -= item.length + 2;
    else if (Array.isArray(item)) {
      budget -= 2 + item.length;
      if (budget < 0) return false;
      for (const child of item) stack.push(child);
    } else if (typeof item === 'object' && item !== null) {
      for (const key in item) {
        budget -= key.length + 4;
        if (budget < 0) return false;
        stack.push((item as Record<string, unknown>)[key]);
      }
      budget -= 2;
    } else budget -= String(item).length;
    if (budget < 0) return false;
  }
  return true;
}

/**
 * A request value as an error may echo it: strings cut to MAX_ECHO_CHARS, objects and arrays kept
 * when small and otherwise described by their size, so no error carries an unbounded part of a body.
 */
export function boundedEcho(value: unknown): unknown {
  if (typeof value === 'string') return truncate(value);
  if (typeof value !== 'object' || value === null) return value;
  if (fitsIn(value, MAX_ECHO_CHARS)) return value;
  if (Array.isArray(value)) return `(an array of ${value.length} items)`;
  return `(an object with ${Object.keys(value).length} keys)`;
}
