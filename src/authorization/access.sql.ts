/**
 * SQL fragments of DESIGN §3, shared by the access checks (access.service.ts) and every list that
 * filters by access in the database. `user` is a placeholder or expression giving the user_id.
 */

/**
 * The user's effective project role from system roles on project row `project` (via the SQL function
 * of the migration). Rows holding a custom role carry only a placeholder role and do not count here.
 */
export function projectRoleSql(project: string, user: string): string {
  return `effective_project_role(
    (SELECT role FROM organization_memberships WHERE user_id = ${user} AND organization_id = ${project}.organization_id AND custom_role_id IS NULL),
    (SELECT role FROM project_memberships WHERE project_id = ${project}.project_id AND user_id = ${user} AND custom_role_id IS NULL),
    (SELECT max(pga.role) FROM project_group_access pga JOIN group_memberships gm ON gm.group_id = pga.group_id AND gm.user_id = ${user}
     WHERE pga.project_id = ${project}.project_id AND pga.custom_role_id IS NULL))`;
}

/**
 * The union (text[], null when none) of the scopes of every custom role the user holds on project row
 * `project`: directly, through a group, or as an organization-level role of the project's organization,
 * each as the assignment row's role or as a further role of its role set (the SQL function
 * `custom_scopes` of the CustomScopesFunction migration: one index probe when the organization has
 * no custom role).
 */
export function customScopesSql(project: string, user: string): string {
  return `custom_scopes(${project}.project_id, ${project}.organization_id, ${user})`;
}

/**
 * The project role space access is resolved from: the effective system role, raised by what the
 * caller's custom roles stand for on spaces (custom_scopes_space_role). `role` and `scopes` are SQL
 * expressions for the two.
 */
export function spaceBasisRole(role: string, scopes: string): string {
  return `GREATEST(${role}, custom_scopes_space_role(${scopes}))`;
}

/** The user's space-basis role on project row `project`, computed in place. */
export function spaceBasisRoleSql(project: string, user: string): string {
  return spaceBasisRole(projectRoleSql(project, user), customScopesSql(project, user));
}

/** Whether the user may see project row `project`: a system role there, or a custom role granting `view:Project`. */
export function projectVisibleSql(project: string, user: string): string {
  return `(${projectRoleSql(project, user)} IS NOT NULL OR ${customScopesSql(project, user)} && ARRAY['view:Project', 'manage:Project'])`;
}

/**
 * Where the user's project role on project row `project` comes from, as columns `organization_role`,
 * `direct_project_role` and `group_project_role`: to explain a role (Lightdash's `inheritedFrom`),
 * never to decide it (projectRoleSql does).
 */
export function projectRoleSourcesSql(project: string, user: string): string {
  return `SELECT (SELECT role FROM organization_memberships WHERE user_id = ${user} AND organization_id = ${project}.organization_id) AS organization_role,
    (SELECT role FROM project_memberships WHERE project_id = ${project}.project_id AND user_id = ${user}) AS direct_project_role,
    (SELECT max(pga.role) FROM project_group_access pga JOIN group_memberships gm ON gm.group_id = pga.group_id AND gm.user_id = ${user}
     WHERE pga.project_id = ${project}.project_id) AS group_project_role`;
}

/** The user's most generous direct entry on any of the spaces `spaceIds` (an array: a space and its ancestors). */
export function userEntrySql(spaceIds: string, user: string): string {
  return `(SELECT max(a.role) FROM space_user_access a WHERE a.user_id = ${user} AND a.space_id = ANY (${spaceIds}))`;
}

/** The most generous entry, on any of the spaces `spaceIds`, of the groups the user is in. */
export function groupEntrySql(spaceIds: string, user: string): string {
  return `(SELECT max(a.role) FROM space_group_access a
      JOIN group_memberships gm ON gm.group_id = a.group_id AND gm.user_id = ${user} WHERE a.space_id = ANY (${spaceIds}))`;
}

/**
 * A CTE `visible_spaces(space_id, space_role, inherits_from_project, path, user_entry, group_entry,
 * project_role)`: every space of one project that a user may see. The caller's few entries are
 * spread to the spaces below them through `ancestor_ids` (GIN-indexed), so the statement's work grows
 * with the project's spaces and the caller's entries, never with depth; lists join it to filter in the
 * database in one statement, whatever the number of groups.
 *
 * Use it after `WITH`: `WITH ${visibleSpacesCte('$1', '$2')} SELECT ...`, where the arguments give the
 * project id and the user id.
 */
export function visibleSpacesCte(projectId: string, user: string): string {
  return `
  visible_space_user_entries AS (
    SELECT a.space_id, a.role FROM space_user_access a WHERE a.user_id = ${user}
  ),
  visible_space_group_entries AS (
    SELECT a.space_id, max(a.role) AS role
    FROM group_memberships gm JOIN space_group_access a ON a.group_id = gm.group_id
    WHERE gm.user_id = ${user} GROUP BY a.space_id
  ),
  -- entries on a space count on every space below it (the most generous wins)
  visible_space_reach AS (
    SELECT d.space_id, max(e.user_entry) AS user_entry, max(e.group_entry) AS group_entry
    FROM (SELECT space_id, role AS user_entry, NULL::space_role AS group_entry FROM visible_space_user_entries
          UNION ALL
          SELECT space_id, NULL, role FROM visible_space_group_entries) e
    -- each entry looks up the spaces below it in the GIN index (OFFSET 0 keeps it a lookup per entry, even
    -- before the planner has statistics); spaces of other projects drop out in the join of visible_spaces
    CROSS JOIN LATERAL (SELECT space_id FROM spaces WHERE ancestor_ids @> ARRAY[e.space_id] OFFSET 0) d
    GROUP BY d.space_id
  ),
  visible_space_project_role AS MATERIALIZED (
    SELECT ${spaceBasisRoleSql('p', user)} AS role FROM projects p WHERE p.project_id = ${projectId}
  ),
  visible_spaces AS (
    SELECT * FROM (
      SELECT s.space_id, effective_space_role(r.role, x.user_entry, x.group_entry, s.every_level_inherits) AS space_role,
             s.every_level_inherits AS inherits_from_project, s.path, x.user_entry, x.group_entry, r.role AS project_role
      FROM spaces s CROSS JOIN visible_space_project_role r LEFT JOIN visible_space_reach x ON x.space_id = s.space_id
      WHERE s.project_id = ${projectId} AND s.deleted_at IS NULL
    ) resolved
    WHERE space_role IS NOT NULL
  )`;
}

/**
 * `CROSS JOIN LATERAL` the space with id `id`, as `alias`: one primary-key lookup. As a plain join,
 * a planner without statistics on spaces (a project just filled) scans every space for each row;
 * the LIMIT keeps it a lookup.
 */
export function spaceById(alias: string, id: string): string {
  return `CROSS JOIN LATERAL (SELECT * FROM spaces WHERE space_id = ${id} LIMIT 1) ${alias}`;
}

/**
 * For reads that must not resolve every space of a project (a page of the space list): CTEs
 * `caller_role(role)`, the user's effective role on project `projectId`; `caller_entries(space_id,
 * user_role, group_role)`, the user's direct entries and their groups' entries, on any space; and
 * `caller_reach(ids)`, the spaces carrying them, as one array. A space is visible when
 * `spaceVisibleToCaller` holds; `callerRoleOn` gives the role there. Work grows with the caller's
 * entries, not with the project's spaces.
 *
 * Use it after `WITH`: `WITH ${callerEntriesCtes('$1', '$2')} SELECT ...`.
 */
export function callerEntriesCtes(projectId: string, user: string): string {
  return `
  caller_role AS MATERIALIZED (
    SELECT ${spaceBasisRoleSql('p', user)} AS role FROM projects p WHERE p.project_id = ${projectId}
  ),${callerReachCtes(user)}`;
}

/**
 * `caller_entries` and `caller_reach` of callerEntriesCtes alone, for reads over several projects:
 * they bring their own `caller_role` (one row per project, joined on the space's project).
 */
export function callerReachCtes(user: string): string {
  return `
  caller_entries AS MATERIALIZED (
    SELECT a.space_id, a.role AS user_role, NULL::space_role AS group_role FROM space_user_access a WHERE a.user_id = ${user}
    UNION ALL
    SELECT a.space_id, NULL, a.role FROM group_memberships gm JOIN space_group_access a ON a.group_id = gm.group_id WHERE gm.user_id = ${user}
  ),
  caller_reach AS MATERIALIZED (
    SELECT coalesce(array_agg(DISTINCT space_id), '{}') AS ids FROM caller_entries
  )`;
}

/**
 * DESIGN §3 as a filter on space row `s`, with `caller_role` and `caller_reach` in scope: project
 * admins see every space, anyone with a project role the spaces where every level inherits, and
 * everyone the spaces at or below one of their entries (`&&` is answered by the GIN index on ancestor_ids).
 */
export function spaceVisibleToCaller(s: string): string {
  return `(${s}.deleted_at IS NULL AND ${spaceOpenToCaller(s)})`;
}

/**
 * The access part of spaceVisibleToCaller, whether or not the space is in the trash: the trash list
 * shows what the caller could see before it was deleted. Everything else uses spaceVisibleToCaller.
 */
export function spaceOpenToCaller(s: string): string {
  return `(caller_role.role = 'admin' OR (${s}.every_level_inherits AND caller_role.role IS NOT NULL) OR ${s}.ancestor_ids && caller_reach.ids)`;
}

/**
 * `CROSS JOIN LATERAL` the caller's most generous entries on space row `s` and its ancestors, as
 * `alias(user_entry, group_entry, own_entry)`, read from `caller_entries`; own_entry is the direct
 * entry on `s` itself. With `caller_role` in scope the role is
 * `effective_space_role(caller_role.role, alias.user_entry, alias.group_entry, s.every_level_inherits)`.
 */
export function callerEntriesOn(s: string, alias: string): string {
  return `CROSS JOIN LATERAL (
    SELECT max(x.user_role) AS user_entry, max(x.group_role) AS group_entry, max(x.user_role) FILTER (WHERE x.space_id = ${s}.space_id) AS own_entry
    FROM caller_entries x WHERE x.space_id = ANY (${s}.ancestor_ids)) ${alias}`;
}
