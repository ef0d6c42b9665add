import { pageInfo, type PageWindow } from './pagination.js';

/**
 * An answer that is already JSON text (built by PostgreSQL, say): the success envelope wraps it as
 * text and the server sends it as is, without parsing it into objects and serializing them again.
 * Whoever builds one owns its bytes: they must read exactly as JSON.stringify of the same value would.
 * A large answer may come as its UTF-8 bytes: fastify sends a Buffer as it is, where a string of
 * 600 kB is measured (Content-Length) and encoded again on the way out.
 */
export class JsonText {
  constructor(readonly text: string | Buffer) {}
}

/**
 * A list page as `paginated()` writes it, `{"data":[…],"pagination":{…}}` (no window: `{"data":[…]}`),
 * from its items already as JSON text, separated by commas.
 */
export function jsonPage(items: string, totalResults: number, window: PageWindow | undefined): JsonText {
  const pagination = pageInfo(totalResults, window);
  return new JsonText(pagination ? `{"data":[${items}],"pagination":${JSON.stringify(pagination)}}` : `{"data":[${items}]}`);
}
