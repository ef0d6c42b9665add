import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Matches, MaxLength } from 'class-validator';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';

/** Lightdash's PostgreSQL wire-protocol endpoint: never enabled here. */
export class PgWireDto {
  @ApiProperty({ example: false })
  enabled: boolean;

  @ApiProperty({ example: 'lightdash.example.com', description: 'The host name of the site URL' })
  host: string;

  @ApiProperty({ type: Number, nullable: true, example: null })
  port: null;

  @ApiProperty({ example: false })
  tlsRequired: boolean;
}

export class OrganizationDto {
  @ApiProperty({ format: 'uuid' })
  organizationUuid: string;

  @ApiProperty({ example: 'Acme Analytics' })
  name: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiPropertyOptional({ example: ['#5470c6', '#fc8452'], isArray: true, type: String })
  chartColors?: string[];

  @ApiPropertyOptional({ example: ['#1f2937', '#f59e0b'], isArray: true, type: String, description: "The active palette's dark-mode colours, when it has them" })
  chartDarkColors?: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'The active colour palette (POST /org/color-palettes/{uuid}/active), when one is set' })
  colorPaletteUuid?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  defaultProjectUuid?: string;

  @ApiProperty({ example: true, description: 'The organization has no project yet' })
  needsProject: boolean;

  @ApiProperty({ type: PgWireDto })
  pgWire: PgWireDto;
}


export class CreateOrganizationDto {
  @ApiProperty({ example: 'Acme Analytics', description: 'Letters, digits, spaces, underscores and dashes', maxLength: 255 })
  @Trim()
  @IsString()
  @MaxLength(255)
  name: string;
}

export class UpdateOrganizationDto {
  @ApiPropertyOptional({ example: 'Acme Analytics', maxLength: 255 })
  @IsOptionalNotNull()
  @Trim()
  @IsString()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ example: ['#5470c6', '#91cc75', '#fac858'], isArray: true, type: String, description: 'Chart palette as #rrggbb colours' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^#[0-9a-fA-F]{6}$/, { each: true, message: 'each chartColors entry must be a #rrggbb colour' })
  chartColors?: string[];
}
