import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class PersonalAccessTokenParamsDto {
  @ApiProperty({ format: 'uuid', example: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9' })
  @IsUUID()
  personalAccessTokenUuid: string;
}
