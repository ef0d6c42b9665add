import type { EntityManager } from 'typeorm';

// The SQL of the warehouse credentials a user picks for a project (table
// project_user_warehouse_credentials, with the user's user_warehouse_credentials). Each function is
// one statement; ProjectUserCredentialsService holds the rules.

export interface CredentialsRow {
  uuid: string;
  name: string;
  type: string;
  user: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The user's credentials of the project's warehouse type that their queries in it use: the selected
 * ones, else the oldest; none when the user has none of that type.
 */
export async function selectPreferredCredentials(manager: EntityManager, projectId: string, userId: string): Promise<CredentialsRow | undefined> {
  const [row]: CredentialsRow[] = await manager.query(
    `SELECT c.user_warehouse_credentials_uuid AS uuid, c.name, c.warehouse_type AS type, c.warehouse_user AS "user",
            c.created_at AS "createdAt", c.updated_at AS "updatedAt"
     FROM user_warehouse_credentials c
     JOIN projects p ON p.project_id = $1 AND p.warehouse_type = c.warehouse_type
     LEFT JOIN project_user_warehouse_credentials selected
       ON selected.project_id = p.project_id AND selected.user_id = c.user_id AND selected.user_warehouse_credentials_id = c.user_warehouse_credentials_id
     WHERE c.user_id = $2
     ORDER BY selected.user_warehouse_credentials_id IS NULL, c.created_at, c.user_warehouse_credentials_id
     LIMIT 1`,
    [projectId, userId],
  );
  return row;
}

export interface CredentialsTypeRow {
  id: string;
  type: string;
  /** the project's warehouse type, null when it has no warehouse connection */
  projectType: string | null;
}

/** The user's own credentials with this uuid, with their warehouse type and the project's; none when the user has no such credentials. */
export async function selectOwnCredentialsType(manager: EntityManager, credentialsUuid: string, userId: string, projectId: string): Promise<CredentialsTypeRow | undefined> {
  const [credentials]: CredentialsTypeRow[] = await manager.query(
    `SELECT c.user_warehouse_credentials_id::text AS id, c.warehouse_type AS type, p.warehouse_type AS "projectType"
     FROM user_warehouse_credentials c, projects p
     WHERE c.user_warehouse_credentials_uuid = $1 AND c.user_id = $2 AND p.project_id = $3`,
    [credentialsUuid, userId, projectId],
  );
  return credentials;
}

/** Selects the credentials for the user's queries in the project; refused by a foreign key when they (or the project) are gone. */
export async function upsertSelectedCredentials(manager: EntityManager, projectId: string, userId: string, credentialsId: string): Promise<void> {
  await manager.query(
    `INSERT INTO project_user_warehouse_credentials (project_id, user_id, user_warehouse_credentials_id) VALUES ($1, $2, $3)
     ON CONFLICT (project_id, user_id) DO UPDATE SET user_warehouse_credentials_id = EXCLUDED.user_warehouse_credentials_id`,
    [projectId, userId, credentialsId],
  );
}
