/**
 * SQL fragments of DESIGN §3, shared by the access checks (access.service.ts) and every list that
 * filters by access in the database. `user` is a placeholder or expression giving the user_id.
 */

/** The user's effective project role on project row `project` (via the SQL function of the migration). */
export function projectRoleSql(project: string, user: string): string {
  return `effective_project_role(
    (SELECT role FROM organization_memberships WHERE user_id = ${user} AND organization_id = ${project}.organization_id),
    (SELECT role FROM project_memberships WHERE project_id = ${project}.project_id AND user_id = ${user}),
    (SELECT max(pga.role) FROM project_group_access pga JOIN group_memberships gm ON gm.group_id = pga.group_id AND gm.user_id = ${user}
     WHERE pga.project_id = ${project}.project_id))`;
}

/** The user's direct entry on space `space` (at most one: the primary key is (space, user)). */
export function userEntrySql(space: string, user: string): string {
  return `(SELECT a.role FROM space_user_access a WHERE a.space_id = ${space} AND a.user_id = ${user})`;
}

/** The highest entry on space `space` of the groups the user is in. */
export function groupEntrySql(space: string, user: string): string {
  return `(SELECT max(a.role) FROM space_group_access a
      JOIN group_memberships gm ON gm.group_id = a.group_id AND gm.user_id = ${user} WHERE a.space_id = ${space})`;
}

/**
 * The recursive step of a walk UP the space tree, from the rows of `chain` to their parents, as the
 * space `s`: one primary-key lookup per level. As a plain join the planner cannot size the work
 * table and hashes a scan of every space of every project at each level (1 ms at 1,000 spaces);
 * the LIMIT keeps it from flattening the lookup back into that join.
 */
export function parentSpaceStep(chain: string): string {
  return `CROSS JOIN LATERAL (SELECT * FROM spaces WHERE space_id = ${chain}.parent_space_id LIMIT 1) s`;
}

/**
 * A recursive CTE `visible_spaces(space_id, space_role, inherits_from_project, path, user_entry,
 * group_entry, project_role)`: every space of one project that a user may see, walked once from the
 * roots carrying the most generous user and group entries down each branch. Lists join it so they
 * filter in the database in one statement, whatever the depth or the number of groups.
 *
 * Use it after `WITH RECURSIVE`: `WITH RECURSIVE ${visibleSpacesCte('$1', '$2')} SELECT ...`, where
 * the arguments give the project id and the user id.
 */
export function visibleSpacesCte(projectId: string, user: string): string {
  return `
  -- the user's own entries and their groups' best entry per space, gathered once and joined by space
  visible_space_user_entries AS (
    SELECT a.space_id, a.role FROM space_user_access a WHERE a.user_id = ${user}
  ),
  visible_space_group_entries AS (
    SELECT a.space_id, max(a.role) AS role
    FROM group_memberships gm JOIN space_group_access a ON a.group_id = gm.group_id
    WHERE gm.user_id = ${user} GROUP BY a.space_id
  ),
  visible_space_tree AS (
    SELECT s.space_id, s.slug AS path, s.inherit_parent_permissions AS inherits, ue.role AS user_entry, ge.role AS group_entry
    FROM spaces s
    LEFT JOIN visible_space_user_entries ue ON ue.space_id = s.space_id
    LEFT JOIN visible_space_group_entries ge ON ge.space_id = s.space_id
    WHERE s.project_id = ${projectId} AND s.parent_space_id IS NULL
    UNION ALL
    -- entries on an ancestor count (the most generous wins); GREATEST ignores NULLs
    SELECT s.space_id, t.path || '.' || s.slug, t.inherits AND s.inherit_parent_permissions,
           GREATEST(t.user_entry, ue.role), GREATEST(t.group_entry, ge.role)
    FROM visible_space_tree t
    JOIN spaces s ON s.parent_space_id = t.space_id
    LEFT JOIN visible_space_user_entries ue ON ue.space_id = s.space_id
    LEFT JOIN visible_space_group_entries ge ON ge.space_id = s.space_id
  ),
  visible_space_project_role AS MATERIALIZED (
    SELECT ${projectRoleSql('p', user)} AS role FROM projects p WHERE p.project_id = ${projectId}
  ),
  visible_spaces AS (
    SELECT * FROM (
      SELECT t.space_id, effective_space_role(r.role, t.user_entry, t.group_entry, t.inherits) AS space_role,
             t.inherits AS inherits_from_project, t.path, t.user_entry, t.group_entry, r.role AS project_role
      FROM visible_space_tree t CROSS JOIN visible_space_project_role r
    ) resolved
    WHERE space_role IS NOT NULL
  )`;
}
