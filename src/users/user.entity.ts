import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  userId: string;

  @Column({ type: 'uuid', unique: true, insert: false, generated: 'uuid' })
  userUuid: string;

  @Column('text')
  firstName: string;

  @Column('text')
  lastName: string;

  @Column('text')
  email: string;

  @Column({ type: 'text', nullable: true, select: false })
  passwordHash: string | null;

  /** A pending member created by an invite, until the invite is accepted; invitees may share an email, accounts never do. */
  @Column({ type: 'boolean', default: false })
  isInvitee: boolean;

  @Column({ type: 'boolean', default: false })
  isEmailVerified: boolean;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  @Column({ type: 'boolean', default: false })
  isTrackingAnonymized: boolean;

  @Column({ type: 'boolean', default: false })
  isMarketingOptedIn: boolean;

  @Column({ type: 'boolean', default: false })
  isSetupComplete: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
