import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';
import { IsTimeZone } from '../time-zone.js';
import { ConnectionModels, IsConnection } from '../../connections/connection-dto.js';
import { type Connection, DBT_CONNECTIONS, WAREHOUSE_CONNECTIONS } from '../../connections/connection-schemas.js';
import { DBT_CONNECTION_DOCS, DBT_VERSIONS, WAREHOUSE_CONNECTION_DOCS } from './project.dto.js';

const KEPT_FIELDS_RULE =
  'Fields kept on the server (secrets, the warehouse user) that are left out keep their stored values while the type and the destination (host, port, database, user, …) are unchanged; when the destination changes they must be sent again, else they are cleared.';

/** Every field is optional; a connection given replaces the stored one (see ProjectSettingsService). */
@ConnectionModels(DBT_CONNECTIONS)
@ConnectionModels(WAREHOUSE_CONNECTIONS)
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

  @IsOptionalNotNull()
  @IsConnection(DBT_CONNECTIONS, { ...DBT_CONNECTION_DOCS, description: `Replaces the dbt connection. ${KEPT_FIELDS_RULE} ${DBT_CONNECTION_DOCS.description}`, required: false })
  dbtConnection?: Connection;

  @IsOptionalNotNull()
  @IsConnection(WAREHOUSE_CONNECTIONS, {
    description: `Replaces the warehouse connection. ${KEPT_FIELDS_RULE} ${WAREHOUSE_CONNECTION_DOCS.description}`,
    example: { type: 'postgres', host: 'db.internal', port: 5432, dbname: 'analytics', schema: 'public', sslmode: 'require' },
    required: false,
  })
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
