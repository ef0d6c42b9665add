// The TypeORM entities of this module (gathered in src/database/entities.ts).
import { OrganizationMembership } from './organization-membership.entity.js';
import { Organization } from './organization.entity.js';

export const organizationEntities: Function[] = [Organization, OrganizationMembership];
