import type { EntityManager } from 'typeorm';

// The SQL of starting and ending sessions (table sessions); reading them for authentication is
// credential.sql.ts's. Each function is one statement; SessionsService holds the rules.

/** A session for the user, valid `maxAgeHours` by the database clock, stored by its token's hash. */
export async function insertSession(manager: EntityManager, tokenHash: Buffer, userId: string, maxAgeHours: number): Promise<void> {
  await manager.query(`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3::int))`, [
    tokenHash,
    userId,
    maxAgeHours,
  ]);
}

export async function deleteExpiredSessions(manager: EntityManager, userId: string): Promise<void> {
  await manager.query(`DELETE FROM sessions WHERE user_id = $1 AND expires_at < now()`, [userId]);
}

export async function deleteSession(manager: EntityManager, sessionId: string): Promise<void> {
  await manager.query(`DELETE FROM sessions WHERE session_id = $1`, [sessionId]);
}
