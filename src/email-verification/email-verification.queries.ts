import type { EntityManager, QueryResult } from 'typeorm';

// The SQL of email verification (table email_one_time_passcodes). Each function is one statement;
// EmailVerificationService holds the rules.

export interface PasscodeRow {
  created_at: Date;
  number_of_attempts: number;
  expires_at: Date;
  is_expired: boolean;
}

export interface NewPasscode {
  userId: string;
  email: string;
  passcodeHash: Buffer;
  lifetimeMinutes: number;
}

/** Stores the user's passcode, replacing any pending one and its attempts; times come from the database clock. */
export async function upsertPasscode(manager: EntityManager, passcode: NewPasscode): Promise<void> {
  await manager.query(
    `INSERT INTO email_one_time_passcodes (user_id, email, passcode_hash, number_of_attempts, created_at, expires_at)
     VALUES ($1, $2, $3, 0, now(), now() + make_interval(mins => $4))
     ON CONFLICT (user_id) DO UPDATE SET
       email = excluded.email, passcode_hash = excluded.passcode_hash, number_of_attempts = 0,
       created_at = excluded.created_at, expires_at = excluded.expires_at`,
    [passcode.userId, passcode.email, passcode.passcodeHash, passcode.lifetimeMinutes],
  );
}

/**
 * Counts an attempt on the user's pending passcode, when it is unexpired and below `maxAttempts`,
 * under the row lock; answers the stored hash to compare with, none when no attempt is left. Runs on
 * the transaction's query runner (`manager` from `DataSource.transaction`).
 */
export async function countAttempt(manager: EntityManager, userId: string, maxAttempts: number): Promise<Buffer | undefined> {
  const attempt: QueryResult<{ passcode_hash: Buffer }> = await manager.queryRunner!.query(
    `UPDATE email_one_time_passcodes SET number_of_attempts = number_of_attempts + 1
     WHERE user_id = $1 AND number_of_attempts < $2 AND expires_at > now()
     RETURNING passcode_hash`,
    [userId, maxAttempts],
    true,
  );
  return attempt.records[0]?.passcode_hash;
}

export async function selectPasscode(manager: EntityManager, userId: string): Promise<PasscodeRow | undefined> {
  const [row] = await manager.query<PasscodeRow[]>(
    `SELECT created_at, number_of_attempts, expires_at, expires_at <= now() AS is_expired
     FROM email_one_time_passcodes WHERE user_id = $1`,
    [userId],
  );
  return row;
}
