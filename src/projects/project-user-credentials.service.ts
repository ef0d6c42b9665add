import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { NotFoundError, ParameterError } from '../common/errors.js';
import { returnedUserCredentials } from '../connections/connection-schemas.js';
import { isForeignKeyViolation } from '../common/postgres-errors.js';
import type { UserWarehouseCredentialsDto } from '../warehouse-credentials/dto/user-warehouse-credentials.dto.js';

const NOT_FOUND = 'Warehouse credentials not found';

interface CredentialsRow {
  uuid: string;
  name: string;
  type: string;
  user: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Which of their own warehouse credentials a user runs queries of a project with. */
@Injectable()
export class ProjectUserCredentialsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The credentials the caller's queries in the project would use, as Lightdash answers it: the ones
   * selected for the project, else the oldest of the project's warehouse type; undefined (no
   * `results` key) when the caller has none of that type.
   */
  async preferred(principal: Principal, access: ProjectAccess): Promise<UserWarehouseCredentialsDto | undefined> {
    const [row]: CredentialsRow[] = await this.dataSource.query(
      `SELECT c.user_warehouse_credentials_uuid AS uuid, c.name, c.warehouse_type AS type, c.warehouse_user AS "user",
              c.created_at AS "createdAt", c.updated_at AS "updatedAt"
       FROM user_warehouse_credentials c
       JOIN projects p ON p.project_id = $1 AND p.warehouse_type = c.warehouse_type
       LEFT JOIN project_user_warehouse_credentials selected
         ON selected.project_id = p.project_id AND selected.user_id = c.user_id AND selected.user_warehouse_credentials_id = c.user_warehouse_credentials_id
       WHERE c.user_id = $2
       ORDER BY selected.user_warehouse_credentials_id IS NULL, c.created_at, c.user_warehouse_credentials_id
       LIMIT 1`,
      [access.projectId, principal.userId],
    );
    if (!row) return undefined;
    const { type, user, ...rest } = row;
    return {
      ...rest,
      userUuid: principal.userUuid,
      credentials: returnedUserCredentials({ type, user }) as UserWarehouseCredentialsDto['credentials'],
      project: null,
    };
  }

  /** Selects one of the caller's own credentials (404 otherwise) whose warehouse type is the project's (400 otherwise). */
  async select(principal: Principal, access: ProjectAccess, credentialsUuid: string): Promise<void> {
    const [credentials] = await this.dataSource.query(
      `SELECT c.user_warehouse_credentials_id::text AS id, c.warehouse_type AS type, p.warehouse_type AS "projectType"
       FROM user_warehouse_credentials c, projects p
       WHERE c.user_warehouse_credentials_uuid = $1 AND c.user_id = $2 AND p.project_id = $3`,
      [credentialsUuid, principal.userId, access.projectId],
    );
    if (!credentials) throw new NotFoundError(NOT_FOUND);
    if (credentials.type !== credentials.projectType) {
      throw new ParameterError(`These are ${credentials.type} credentials; the project's warehouse is ${credentials.projectType ?? 'not set'}`);
    }
    try {
      await this.dataSource.query(
        `INSERT INTO project_user_warehouse_credentials (project_id, user_id, user_warehouse_credentials_id) VALUES ($1, $2, $3)
         ON CONFLICT (project_id, user_id) DO UPDATE SET user_warehouse_credentials_id = EXCLUDED.user_warehouse_credentials_id`,
        [access.projectId, principal.userId, credentials.id],
      );
    } catch (error) {
      // the credentials (or the project) were deleted since we read them
      if (isForeignKeyViolation(error)) throw new NotFoundError(NOT_FOUND);
      throw error;
    }
  }
}
