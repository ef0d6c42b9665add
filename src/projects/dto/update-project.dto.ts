import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';
import { IsTimeZone } from '../time-zone.js';
import { type Connection, DBT_PROJECT_TYPES, DBT_VERSIONS, IsConnectionOfType, WAREHOUSE_TYPES } from './project.dto.js';

/** Every field is optional; a connection given replaces the stored one (see ProjectSettingsService). */
export class UpdateProjectDto {
  @ApiPropertyOptional({ example: 'Jaffle shop', maxLength: 255 })
  @IsOptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ enum: DBT_VERSIONS, example: 'v1.10' })
  @IsOptionalNotNull()
  @IsIn(DBT_VERSIONS)
  dbtVersion?: string;

  @ApiPropertyOptional({
    type: Object,
    example: { type: 'github', repository: 'acme/dbt', branch: 'main', project_sub_path: '/' },
    description: 'Replaces the dbt connection. Secrets left out are kept from the stored connection when its type is unchanged',
  })
  @IsOptionalNotNull()
  @IsConnectionOfType(DBT_PROJECT_TYPES)
  dbtConnection?: Connection;

  @ApiPropertyOptional({
    type: Object,
    example: { type: 'postgres', host: 'db.internal', port: 5432, user: 'lightdash', dbname: 'analytics', schema: 'public' },
    description: 'Replaces the warehouse connection. Secrets (password, keys) left out are kept from the stored connection when its type is unchanged',
  })
  @IsOptionalNotNull()
  @IsConnectionOfType(WAREHOUSE_TYPES)
  warehouseConnection?: Connection;

  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'An IANA time zone' })
  @IsOptionalNotNull()
  @IsTimeZone()
  schedulerTimezone?: string;
}

export class UpdateProjectQueryDto {
  @ApiPropertyOptional({
    example: true,
    description: 'Test the (new or stored) postgres warehouse connection first; on failure answer 400 WarehouseConnectionError and change nothing',
  })
  @IsOptionalNotNull()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  test?: boolean;
}
