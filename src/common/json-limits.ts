/**
 * Bounds on the shape of a JSON body, checked on the raw text before it is parsed, so that the work a
 * body can cause later (parsing, the DTO transformer, validation, recursion anywhere) stays small.
 */

/** A bound and the setting that changes it, named in the refusal. */
export interface JsonLimit {
  max: number;
  setting: string;
}

export interface JsonLimits {
  /** Objects and arrays inside each other (`{}` is depth 1). */
  depth: JsonLimit;
  /** Object keys in the whole body. */
  keys: JsonLimit;
  /** Items of any one array. */
  arrayLength: JsonLimit;
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Index of the quote closing the string opened at `open`, or text.length when it is never closed. */
function endOfString(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  while (close !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close;
    close = text.indexOf('"', close + 1);
  }
  return text.length;
}

/**
 * Why the JSON text `text` is over `limits`, or undefined when it is within them. One pass, no
 * recursion, no allocation beyond one counter per allowed level. Malformed JSON is not judged here
 * (the parser refuses it): the scan only has to stay within bounds on it.
 */
export function jsonLimitExceeded(text: string, limits: JsonLimits): string | undefined {
  const maxDepth = limits.depth.max;
  const maxKeys = limits.keys.max;
  const maxArrayLength = limits.arrayLength.max;
  // per open level: the items counted so far in an array, -1 for an object (level 0 is outside any)
  const items = new Int32Array(maxDepth + 1);
  items[0] = -1;
  let depth = 0;
  let keys = 0;
  let expectingItem = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === LF || c === CR || c === TAB) continue;
    if (expectingItem) {
      expectingItem = false;
      if (c !== CLOSE_BRACKET && ++items[depth] > maxArrayLength) {
        return `An array in the request body has more than ${maxArrayLength} items (${limits.arrayLength.setting})`;
      }
    }
    switch (c) {
      case QUOTE:
        i = endOfString(text, i);
        break;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        if (++depth > maxDepth) return `The request body nests objects and arrays deeper than ${maxDepth} levels (${limits.depth.setting})`;
        items[depth] = c === OPEN_BRACKET ? 0 : -1;
        expectingItem = c === OPEN_BRACKET;
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        if (depth > 0) depth--;
        break;
      case COLON:
        if (++keys > maxKeys) return `The request body has more than ${maxKeys} keys (${limits.keys.setting})`;
        break;
      case COMMA:
        expectingItem = items[depth] >= 0;
        break;
    }
  }
  return undefined;
}
