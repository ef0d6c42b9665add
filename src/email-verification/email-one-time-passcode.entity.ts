import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The one pending email passcode of a user (a new one replaces it); only its HMAC is stored. */
@Entity('email_one_time_passcodes')
export class EmailOneTimePasscode {
  @PrimaryColumn({ type: 'bigint' })
  userId: string;

  /** The address the passcode was sent to. */
  @Column('text')
  email: string;

  @Column('bytea')
  passcodeHash: Buffer;

  @Column({ type: 'integer', default: 0 })
  numberOfAttempts: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;
}
