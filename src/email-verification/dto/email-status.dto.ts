import { IsOptionalNotNull } from '../../common/transforms.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class EmailStatusQueryDto {
  @ApiPropertyOptional({ example: '042917', pattern: '^\\d{6}$', description: 'The 6-digit passcode from the email; omit it to read the status' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'passcode must be 6 digits' })
  passcode?: string;
}

export class EmailOneTimePasscodeStatusDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-20T09:30:00.000Z' })
  createdAt: Date;

  @ApiProperty({ example: 1, description: 'Wrong passcodes tried since this one was sent' })
  numberOfAttempts: number;

  @ApiProperty({ format: 'date-time', example: '2026-11-20T09:45:00.000Z' })
  expiresAt: Date;

  @ApiProperty({ example: false })
  isExpired: boolean;

  @ApiProperty({ example: false, description: 'No more attempts: request a new passcode' })
  isMaxAttempts: boolean;
}

/** Lightdash's EmailStatusExpiring. */
export class EmailStatusDto {
  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ example: false })
  isVerified: boolean;

  @ApiPropertyOptional({ type: EmailOneTimePasscodeStatusDto, description: 'Present while a passcode is pending' })
  otp?: EmailOneTimePasscodeStatusDto;
}
