/**
 * The SQL of a recursive CTE `visible_spaces(space_id, space_role, inherits_from_project)`: every
 * space of one project that a user may see, with their effective space role (DESIGN §3) and whether
 * the space and every ancestor inherit (the space is public). List queries join it so they filter in
 * the database, in one statement, whatever the depth of nesting or the number of groups.
 *
 * Use it after `WITH RECURSIVE`: `WITH RECURSIVE ${visibleSpacesCte('$1', '$2')} SELECT ...`, where
 * the arguments are the placeholders of the project id and the user id.
 */
export function visibleSpacesCte(projectIdParam: string, userIdParam: string): string {
  const userEntry = (space: string) => `(SELECT a.role FROM space_user_access a WHERE a.space_id = ${space} AND a.user_id = ${userIdParam})`;
  const groupEntry = (space: string) => `(SELECT max(a.role) FROM space_group_access a
      JOIN group_memberships gm ON gm.group_id = a.group_id AND gm.user_id = ${userIdParam} WHERE a.space_id = ${space})`;
  return `
  visible_space_tree AS (
    SELECT s.space_id, s.inherit_parent_permissions AS inherits, ${userEntry('s.space_id')} AS user_entry, ${groupEntry('s.space_id')} AS group_entry
    FROM spaces s WHERE s.project_id = ${projectIdParam} AND s.parent_space_id IS NULL
    UNION ALL
    -- entries on an ancestor count (the most generous wins); GREATEST ignores NULLs
    SELECT s.space_id, t.inherits AND s.inherit_parent_permissions,
           GREATEST(t.user_entry, ${userEntry('s.space_id')}), GREATEST(t.group_entry, ${groupEntry('s.space_id')})
    FROM spaces s JOIN visible_space_tree t ON s.parent_space_id = t.space_id
  ),
  visible_space_project_role AS (
    SELECT effective_project_role(
      (SELECT role FROM organization_memberships WHERE user_id = ${userIdParam} AND organization_id = p.organization_id),
      (SELECT role FROM project_memberships WHERE project_id = p.project_id AND user_id = ${userIdParam}),
      (SELECT max(pga.role) FROM project_group_access pga JOIN group_memberships gm ON gm.group_id = pga.group_id AND gm.user_id = ${userIdParam}
       WHERE pga.project_id = p.project_id)) AS role
    FROM projects p WHERE p.project_id = ${projectIdParam}
  ),
  visible_spaces AS (
    SELECT space_id, space_role, inherits_from_project FROM (
      SELECT t.space_id, effective_space_role(r.role, t.user_entry, t.group_entry, t.inherits) AS space_role, t.inherits AS inherits_from_project
      FROM visible_space_tree t CROSS JOIN visible_space_project_role r
    ) resolved
    WHERE space_role IS NOT NULL
  )`;
}
