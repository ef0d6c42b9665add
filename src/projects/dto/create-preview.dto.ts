import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsNotEmpty, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsOptionalNotNull, Trim } from '../../common/transforms.js';

export class EnvironmentVariableDto {
  @ApiProperty({ example: 'DBT_TARGET_SCHEMA', maxLength: 1024 })
  @IsString()
  @MaxLength(1024)
  key: string;

  @ApiProperty({ example: 'preview_42', maxLength: 4096 })
  @IsString()
  @MaxLength(4096)
  value: string;
}

/** Lightdash's `dbtConnectionOverrides`: each applies only when the source's dbt connection type has the field. */
export class DbtConnectionOverridesDto {
  @ApiPropertyOptional({ example: 'feature/new-metrics', maxLength: 1024, description: 'The git branch (git-hosted dbt projects)' })
  @IsOptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  branch?: string;

  @ApiPropertyOptional({ type: [EnvironmentVariableDto], description: 'Replaces the dbt environment variables' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => EnvironmentVariableDto)
  environment?: EnvironmentVariableDto[];

  @ApiPropertyOptional({ description: 'The dbt manifest (dbt connection type `manifest`)', maxLength: 5 * 1024 * 1024 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(5 * 1024 * 1024)
  manifest?: string;
}

/** Lightdash's `warehouseConnectionOverrides`. */
export class WarehouseConnectionOverridesDto {
  @ApiPropertyOptional({ example: 'preview_42', maxLength: 1024, description: 'The schema (warehouse types that have one)' })
  @IsOptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  schema?: string;
}

export class CreatePreviewDto {
  @ApiProperty({ example: 'Jaffle shop – preview of #42', maxLength: 255 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiProperty({
    example: true,
    description: 'Also copy the spaces with their charts and dashboards and the project access, and link the preview to this project (`upstreamProjectUuid`)',
  })
  @IsBoolean()
  copyContent: boolean;

  @ApiPropertyOptional({ type: DbtConnectionOverridesDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => DbtConnectionOverridesDto)
  dbtConnectionOverrides?: DbtConnectionOverridesDto;

  @ApiPropertyOptional({ type: WarehouseConnectionOverridesDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => WarehouseConnectionOverridesDto)
  warehouseConnectionOverrides?: WarehouseConnectionOverridesDto;
}
