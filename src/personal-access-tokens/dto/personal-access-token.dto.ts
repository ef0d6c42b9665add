import { ApiProperty } from '@nestjs/swagger';
import type { PersonalAccessToken } from '../personal-access-token.entity.js';

/** Lightdash's PersonalAccessToken: never carries the token value or its hash. */
export class PersonalAccessTokenDto {
  @ApiProperty({ format: 'uuid', example: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9' })
  uuid: string;

  @ApiProperty({ example: 'dbt CLI on my laptop' })
  description: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null: never expires' })
  expiresAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  rotatedAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt: Date | null;
}

/** Answer of create and rotate: the only time the token value is shown. */
export class PersonalAccessTokenWithTokenDto extends PersonalAccessTokenDto {
  @ApiProperty({ example: 'ldpat_3f2a9c0d8e7b6a5f4e3d2c1b0a998877', description: 'Send as `Authorization: ApiKey <token>`' })
  token: string;
}

type TokenFields = Pick<PersonalAccessToken, 'personalAccessTokenUuid' | 'description' | 'createdAt' | 'expiresAt' | 'rotatedAt' | 'lastUsedAt'>;

export function toPersonalAccessTokenDto(token: TokenFields): PersonalAccessTokenDto {
  return {
    uuid: token.personalAccessTokenUuid,
    description: token.description,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt ?? null,
    rotatedAt: token.rotatedAt ?? null,
    lastUsedAt: token.lastUsedAt ?? null,
  };
}
