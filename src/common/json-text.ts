import type { PaginationDto } from './pagination.js';

/**
 * An answer that is already JSON text (built by PostgreSQL, say): the success envelope wraps it as
 * text and the server sends it as is, without parsing it into objects and serializing them again.
 * Whoever builds one owns its bytes: they must read exactly as JSON.stringify of the same value would.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/**
 * A list page as `paginated()` writes it, `{"data":[…],"pagination":{…}}` (no pagination: `{"data":[…]}`),
 * from its items already as JSON text, separated by commas.
 */
export function jsonPage(items: string, pagination: PaginationDto | undefined): JsonText {
  return new JsonText(pagination ? `{"data":[${items}],"pagination":${JSON.stringify(pagination)}}` : `{"data":[${items}]}`);
}
