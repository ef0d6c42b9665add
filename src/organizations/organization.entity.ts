import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('organizations')
export class Organization {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  organizationId: string;

  @Column({ type: 'uuid', unique: true, insert: false, generated: 'uuid' })
  organizationUuid: string;

  @Column('text')
  name: string;

  @Column({ type: 'text', array: true, nullable: true })
  chartColors: string[] | null;

  @Column({ type: 'uuid', nullable: true })
  defaultProjectUuid: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
