import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { Trim } from '../../common/transforms.js';

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Trim()
  @IsString()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse 1', format: 'password' })
  @IsString()
  @MaxLength(1024)
  password: string;
}
