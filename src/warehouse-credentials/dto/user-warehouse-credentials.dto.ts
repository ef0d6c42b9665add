import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WAREHOUSE_TYPES, type WarehouseType } from './upsert-user-warehouse-credentials.dto.js';

/** The non-secret part of stored credentials. */
export class WarehouseCredentialsSummaryDto {
  @ApiProperty({ enum: WAREHOUSE_TYPES, example: 'postgres' })
  type: WarehouseType;

  @ApiPropertyOptional({ example: 'analyst', description: 'Present for warehouses with a login name' })
  user?: string;
}

export class UserWarehouseCredentialsProjectDto {
  @ApiProperty({ format: 'uuid' })
  projectUuid: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  type: string;
}

/** A saved set of credentials as listed: never carries a password, key, token or key file. */
export class UserWarehouseCredentialsDto {
  @ApiProperty({ format: 'uuid', example: '0f3c2a5e-9a4b-4d8e-b1c7-2f6a8e9d0c11' })
  uuid: string;

  @ApiProperty({ format: 'uuid', example: '3675b69e-8324-4110-bdca-059031aa8da3' })
  userUuid: string;

  @ApiProperty({ example: 'My Postgres login' })
  name: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;

  @ApiProperty({ type: WarehouseCredentialsSummaryDto })
  credentials: WarehouseCredentialsSummaryDto;

  @ApiProperty({ type: UserWarehouseCredentialsProjectDto, nullable: true, example: null, description: 'Always null: credentials are not bound to a project yet' })
  project: UserWarehouseCredentialsProjectDto | null;
}
