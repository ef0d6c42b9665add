import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { Trim } from '../../common/transforms.js';
import { IsIsoDateTime } from '../../personal-access-tokens/dto/iso-date-time.js';

export const SCIM_TOKEN_SCOPES = ['scim:manage'];

export class CreateScimTokenDto {
  @ApiProperty({ example: 'Okta provisioning', maxLength: 255 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  description: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2030-01-01T00:00:00.000Z', description: 'Required key; null: never expires' })
  @IsDefined()
  @ValidateIf((_dto: unknown, value: unknown) => value !== null)
  @IsIsoDateTime()
  expiresAt: string | null;
}

export class RotateScimTokenDto {
  @ApiProperty({ format: 'date-time', example: '2030-01-01T00:00:00.000Z', description: 'The expiry of the new token value' })
  @IsIsoDateTime()
  expiresAt: string;
}

export class ScimTokenParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  tokenUuid: string;
}

/** Lightdash's ServiceAccount: an organization's SCIM token, never its value or hash. */
export class ScimTokenDto {
  @ApiProperty({ format: 'uuid' })
  uuid: string;

  @ApiProperty({ format: 'uuid' })
  organizationUuid: string;

  @ApiProperty({ example: 'Okta provisioning' })
  description: string;

  @ApiProperty({ example: SCIM_TOKEN_SCOPES, type: [String] })
  scopes: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null: never expires' })
  expiresAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  rotatedAt: Date | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The admin who created it (null once that user is deleted)' })
  createdByUserUuid: string | null;
}

/** Answer of create and rotate: the only time the token value is shown. */
export class ScimTokenWithTokenDto extends ScimTokenDto {
  @ApiProperty({ example: 'scim_3f2a9c0d8e7b6a5f4e3d2c1b0a998877', description: 'Send as `Authorization: Bearer <token>` to /api/v1/scim/v2' })
  token: string;
}
