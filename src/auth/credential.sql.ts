/**
 * What makes a stored credential live, and how often its use is stamped: one definition for the
 * principal lookup, the access check's re-validation of a cached principal and the response cache.
 * `row` is the alias (or table name) of a sessions or personal_access_tokens row.
 */
export const sessionLive = (row: string): string => `${row}.expires_at > now()`;
export const tokenLive = (row: string): string => `(${row}.expires_at IS NULL OR ${row}.expires_at > now())`;

/**
 * A CTE body sliding the matching live session's expiry by `hours` (an SQL expression), at most once a
 * minute, so most requests write nothing; `RETURNING session_id` tells whether it just slid.
 */
export function slideSessionSql(where: string, hours: string): string {
  return `UPDATE sessions SET last_seen_at = now(), expires_at = now() + make_interval(hours => ${hours}::int)
    WHERE ${where} AND ${sessionLive('sessions')} AND last_seen_at < now() - interval '1 minute'
    RETURNING session_id`;
}

/** A CTE body stamping the matching live token's `last_used_at`, at most once a minute. */
export function stampTokenSql(where: string): string {
  return `UPDATE personal_access_tokens SET last_used_at = now()
    WHERE ${where} AND ${tokenLive('personal_access_tokens')}
      AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
    RETURNING personal_access_token_id`;
}

/** A CTE body stamping the matching live SCIM token's `last_used_at`, at most once a minute. */
export function stampScimTokenSql(where: string): string {
  return `UPDATE scim_tokens SET last_used_at = now()
    WHERE ${where} AND ${tokenLive('scim_tokens')}
      AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
    RETURNING scim_token_id`;
}
