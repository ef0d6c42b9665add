import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationMembership } from '../organizations/organization-membership.entity.js';
import { Group } from './group.entity.js';

/**
 * A member of a group. `organizationId` is the organization of both the group and the member: the two
 * composite foreign keys make PostgreSQL refuse a member of another organization and drop the row
 * when the member leaves the organization, whatever requests run concurrently.
 */
@Entity('group_memberships')
export class GroupMembership {
  @PrimaryColumn({ type: 'bigint' })
  groupId: string;

  @Index('group_memberships_user_id_idx')
  @PrimaryColumn({ type: 'bigint' })
  userId: string;

  @Column({ type: 'bigint' })
  organizationId: string;

  @ManyToOne(() => Group, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'group_id', referencedColumnName: 'groupId', foreignKeyConstraintName: 'group_memberships_group_id_organization_id_fkey' },
    { name: 'organization_id', referencedColumnName: 'organizationId' },
  ])
  group?: Group;

  @ManyToOne(() => OrganizationMembership, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'user_id', referencedColumnName: 'userId', foreignKeyConstraintName: 'group_memberships_user_id_organization_id_fkey' },
    { name: 'organization_id', referencedColumnName: 'organizationId' },
  ])
  member?: OrganizationMembership;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
