import type { EntityManager } from 'typeorm';

/** The space Lightdash gives every new project: public (it inherits the project's access), with no direct entries. */
export const DEFAULT_SPACE = { name: 'Shared', slug: 'shared' } as const;

/**
 * Creates the default space of a project just inserted, in the project's transaction. Nobody gets a
 * direct entry on it: project roles decide who sees and edits it, as on any public space.
 */
export async function createDefaultSpace(manager: EntityManager, projectId: string, userId: string | null): Promise<void> {
  await manager.query(
    `INSERT INTO spaces (project_id, organization_id, parent_space_id, name, slug, inherit_parent_permissions, created_by_user_id)
     SELECT p.project_id, p.organization_id, NULL, $2, $3, true, $4 FROM projects p WHERE p.project_id = $1`,
    [projectId, DEFAULT_SPACE.name, DEFAULT_SPACE.slug, userId],
  );
}
