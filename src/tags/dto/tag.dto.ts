import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';

/** Lightdash stores a tag's colour as any text (the UI sends `#rrggbb`); bounded like a name. */
const MAX_COLOR_LENGTH = 255;

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
  @ApiProperty({ example: 'Finance', maxLength: 255, description: 'Need not be unique in the project (as Lightdash)' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name: string;

  @ApiProperty({ example: '#1f77b4', maxLength: MAX_COLOR_LENGTH, description: 'Any text, as Lightdash (its UI uses #rrggbb)' })
  @IsString()
  @MaxLength(MAX_COLOR_LENGTH)
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

  @ApiPropertyOptional({ example: '#ff7f0e', maxLength: MAX_COLOR_LENGTH })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(MAX_COLOR_LENGTH)
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
