import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { Organization } from '../organizations/organization.entity.js';
import { User } from '../users/user.entity.js';

/** A named set of members of one organization (description and icon as in Secoda's groups). */
@Entity('groups')
@Unique('groups_group_id_organization_id_key', ['groupId', 'organizationId'])
// unique on (organization_id, lower(name)): an expression index, so it is written in the migration only
@Index('groups_organization_name_key', { synchronize: false })
export class Group {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  groupId: string;

  @Column({ type: 'uuid', unique: true, insert: false, generated: 'uuid' })
  groupUuid: string;

  @Column({ type: 'bigint' })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'groups_organization_id_fkey' })
  organization?: Organization;

  @Column('text')
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** An emoji. */
  @Column({ type: 'text', nullable: true })
  icon: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'bigint', nullable: true })
  createdByUserId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_user_id', foreignKeyConstraintName: 'groups_created_by_user_id_fkey' })
  createdBy?: User | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'bigint', nullable: true })
  updatedByUserId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'updated_by_user_id', foreignKeyConstraintName: 'groups_updated_by_user_id_fkey' })
  updatedBy?: User | null;
}
