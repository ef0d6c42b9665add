import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { ParameterError } from '../common/errors.js';

// scrypt from Node's own crypto: memory-hard, nothing to download at install time.
// Stored as `scrypt$N$r$p$salt$hash` (base64url) so the cost can be raised later without breaking old hashes.
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, cost: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost, R, P);
  return ['scrypt', cost, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * The password hash of an account that signs in through single sign-on only. Not NULL — NULL marks a
 * pending invitee, and every rule about accounts (one per email, admins, invites) keys on it — and it
 * matches no password, like "!" in /etc/shadow.
 */
export const NO_PASSWORD = '!sso';

/** A hash of a random password: verifying against it costs the same as against a real one. */
export async function decoyHash(cost: number): Promise<string> {
  return hashPassword(randomBytes(16).toString('hex'), cost);
}

export const PASSWORD_POLICY_MESSAGE =
  'Password must contain at least 8 characters, 1 letter and 1 number or 1 special character';

/** The peer's policy: at least 8 characters, a letter, and a digit or symbol (and at most 256 characters). */
export function assertPasswordPolicy(password: string): void {
  const ok = password.length >= 8 && password.length <= 256 && /\p{L}/u.test(password) && /[^\p{L}]/u.test(password);
  if (!ok) throw new ParameterError(PASSWORD_POLICY_MESSAGE);
}
