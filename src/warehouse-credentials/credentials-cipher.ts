import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption at rest for warehouse credentials (per-user now, per-project connections later):
 * AES-256-GCM with a key derived from LIGHTDASH_SECRET by HKDF-SHA256, a random IV per record,
 * stored as `iv | tag | ciphertext`. Rotating LIGHTDASH_SECRET makes stored credentials unreadable.
 */
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_INFO = 'warehouse-credentials';

export class CredentialsDecryptionError extends Error {
  constructor() {
    super('Stored credentials could not be decrypted (LIGHTDASH_SECRET changed, or the data is corrupted)');
    this.name = 'CredentialsDecryptionError';
  }
}

function deriveKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), KEY_INFO, KEY_BYTES));
}

/** Encrypts a JSON-serializable value; the result goes into a bytea column as is. */
export function encryptCredentials(value: unknown, secret: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, deriveKey(secret), iv, { authTagLength: TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** The value given to encryptCredentials; throws CredentialsDecryptionError on a wrong secret or altered bytes. */
export function decryptCredentials<T = unknown>(payload: Buffer, secret: string): T {
  if (payload.length < IV_BYTES + TAG_BYTES) throw new CredentialsDecryptionError();
  const iv = payload.subarray(0, IV_BYTES);
  const tag = payload.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const ciphertext = payload.subarray(IV_BYTES + TAG_BYTES);
  let plaintext: string;
  try {
    const decipher = createDecipheriv(ALGORITHM, deriveKey(secret), iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new CredentialsDecryptionError();
  }
  return JSON.parse(plaintext) as T;
}
