/**
 * Turning what a user typed into a catalog search (docs/catalog.md). Pure functions: the SQL that
 * uses them is in catalog.queries.ts.
 */

/** A run of letters and digits, in any script. Everything else separates words and is never sent to PostgreSQL. */
const WORD = /[\p{L}\p{N}]+/gu;
/** An exact name or label is the typed words joined by one of these (`order date` is exactly `order_date`). */
const EXACT_SEPARATORS = ['_', ' ', '-', '.'];
/** More words than this cannot come from a real query; each one costs an index lookup. */
const MAX_WORDS = 32;

export interface CatalogSearch {
  /** tsquery text: every word as a prefix, all required (`cust:* & ord:*`) */
  query: string;
  /** the same, with every word found in the name or the label (weights A and B) */
  nameOrLabelQuery: string;
  /** the forms of the whole search that count as an exact name or label (`order_date`, `order date`, …) */
  exact: string[];
}

/**
 * The search for `text`, or null when it has no letters or digits (nothing can match). The words
 * contain only letters and digits, so the tsquery text needs no escaping whatever the input; case is
 * folded in SQL (catalog_search_fold), the same way as the indexed documents.
 */
export function parseCatalogSearch(text: string): CatalogSearch | null {
  const typed = text.match(WORD) ?? [];
  const words = [...new Set(typed)].slice(0, MAX_WORDS);
  if (words.length === 0) return null;
  return {
    query: words.map((word) => `${word}:*`).join(' & '),
    nameOrLabelQuery: words.map((word) => `${word}:*AB`).join(' & '),
    exact: [...new Set(EXACT_SEPARATORS.map((separator) => typed.join(separator)))],
  };
}

/**
 * The search a `search` parameter asks for: undefined when there is none (absent, or only blanks),
 * null when it cannot match anything (no letters or digits), else as parseCatalogSearch makes it.
 */
export function catalogSearchOf(text: string | undefined): CatalogSearch | null | undefined {
  return text === undefined || text.trim() === '' ? undefined : parseCatalogSearch(text);
}
