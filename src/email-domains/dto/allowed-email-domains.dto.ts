import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsString, IsUUID, Matches, ValidateNested } from 'class-validator';

export const ALLOWED_EMAIL_DOMAINS_ROLES = ['member', 'viewer', 'interactive_viewer', 'editor'] as const;
export type AllowedEmailDomainsRole = (typeof ALLOWED_EMAIL_DOMAINS_ROLES)[number];

export const ALLOWED_EMAIL_DOMAIN_PROJECTS_ROLES = ['viewer', 'interactive_viewer', 'editor'] as const;
export type AllowedEmailDomainProjectsRole = (typeof ALLOWED_EMAIL_DOMAIN_PROJECTS_ROLES)[number];

export const MAX_EMAIL_DOMAINS = 50;

// Two or more dot-separated labels (letters, digits, inner hyphens, up to 63 characters each), a
// letter-only or punycode top-level label, 253 characters at most.
const DOMAIN_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

const normalizeDomains = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((domain) => (typeof domain === 'string' ? domain.trim().toLowerCase() : domain)) : value;

export class AllowedEmailDomainProjectDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  projectUuid: string;

  @ApiProperty({ enum: ALLOWED_EMAIL_DOMAIN_PROJECTS_ROLES, example: 'viewer' })
  @IsIn(ALLOWED_EMAIL_DOMAIN_PROJECTS_ROLES)
  role: AllowedEmailDomainProjectsRole;
}

/** AllowedEmailDomains. */
export class AllowedEmailDomainsDto {
  @ApiProperty({ format: 'uuid' })
  organizationUuid: string;

  @ApiProperty({ example: ['acme.com', 'acme.co.uk'], isArray: true, type: String })
  emailDomains: string[];

  @ApiProperty({ enum: ALLOWED_EMAIL_DOMAINS_ROLES, example: 'viewer', description: 'Organization role of users who join through these domains' })
  role: AllowedEmailDomainsRole;

  @ApiProperty({ type: [AllowedEmailDomainProjectDto], example: [] })
  projects: AllowedEmailDomainProjectDto[];
}

/** UpdateAllowedEmailDomains: every field is required; the saved configuration replaces the previous one. */
export class UpdateAllowedEmailDomainsDto {
  @ApiProperty({
    example: ['acme.com', 'acme.co.uk'],
    isArray: true,
    type: String,
    maxItems: MAX_EMAIL_DOMAINS,
    description: 'Domain names, lowercased and trimmed; duplicates are collapsed. Public email providers (gmail.com, outlook.com…) are refused.',
  })
  @Transform(normalizeDomains)
  @IsArray()
  @ArrayMaxSize(MAX_EMAIL_DOMAINS)
  @IsString({ each: true })
  @Matches(DOMAIN_NAME, { each: true, message: 'each value in emailDomains must be a domain name such as acme.com' })
  emailDomains: string[];

  @ApiProperty({ enum: ALLOWED_EMAIL_DOMAINS_ROLES, example: 'viewer' })
  @IsIn(ALLOWED_EMAIL_DOMAINS_ROLES)
  role: AllowedEmailDomainsRole;

  @ApiProperty({ type: [AllowedEmailDomainProjectDto], example: [], description: 'Project roles given to users who join through these domains' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AllowedEmailDomainProjectDto)
  projects: AllowedEmailDomainProjectDto[];
}

/** UserAllowedOrganization. */
export class UserAllowedOrganizationDto {
  @ApiProperty({ format: 'uuid' })
  organizationUuid: string;

  @ApiProperty({ example: 'Acme Analytics' })
  name: string;

  @ApiProperty({ example: 12 })
  membersCount: number;
}

export class JoinOrganizationParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  organizationUuid: string;
}
