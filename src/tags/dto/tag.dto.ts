import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
const HEX_COLOR_MESSAGE = 'color must be a #rrggbb hex color';

export class TagCreatorDto {
  @ApiProperty({ format: 'uuid' })
  userUuid: string;

  @ApiProperty({ example: 'Grace' })
  firstName: string;

  @ApiProperty({ example: 'Hopper' })
  lastName: string;
}

export class TagDto {
  @ApiProperty({ format: 'uuid' })
  tagUuid: string;

  @ApiProperty({ format: 'uuid' })
  projectUuid: string;

  @ApiProperty({ example: 'Finance' })
  name: string;

  @ApiProperty({ example: '#1f77b4' })
  color: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Set for tags defined in dbt YAML' })
  yamlReference: string | null;

  @ApiProperty({ type: TagCreatorDto, nullable: true })
  createdBy: TagCreatorDto | null;
}

export class CreateTagDto {
  @ApiProperty({ example: 'Finance', maxLength: 255, description: 'Unique in the project, ignoring case' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiProperty({ example: '#1f77b4' })
  @IsString()
  @Matches(HEX_COLOR, { message: HEX_COLOR_MESSAGE })
  color: string;
}

export class UpdateTagDto {
  @ApiPropertyOptional({ example: 'Finance & accounting', maxLength: 255 })
  @IsOptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ example: '#ff7f0e' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(HEX_COLOR, { message: HEX_COLOR_MESSAGE })
  color?: string;
}

export class CreateTagResultDto {
  @ApiProperty({ format: 'uuid' })
  tagUuid: string;
}

export class TagParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectUuid: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  tagUuid: string;
}

/** One tag of the project's YAML (PUT /projects/{p}/tags/yaml). Colours are kept as given: YAML may name them (`blue`). */
export class YamlTagDto {
  @ApiProperty({ example: 'Finance', maxLength: 255, description: 'Unique in the project, ignoring case' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiProperty({ example: '#1f77b4', maxLength: 255 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  color: string;

  @ApiProperty({ example: 'finance', maxLength: 255, description: 'The key the tag is matched by' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  yamlReference: string;
}
