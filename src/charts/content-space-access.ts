import type { AccessService, SpaceAccess } from '../authorization/access.service.js';
import { can } from '../authorization/permissions.js';
import { ForbiddenError, NotFoundError, ParameterError } from '../common/errors.js';

/** space editor and project interactive_viewer (DESIGN §3): a plain project viewer stays read-only. */
export function canEditContent(space: Pick<SpaceAccess, 'spaceRole' | 'projectRole'> & Partial<Pick<SpaceAccess, 'inheritsFromProject' | 'customScopes'>>): boolean {
  return can('space:edit-content', space);
}

/**
 * The space content is created in or moved to, answered as the guard would: 404 when it does not
 * exist or belongs to another organization, 403 without `space:edit-content` on it. A space of
 * another project is 404 when creating under a project's path and 400 when moving content.
 */
export async function spaceToWriteInto(
  access: AccessService,
  spaceUuid: string,
  caller: { userId: string; organizationId: string | null },
  projectId: string,
  inOtherProject: 'not-found' | 'bad-request',
): Promise<SpaceAccess> {
  const space = await access.space(spaceUuid, caller.userId);
  if (!space || space.organizationId !== caller.organizationId) throw new NotFoundError('Space not found');
  if (space.projectId !== projectId) {
    throw inOtherProject === 'not-found' ? new NotFoundError('Space not found') : new ParameterError('Content can only move to a space of the same project');
  }
  if (!canEditContent(space)) throw new ForbiddenError();
  return space;
}

/**
 * The space a chart created without `spaceUuid` goes to, as Lightdash does: the project's first
 * space the caller may see (its default space "Shared"); 404 when they see none, 403 without
 * `space:edit-content` there.
 */
export async function defaultSpaceToWriteInto(access: AccessService, caller: { userId: string }, projectId: string): Promise<SpaceAccess> {
  const space = await access.firstVisibleSpace(projectId, caller.userId);
  if (!space) throw new NotFoundError('No space found in the project');
  if (!canEditContent(space)) throw new ForbiddenError();
  return space;
}
