import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { NotFoundError } from '../common/errors.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { returnedUserCredentials } from '../connections/connection-schemas.js';
import { encryptCredentials } from './credentials-cipher.js';
import type { UpsertUserWarehouseCredentialsDto } from './dto/upsert-user-warehouse-credentials.dto.js';
import type { UserWarehouseCredentialsDto } from './dto/user-warehouse-credentials.dto.js';
import { UserWarehouseCredentials } from './user-warehouse-credentials.entity.js';

const NOT_FOUND_MESSAGE = 'Warehouse credentials not found';

@Injectable()
export class WarehouseCredentialsService {
  private readonly repository: Repository<UserWarehouseCredentials>;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {
    this.repository = dataSource.getRepository(UserWarehouseCredentials);
  }

  async list(principal: Principal): Promise<UserWarehouseCredentialsDto[]> {
    const rows = await this.repository.find({
      where: { userId: principal.userId },
      order: { createdAt: 'ASC', userWarehouseCredentialsId: 'ASC' },
    });
    return rows.map((row) => toUserWarehouseCredentialsDto(row, principal));
  }

  async create(principal: Principal, dto: UpsertUserWarehouseCredentialsDto): Promise<UserWarehouseCredentialsDto> {
    const inserted = await this.repository.save(this.repository.create({ userId: principal.userId, ...this.storedFields(dto) }));
    const row = await this.repository.findOneByOrFail({ userWarehouseCredentialsId: inserted.userWarehouseCredentialsId });
    return toUserWarehouseCredentialsDto(row, principal);
  }

  /** Replaces the name and the credentials of one of the caller's own records. */
  async update(principal: Principal, uuid: string, dto: UpsertUserWarehouseCredentialsDto): Promise<UserWarehouseCredentialsDto> {
    const ownRecord = { userWarehouseCredentialsUuid: uuid, userId: principal.userId };
    const result = await this.repository.update(ownRecord, this.storedFields(dto));
    const row = result.affected ? await this.repository.findOneBy(ownRecord) : null;
    if (!row) throw new NotFoundError(NOT_FOUND_MESSAGE);
    return toUserWarehouseCredentialsDto(row, principal);
  }

  async delete(principal: Principal, uuid: string): Promise<void> {
    const result = await this.repository.delete({ userWarehouseCredentialsUuid: uuid, userId: principal.userId });
    if (!result.affected) throw new NotFoundError(NOT_FOUND_MESSAGE);
  }

  /** All of the credentials encrypted; in clear only the login name, when the allowlist returns it for the type. */
  private storedFields(dto: UpsertUserWarehouseCredentialsDto) {
    const { credentials } = dto;
    const returned = returnedUserCredentials({ ...credentials });
    return {
      name: dto.name,
      warehouseType: credentials.type,
      warehouseUser: typeof returned.user === 'string' ? returned.user : null,
      encryptedCredentials: encryptCredentials(credentials, this.config.secret),
    };
  }
}

function toUserWarehouseCredentialsDto(row: UserWarehouseCredentials, owner: Pick<Principal, 'userUuid'>): UserWarehouseCredentialsDto {
  return {
    uuid: row.userWarehouseCredentialsUuid,
    userUuid: owner.userUuid,
    name: row.name,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    credentials: returnedUserCredentials({ type: row.warehouseType, user: row.warehouseUser }) as UserWarehouseCredentialsDto['credentials'],
    project: null,
  };
}
