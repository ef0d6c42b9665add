import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { OrganizationRole } from '../../authorization/roles.js';
import type { AbilityRule, SerializedAbility } from '../ability-rules.js';

/** The LightdashUser shape of login, registration and PATCH /user/me (organization fields null until the user joins one). */
export class LightdashUserDto {
  @ApiProperty({ format: 'uuid', example: '3675b69e-8324-4110-bdca-059031aa8da3' })
  userUuid: string;

  @ApiProperty({ example: 12, nullable: true, type: Number, description: "Lightdash's numeric user id; null before the user joins an organization" })
  userId: number | null;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ example: 'Ada' })
  firstName: string;

  @ApiProperty({ example: 'Lovelace' })
  lastName: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  organizationUuid: string | null;

  @ApiProperty({ example: 'Acme', nullable: true, type: String })
  organizationName: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  organizationCreatedAt: Date | null;

  @ApiProperty({ enum: ['member', 'viewer', 'interactive_viewer', 'editor', 'developer', 'admin'], nullable: true })
  role: OrganizationRole | null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: built-in roles only in this field' })
  roleUuid: null;

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

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: no avatars here' })
  avatarUrl: null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: no avatars here' })
  avatarGradient: null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: no per-user time zone here' })
  timezone: null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the user joined their organization; null before (as Lightdash answers)' })
  createdAt: Date | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;
}

export class AbilityRuleDto {
  @ApiProperty({ example: 'view' })
  action: string;

  @ApiProperty({ example: 'Project' })
  subject: string;

  @ApiPropertyOptional({ type: Object, example: { organizationUuid: '6ad2b5a4-0d7c-4c39-9a5c-6a2cf5d1b7a8' } })
  conditions?: Record<string, unknown>;
}

export class RequestContextDto {
  @ApiProperty({ example: '203.0.113.7' })
  ip: string;

  @ApiProperty({ example: 'lightdash-client/1.0' })
  userAgent: string;
}

/** GET /user: the LightdashUser and the session's view of it. */
export class SessionUserDto extends LightdashUserDto {
  @ApiProperty({ format: 'uuid', description: 'The user uuid, as the session knows the user' })
  id: string;

  @ApiProperty({ example: 'registered' })
  type: string;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: no impersonation here' })
  impersonation: null;

  @ApiProperty({ type: RequestContextDto })
  requestContext: RequestContextDto;

  @ApiProperty({ type: [AbilityRuleDto], description: 'What the organization role allows, as Lightdash\'s CASL rules (informative: the server decides with its own table)' })
  abilityRules: AbilityRule[];
}

/** Lightdash's serialized CASL ability (src/users/ability-rules.ts): `M` holds the rules. */
export class SerializedAbilityDto {
  @ApiProperty({ example: false, description: 'CASL: rules with fields (never here)' })
  h: false;

  @ApiProperty({ type: Object, example: {}, description: 'CASL: the rule index, empty once serialized' })
  l: Record<string, never>;

  @ApiProperty({ type: Object, example: {}, description: 'CASL: the rule options, empty once serialized' })
  p: Record<string, never>;

  @ApiProperty({ example: 'manage', description: 'CASL: the action that means any action' })
  $: 'manage';

  @ApiProperty({ example: 'all', description: 'CASL: the subject that means any subject' })
  A: 'all';

  @ApiProperty({ type: [AbilityRuleDto], description: 'The rules, as in `abilityRules`' })
  M: AbilityRule[];

  @ApiProperty({ example: false, description: 'CASL: custom subject-type detection (never here)' })
  m: false;
}

/** POST /user (registration or invite acceptance): the LightdashUser with its rules, also as Lightdash's serialized ability. */
export class RegisteredUserDto extends LightdashUserDto {
  @ApiProperty({ type: SerializedAbilityDto, description: "Lightdash's CASL ability object as JSON: informative, like abilityRules" })
  ability: SerializedAbility;

  @ApiProperty({ type: [AbilityRuleDto] })
  abilityRules: AbilityRule[];
}

type UserFields = Pick<
  LightdashUserDto,
  'userUuid' | 'email' | 'firstName' | 'lastName' | 'isTrackingAnonymized' | 'isMarketingOptedIn' | 'isSetupComplete' | 'isActive' | 'updatedAt'
> & { userId: string; createdAt: Date };

export interface UserOrganization {
  organizationUuid: string | null;
  organizationName: string | null;
  organizationCreatedAt: Date | null;
  role: OrganizationRole | null;
}

/** The LightdashUser shape; organization fields (and userId, createdAt) are null until the user joins one, as in Lightdash. */
export function toLightdashUser(user: UserFields, organization?: UserOrganization): LightdashUserDto {
  const member = organization?.organizationUuid ? organization : undefined;
  return {
    userUuid: user.userUuid,
    userId: member ? Number(user.userId) : null,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    organizationUuid: member?.organizationUuid ?? null,
    organizationName: member?.organizationName ?? null,
    organizationCreatedAt: member?.organizationCreatedAt ?? null,
    role: member?.role ?? null,
    roleUuid: null,
    isTrackingAnonymized: user.isTrackingAnonymized,
    isMarketingOptedIn: user.isMarketingOptedIn,
    isSetupComplete: user.isSetupComplete,
    isActive: user.isActive,
    isPending: false,
    avatarUrl: null,
    avatarGradient: null,
    timezone: null,
    createdAt: member ? user.createdAt : null,
    updatedAt: user.updatedAt,
  };
}
