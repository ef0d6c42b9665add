import { ApiProperty } from '@nestjs/swagger';
import { IsIsoDateTime } from './iso-date-time.js';

export class RotatePersonalAccessTokenDto {
  @ApiProperty({ format: 'date-time', example: '2030-01-01T00:00:00.000Z', description: 'The expiry of the new token value' })
  @IsIsoDateTime()
  expiresAt: string;
}
