import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class ProjectUserCredentialsParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectUuid: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userWarehouseCredentialsUuid: string;
}
