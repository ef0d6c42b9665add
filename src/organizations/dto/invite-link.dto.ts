import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsISO8601, IsString, MaxLength } from 'class-validator';
import { ORGANIZATION_ROLES, type OrganizationRole } from '../../authorization/roles.js';
import { Trim, IsOptionalNotNull } from '../../common/transforms.js';

export class CreateInviteLinkDto {
  @ApiProperty({ example: 'grace@example.com' })
  @Trim()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ enum: ORGANIZATION_ROLES, example: 'editor', default: 'member' })
  @IsOptionalNotNull()
  @IsIn(ORGANIZATION_ROLES)
  role?: OrganizationRole;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: 3 days from now; at most 30 days' })
  @IsOptionalNotNull()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

/** Lightdash's InviteLink: what creating an invite answers, and what the public check of its code answers. */
export class InviteLinkDto {
  @ApiProperty({ example: 'Qm3zX1o8cS2u9Vv7rJ4YbL0tKpWq6eNd' })
  inviteCode: string;

  @ApiProperty({ example: 'http://localhost:8080/invite/Qm3zX1o8cS2u9Vv7rJ4YbL0tKpWq6eNd' })
  inviteUrl: string;

  @ApiProperty({ example: 'grace@example.com' })
  email: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: Date;

  @ApiProperty({ format: 'uuid' })
  organizationUuid: string;

  @ApiProperty({ format: 'uuid', description: 'The pending member the invite activates' })
  userUuid: string;

  @ApiProperty({ example: 'member', description: "Always 'member': an invite to join the organization" })
  purpose: string;
}

export class InviteCodeParamsDto {
  @ApiProperty()
  @IsString()
  @MaxLength(128)
  inviteCode: string;
}
