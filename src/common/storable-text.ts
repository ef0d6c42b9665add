/**
 * Text PostgreSQL can store. Its `text` refuses the NUL character, and its `json`/`jsonb` also refuse
 * half a UTF-16 surrogate pair (which JSON.stringify writes as an escape). JSON and URLs can carry
 * both, so they are refused where requests come in (the JSON body parser and the validation pipe)
 * with a 422, instead of failing in the database with a 500.
 */

const NUL = '\u0000';

/** Every JSON escape, a backslash and the character after it: so `\\u0000` (an escaped backslash) is not mistaken for one. */
const JSON_ESCAPE = /\\(?:u([0-9a-fA-F]{4})|[^])/g;
const LOW_SURROGATE_ESCAPE = /^\\u[dD][c-fC-F][0-9a-fA-F]{2}/;

/** Why the JSON text `text` holds a string PostgreSQL cannot store, or undefined when it holds none. */
export function unstorableJsonText(text: string): string | undefined {
  if (!text.includes('\\u')) return undefined;
  JSON_ESCAPE.lastIndex = 0;
  for (let escape = JSON_ESCAPE.exec(text); escape; escape = JSON_ESCAPE.exec(text)) {
    if (escape[1] === undefined) continue;
    const code = parseInt(escape[1], 16);
    if (code === 0) return 'strings must not contain the NUL character';
    if (code >= 0xdc00 && code <= 0xdfff) return 'strings must not contain half a UTF-16 surrogate pair';
    if (code >= 0xd800 && code <= 0xdbff) {
      if (!LOW_SURROGATE_ESCAPE.test(text.slice(JSON_ESCAPE.lastIndex, JSON_ESCAPE.lastIndex + 6))) {
        return 'strings must not contain half a UTF-16 surrogate pair';
      }
      JSON_ESCAPE.lastIndex += 6;
    }
  }
  return undefined;
}

/** Whether `value` (a string, or strings in an array) holds the NUL character. */
export function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  return Array.isArray(value) && value.some((item) => typeof item === 'string' && item.includes(NUL));
}
