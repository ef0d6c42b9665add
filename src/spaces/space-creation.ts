import type { EntityManager } from 'typeorm';
import { firstFreeSlug } from './slug.js';
import { type InsertedSpaceRow, insertSpaceUnlessSlugTaken, type NewSpace, selectSlugsLike } from './spaces.queries.js';

/**
 * Inserts the space under the first free slug of `base` (`base`, `base-2`, …). A concurrent insert of
 * the same slug makes ON CONFLICT skip the row (after waiting for the other transaction); the next
 * round sees it. Used by every way a space is created (the spaces API, content as code).
 */
export async function insertSpaceWithFreeSlug(manager: EntityManager, base: string, space: Omit<NewSpace, 'slug'>): Promise<InsertedSpaceRow> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const slug = firstFreeSlug(base, await selectSlugsLike(manager, space.projectId, base));
    const inserted = await insertSpaceUnlessSlugTaken(manager, { ...space, slug });
    if (inserted) return inserted;
  }
  throw new Error(`could not find a free slug for "${base}"`);
}
