import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import type { ProjectAccess } from '../authorization/access.service.js';
import { NotFoundError, ParameterError } from '../common/errors.js';
import { returnedUserCredentials } from '../connections/connection-schemas.js';
import { isForeignKeyViolation } from '../common/postgres-errors.js';
import type { UserWarehouseCredentialsDto } from '../warehouse-credentials/dto/user-warehouse-credentials.dto.js';
import { selectOwnCredentialsType, selectPreferredCredentials, upsertSelectedCredentials } from './project-user-credentials.queries.js';

const NOT_FOUND = 'Warehouse credentials not found';

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
    const row = await selectPreferredCredentials(this.dataSource.manager, access.projectId, principal.userId);
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
    const credentials = await selectOwnCredentialsType(this.dataSource.manager, credentialsUuid, principal.userId, access.projectId);
    if (!credentials) throw new NotFoundError(NOT_FOUND);
    if (credentials.type !== credentials.projectType) {
      throw new ParameterError(`These are ${credentials.type} credentials; the project's warehouse is ${credentials.projectType ?? 'not set'}`);
    }
    try {
      await upsertSelectedCredentials(this.dataSource.manager, access.projectId, principal.userId, credentials.id);
    } catch (error) {
      // the credentials (or the project) were deleted since we read them
      if (isForeignKeyViolation(error)) throw new NotFoundError(NOT_FOUND);
      throw error;
    }
  }
}
