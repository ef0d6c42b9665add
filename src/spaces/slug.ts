/**
 * A slug from a name in any script: lowercase, letters, marks and digits kept, every other run of
 * characters becomes one '-'. A name with none of those gives 'space'.
 */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'space';
}

/** `base` if free, else the first of `base-2`, `base-3`… that no slug in `taken` uses. */
export function firstFreeSlug(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  let suffix = 2;
  while (used.has(`${base}-${suffix}`)) suffix++;
  return `${base}-${suffix}`;
}
