import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class WarehouseCredentialsUuidParams {
  @ApiProperty({ format: 'uuid', example: '0f3c2a5e-9a4b-4d8e-b1c7-2f6a8e9d0c11' })
  @IsUUID()
  uuid: string;
}
