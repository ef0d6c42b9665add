import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('user_warehouse_credentials')
export class UserWarehouseCredentials {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  userWarehouseCredentialsId: string;

  @Column({ type: 'uuid', unique: true, insert: false, generated: 'uuid' })
  userWarehouseCredentialsUuid: string;

  @Column({ type: 'bigint' })
  userId: string;

  @Column('text')
  name: string;

  @Column('text')
  warehouseType: string;

  /** The non-secret login name, kept in clear for listing; null for warehouses without one. */
  @Column({ type: 'text', nullable: true })
  warehouseUser: string | null;

  /** See credentials-cipher.ts. Not selected by default so that listings never load secrets. */
  @Column({ type: 'bytea', select: false })
  encryptedCredentials: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
