import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { ProjectParamsDto } from '../../projects/dto/project.dto.js';

export class ExploreParamsDto extends ProjectParamsDto {
  @ApiProperty({ description: 'the explore name' })
  @IsString()
  @Length(1, 1024)
  exploreId: string;
}

export class ExploresUploadResultDto {
  @ApiProperty({ description: 'explores stored, errored ones included' })
  explores: number;

  @ApiProperty({ description: 'catalog items (tables and fields) after the upload' })
  catalogItems: number;
}
