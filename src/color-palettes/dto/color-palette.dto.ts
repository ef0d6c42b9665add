import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsOptionalNotNull, Trim } from '../../common/transforms.js';

/** Every palette has exactly this many colours (Lightdash's rule, checked by the service and a CHECK constraint). */
export const PALETTE_SIZE = 20;

const EXAMPLE_COLORS = [
  '#0b3d91', '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22',
  '#17becf', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d',
];

/** Colours are strings as the UI sends them (Lightdash does not check their format); only their number and size are bounded. */
const COLOR_MAX_LENGTH = 64;
const COLORS_MAX = 100;

/** OrganizationColorPalette. */
export class ColorPaletteDto {
  @ApiProperty({ format: 'uuid' })
  colorPaletteUuid: string;

  @ApiProperty({ format: 'uuid' })
  organizationUuid: string;

  @ApiProperty({ example: 'Brand' })
  name: string;

  @ApiProperty({ type: [String], example: EXAMPLE_COLORS, description: `Exactly ${PALETTE_SIZE} colours` })
  colors: string[];

  @ApiProperty({ type: [String], nullable: true, example: null, description: 'Colours for dark mode, or null' })
  darkColors: string[] | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;
}

/** Items of GET /org/color-palettes. */
export class ColorPaletteWithActiveDto extends ColorPaletteDto {
  @ApiProperty({ example: false, description: "Whether this is the organization's active palette" })
  isActive: boolean;
}

export class CreateColorPaletteDto {
  @ApiProperty({ example: 'Brand', maxLength: 255 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiProperty({ type: [String], example: EXAMPLE_COLORS, description: `Exactly ${PALETTE_SIZE} colours, else 400` })
  @IsArray()
  @ArrayMaxSize(COLORS_MAX)
  @IsString({ each: true })
  @MaxLength(COLOR_MAX_LENGTH, { each: true })
  colors: string[];

  @ApiPropertyOptional({ type: [String], nullable: true, example: null, description: 'Colours for dark mode (not counted)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(COLORS_MAX)
  @IsString({ each: true })
  @MaxLength(COLOR_MAX_LENGTH, { each: true })
  darkColors?: string[] | null;
}

export class UpdateColorPaletteDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Lightdash's schema requires it; ignored (the path names the palette)" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  uuid?: string;

  @ApiPropertyOptional({ example: 'Brand (2026)', maxLength: 255 })
  @IsOptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ type: [String], example: EXAMPLE_COLORS, description: `Exactly ${PALETTE_SIZE} colours, else 400` })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(COLORS_MAX)
  @IsString({ each: true })
  @MaxLength(COLOR_MAX_LENGTH, { each: true })
  colors?: string[];

  @ApiPropertyOptional({ type: [String], nullable: true, example: null, description: 'Colours for dark mode; null clears them' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(COLORS_MAX)
  @IsString({ each: true })
  @MaxLength(COLOR_MAX_LENGTH, { each: true })
  darkColors?: string[] | null;
}

export class ColorPaletteParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  colorPaletteUuid: string;
}
