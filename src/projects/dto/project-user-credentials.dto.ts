import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { WAREHOUSE_TYPES } from '../../connections/connection-schemas.js';

export class ProjectUserCredentialsSummaryDto {
  @ApiProperty({ enum: WAREHOUSE_TYPES, example: 'postgres' })
  type: string;

  @ApiPropertyOptional({ example: 'analyst', description: 'For user/password warehouses; never a secret' })
  user?: string;
}

/** One of the caller's warehouse credentials that fits the project's warehouse. */
export class ProjectUserCredentialsDto {
  @ApiProperty({ format: 'uuid' })
  uuid: string;

  @ApiProperty({ example: 'My analytics login' })
  name: string;

  @ApiProperty({ type: ProjectUserCredentialsSummaryDto })
  credentials: ProjectUserCredentialsSummaryDto;

  @ApiProperty({ example: true, description: 'The credentials the caller selected for this project' })
  isSelected: boolean;
}

export class ProjectUserCredentialsParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectUuid: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userWarehouseCredentialsUuid: string;
}
