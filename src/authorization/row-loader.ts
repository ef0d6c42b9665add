/**
 * SQL expressions for the columns of the access a route's check resolved, for a RowLoader to join
 * on: the only names a loader's SQL may use from the access statement.
 */
export interface AccessColumns {
  projectId: string;
  projectUuid: string;
  organizationId: string;
  /** the caller's effective project role (a `project_role`, or NULL) */
  projectRole: string;
  /** the project role spaces are resolved from (the system role raised by custom roles' space scopes) */
  spaceBasisRole: string;
  /** on space, chart and dashboard routes: the space that decides access */
  spaceId: string;
  spaceUuid: string;
}

/**
 * A read that rides along with a route's access check, so a guarded GET costs one round trip.
 * Declared by the domain that serves the route (beside its other statements, with its row type):
 * `sql` is a SELECT of at most one row, where `$1` is the object's id from the route, `$2` the
 * caller's user id, and `access` names the checked access's columns; `parse` turns the row into the
 * domain's type. The row is read whatever the permission says, and reaches the service (see
 * `loadedRow`) only when the request was allowed.
 */
export interface RowLoader<Row> {
  /** names the prepared statement: unique among loaders */
  name: string;
  sql: (access: AccessColumns) => string;
  parse: (row: Record<string, unknown>) => Row;
}

/** A loader's parsed row, with the loader that read it. */
export interface LoadedRow {
  loader: RowLoader<unknown>;
  row: unknown;
}

/** The row `loader` read with the access check, when it did (typed by the loader itself). */
export function loadedRow<Row>(access: { loaded?: LoadedRow } | undefined, loader: RowLoader<Row>): Row | undefined {
  return access?.loaded?.loader === loader ? (access.loaded.row as Row) : undefined;
}
