import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { ProjectParamsDto } from '../../projects/dto/project.dto.js';

export class ExploreParamsDto extends ProjectParamsDto {
  @ApiProperty({ description: 'the explore name' })
  @IsString()
  @Length(1, 1024)
  exploreId: string;
}

export class ExploreWarningsDto {
  @ApiProperty({ type: [Object], description: 'always empty here' })
  exploresWithWarnings: Record<string, unknown>[];

  @ApiProperty({ example: 0 })
  warningCount: number;

  @ApiProperty({ example: 0 })
  warningExploreCount: number;
}

export class ExploresUploadResultDto {
  @ApiProperty({ description: 'explores stored, errored ones included' })
  exploreCount: number;

  @ApiProperty({ type: ExploreWarningsDto })
  warnings: ExploreWarningsDto;
}
