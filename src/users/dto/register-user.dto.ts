import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Trim } from '../../common/transforms.js';

export class RegisterUserDto {
  @ApiProperty({ example: 'Ada', maxLength: 255 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  firstName: string;

  @ApiProperty({ example: 'Lovelace', maxLength: 255 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  lastName: string;

  @ApiProperty({ example: 'ada@example.com', format: 'email' })
  @Trim()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({
    example: 'correct horse 1',
    description: 'At least 8 characters, 1 letter and 1 number or 1 special character',
    format: 'password',
  })
  @IsString()
  password: string;
}
