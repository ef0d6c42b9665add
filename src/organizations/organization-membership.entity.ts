import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ORGANIZATION_ROLES, type OrganizationRole } from '../authorization/roles.js';

/** A user's place in an organization: one organization per user, as in Lightdash. */
@Entity('organization_memberships')
export class OrganizationMembership {
  @PrimaryColumn({ type: 'bigint' })
  userId: string;

  @Column({ type: 'bigint' })
  organizationId: string;

  @Column({ type: 'enum', enum: ORGANIZATION_ROLES, enumName: 'organization_role' })
  role: OrganizationRole;

  /** The identity provider's id of a member provisioned over SCIM (`externalId`). */
  @Column({ type: 'text', nullable: true })
  scimExternalId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
