import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';

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

  @ApiProperty({ example: 'ada@example.com', format: 'email', required: false, description: 'Required for open sign-up; optional with an inviteCode (then it must be the invited email)' })
  @ValidateIf((dto: RegisterUserDto) => dto.inviteCode === undefined || dto.email !== undefined)
  @Trim()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiProperty({
    example: 'correct horse 1',
    description: 'At least 8 characters, 1 letter and 1 number or 1 special character',
    format: 'password',
  })
  @IsString()
  password: string;

  @ApiProperty({ required: false, description: 'Code of an invite link: activates the invited user in their organization' })
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  inviteCode?: string;
}
