import type { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../common/postgres-errors.js';

/** "Revenue by month!" → "revenue-by-month"; a name with no letters or digits gets `fallback`. */
export function slugify(name: string, fallback: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 200)
    .replace(/-+$/, '');
  return slug || fallback;
}

const MAX_ATTEMPTS = 5;

/**
 * Runs `insert` with a slug unique in the project (`base`, else `base-2`, `base-3`, …). Two concurrent
 * inserts may pick the same slug: the loser's unique violation is retried with the next free one.
 * Not for use inside a transaction (a failed insert would abort it).
 */
export async function insertWithUniqueSlug<T>(
  manager: EntityManager,
  table: 'saved_charts' | 'dashboards',
  projectId: string,
  base: string,
  insert: (slug: string) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const [{ slug }] = await manager.query(
      `SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM ${table} WHERE project_id = $1 AND slug = $2) THEN $2
              ELSE $2 || '-' || (COALESCE(max(substring(slug FROM length($2) + 2)::numeric), 1) + 1) END AS slug
       FROM ${table} WHERE project_id = $1 AND slug ~ ('^' || $2 || '-[0-9]{1,9}$')`,
      [projectId, base],
    );
    try {
      return await insert(slug);
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && isUniqueViolation(error, `${table}_project_id_slug_key`)) continue;
      throw error;
    }
  }
}
