import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { OrganizationRole } from '../../authorization/roles.js';

/** The LightdashUser shape of GET /user, login and registration. */
export class LightdashUserDto {
  @ApiProperty({ format: 'uuid', example: '3675b69e-8324-4110-bdca-059031aa8da3' })
  userUuid: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ example: 'Ada' })
  firstName: string;

  @ApiProperty({ example: 'Lovelace' })
  lastName: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Absent until the user joins an organization' })
  organizationUuid?: string;

  @ApiPropertyOptional({ example: 'Acme' })
  organizationName?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  organizationCreatedAt?: Date;

  @ApiPropertyOptional({ enum: ['member', 'viewer', 'interactive_viewer', 'editor', 'developer', 'admin'] })
  role?: string;

  @ApiProperty({ example: false })
  isTrackingAnonymized: boolean;

  @ApiProperty({ example: false })
  isMarketingOptedIn: boolean;

  @ApiProperty({ example: false })
  isSetupComplete: boolean;

  @ApiProperty({ example: true })
  isActive: boolean;

  @ApiProperty({ example: false, description: 'The user has no password yet (invited, not activated)' })
  isPending: boolean;

  @ApiProperty({ example: false })
  isEmailVerified: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;
}

type UserFields = Pick<
  LightdashUserDto,
  | 'userUuid' | 'email' | 'firstName' | 'lastName' | 'isTrackingAnonymized' | 'isMarketingOptedIn'
  | 'isSetupComplete' | 'isActive' | 'isEmailVerified' | 'createdAt' | 'updatedAt'
>;

export interface UserOrganization {
  organizationUuid: string | null;
  organizationName: string | null;
  organizationCreatedAt: Date | null;
  role: OrganizationRole | null;
}

/** The LightdashUser shape; organization fields are absent (not null) until the user joins one. */
export function toLightdashUser(user: UserFields, organization?: UserOrganization): LightdashUserDto {
  return {
    userUuid: user.userUuid,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    isTrackingAnonymized: user.isTrackingAnonymized,
    isMarketingOptedIn: user.isMarketingOptedIn,
    isSetupComplete: user.isSetupComplete,
    isActive: user.isActive,
    isPending: false,
    isEmailVerified: user.isEmailVerified,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    ...(organization?.organizationUuid
      ? {
          organizationUuid: organization.organizationUuid,
          organizationName: organization.organizationName!,
          organizationCreatedAt: organization.organizationCreatedAt!,
          role: organization.role!,
        }
      : {}),
  };
}
