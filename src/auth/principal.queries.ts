import type { PreparedSql } from '../database/sql.js';
import { sessionLive, slideSessionSql, stampScimTokenSql, stampTokenSql, tokenLive } from './credential.sql.js';
import type { Principal, ScimPrincipal } from './principal.js';

// The SQL of authentication: who is behind a session, a personal access token or a SCIM token.
// PrincipalLookupService holds the rules.

const USER_COLUMNS = `
  u.user_id::text AS "userId", u.user_uuid AS "userUuid", u.email, u.first_name AS "firstName",
  u.last_name AS "lastName", u.is_email_verified AS "isEmailVerified", u.is_active AS "isActive",
  u.is_tracking_anonymized AS "isTrackingAnonymized", u.is_marketing_opted_in AS "isMarketingOptedIn",
  u.is_setup_complete AS "isSetupComplete", u.created_at AS "createdAt", u.updated_at AS "updatedAt",
  o.organization_id::text AS "organizationId", o.organization_uuid AS "organizationUuid", o.name AS "organizationName",
  o.created_at AS "organizationCreatedAt", m.role,
  (SELECT array_agg(DISTINCT scope) FROM custom_roles cr CROSS JOIN unnest(cr.scopes) scope
   WHERE cr.custom_role_id = m.custom_role_id
      OR cr.custom_role_id IN (SELECT x.custom_role_id FROM organization_membership_custom_roles x WHERE x.user_id = m.user_id)) AS "organizationCustomScopes"`;
const USER_JOINS = `
  JOIN users u ON u.user_id = {owner}.user_id
  LEFT JOIN organization_memberships m ON m.user_id = u.user_id
  LEFT JOIN organizations o ON o.organization_id = m.organization_id`;

// One round trip each; the data-modifying CTE slides the session expiry / stamps lastUsedAt at most
// once a minute, so most requests write nothing.
const SESSION_SQL = `
  WITH touched AS (${slideSessionSql('token_hash = $1', '$2')})
  SELECT ${USER_COLUMNS}, s.session_id::text AS "credentialId", EXISTS (SELECT 1 FROM touched) AS "refreshed"
  FROM sessions s ${USER_JOINS.replace('{owner}', 's')}
  WHERE s.token_hash = $1 AND ${sessionLive('s')} AND u.is_active`;

const TOKEN_SQL = `
  WITH touched AS (${stampTokenSql('token_hash = $1')})
  SELECT ${USER_COLUMNS}, t.personal_access_token_id::text AS "credentialId"
  FROM personal_access_tokens t ${USER_JOINS.replace('{owner}', 't')}
  WHERE t.token_hash = $1 AND ${tokenLive('t')} AND u.is_active`;

const SCIM_TOKEN_SQL = `
  WITH touched AS (${stampScimTokenSql('token_hash = $1')})
  SELECT t.scim_token_id::text AS "scimTokenId", t.scim_token_uuid AS "scimTokenUuid",
         o.organization_id::text AS "organizationId", o.organization_uuid AS "organizationUuid"
  FROM scim_tokens t JOIN organizations o ON o.organization_id = t.organization_id
  WHERE t.token_hash = $1 AND ${tokenLive('t')}`;

/** A user's principal as the lookups read it, before the kind of credential is added. */
export type PrincipalRow = Omit<Principal, 'via'>;

/** The principal of the live session whose cookie hashes to `digest` (sliding its expiry by `maxAgeHours` at most once a minute), and whether it just slid. */
export async function selectSessionPrincipal(sql: PreparedSql, digest: Buffer, maxAgeHours: number): Promise<(PrincipalRow & { refreshed: boolean }) | undefined> {
  const [row] = await sql.rows<PrincipalRow & { refreshed: boolean }>('principal-by-session', SESSION_SQL, [digest, maxAgeHours]);
  return row;
}

/** The principal of the live personal access token hashing to `digest` (stamping its last use at most once a minute). */
export async function selectTokenPrincipal(sql: PreparedSql, digest: Buffer): Promise<PrincipalRow | undefined> {
  const [row] = await sql.rows<PrincipalRow>('principal-by-token', TOKEN_SQL, [digest]);
  return row;
}

/** The organization behind the live SCIM token hashing to `digest` (stamping its last use at most once a minute). */
export async function selectScimTokenPrincipal(sql: PreparedSql, digest: Buffer): Promise<Omit<ScimPrincipal, 'via'> | undefined> {
  const [row] = await sql.rows<Omit<ScimPrincipal, 'via'>>('principal-by-scim-token', SCIM_TOKEN_SQL, [digest]);
  return row;
}
