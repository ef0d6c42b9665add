import { IsOptionalNotNull } from '../../common/transforms.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class LoginOptionsQueryDto {
  @ApiPropertyOptional({ example: 'ada@example.com', description: 'The email about to log in (answers are the same for every email)' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(254)
  email?: string;
}

export class LoginOptionsDto {
  @ApiProperty({ example: ['email'], description: 'Login methods to offer; `email` is email + password', isArray: true, enum: ['email'] })
  showOptions: string[];

  @ApiProperty({ example: false })
  forceRedirect: boolean;
}
