import type { EntityManager } from 'typeorm';
import { SCIM_TOKEN_SCOPES, type ScimTokenDto } from './dto/scim-token.dto.js';

/** The SQL of an organization's SCIM tokens (stored as SHA-256 digests only). */

const TOKEN_COLUMNS = `
  t.scim_token_uuid AS uuid, o.organization_uuid AS "organizationUuid", t.description, t.created_at AS "createdAt",
  t.expires_at AS "expiresAt", t.last_used_at AS "lastUsedAt", t.rotated_at AS "rotatedAt", creator.user_uuid AS "createdByUserUuid"`;
const TOKEN_FROM = `
  FROM scim_tokens t JOIN organizations o ON o.organization_id = t.organization_id
  LEFT JOIN users creator ON creator.user_id = t.created_by_user_id`;

type TokenRow = Omit<ScimTokenDto, 'scopes'>;

const withScopes = (row: TokenRow): ScimTokenDto => ({ ...row, scopes: [...SCIM_TOKEN_SCOPES] });

export async function listTokens(manager: EntityManager, organizationId: string): Promise<ScimTokenDto[]> {
  const rows: TokenRow[] = await manager.query(`SELECT ${TOKEN_COLUMNS} ${TOKEN_FROM} WHERE t.organization_id = $1 ORDER BY t.created_at DESC, t.scim_token_id DESC`, [
    organizationId,
  ]);
  return rows.map(withScopes);
}

export async function findToken(manager: EntityManager, organizationId: string, tokenUuid: string, lock = false): Promise<ScimTokenDto | undefined> {
  const [row]: TokenRow[] = await manager.query(
    `SELECT ${TOKEN_COLUMNS} ${TOKEN_FROM} WHERE t.organization_id = $1 AND t.scim_token_uuid = $2 ${lock ? 'FOR UPDATE OF t' : ''}`,
    [organizationId, tokenUuid],
  );
  return row && withScopes(row);
}

export async function insertToken(
  manager: EntityManager,
  token: { organizationId: string; digest: Buffer; description: string; expiresAt: Date | null; createdByUserId: string },
): Promise<string> {
  const [{ uuid }] = await manager.query(
    `INSERT INTO scim_tokens (organization_id, token_hash, description, expires_at, created_by_user_id) VALUES ($1, $2, $3, $4, $5)
     RETURNING scim_token_uuid AS uuid`,
    [token.organizationId, token.digest, token.description, token.expiresAt, token.createdByUserId],
  );
  return uuid;
}

export async function rotateToken(manager: EntityManager, tokenUuid: string, digest: Buffer, expiresAt: Date): Promise<void> {
  await manager.query(`UPDATE scim_tokens SET token_hash = $2, expires_at = $3, rotated_at = now() WHERE scim_token_uuid = $1`, [tokenUuid, digest, expiresAt]);
}

/** Deletes the token; false when the organization has no such token. */
export async function deleteToken(manager: EntityManager, organizationId: string, tokenUuid: string): Promise<{ description: string } | undefined> {
  const [rows]: [{ description: string }[], number] = await manager.query(
    `DELETE FROM scim_tokens WHERE organization_id = $1 AND scim_token_uuid = $2 RETURNING description`,
    [organizationId, tokenUuid],
  );
  return rows[0];
}
