/** SQL fragments for answers built as JSON inside PostgreSQL, so they read as the rest of the API. */

/** A timestamp as JSON.stringify writes a Date (ISO 8601, UTC, milliseconds). */
export const isoTimestampSql = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A nullable value's JSON text (a string escaped as JSON.stringify would), or `null`: for answers written with format(). */
export const jsonTextSql = (value: string): string => `coalesce(to_json(${value})::text, 'null')`;

/** A nullable timestamp's JSON text: a string as JSON.stringify writes a Date, or `null`. */
export const timestampTextSql = (column: string): string => `coalesce('"' || ${isoTimestampSql(column)} || '"', 'null')`;

/** A nullable uuid's JSON text: the quoted uuid, or `null` (a uuid never needs escaping). */
export const uuidTextSql = (column: string): string => `coalesce('"' || ${column} || '"', 'null')`;

/** Lightdash's `updatedByUser` object from the users row `alias`, or NULL when there is no such user. */
export const updatedByUserSql = (alias: string): string =>
  `CASE WHEN ${alias}.user_id IS NULL THEN NULL ELSE json_build_object('userUuid', ${alias}.user_uuid, 'firstName', ${alias}.first_name, 'lastName', ${alias}.last_name) END`;
