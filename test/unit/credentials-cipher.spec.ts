import { describe, expect, it } from '@jest/globals';
import { CredentialsDecryptionError, decryptCredentials, encryptCredentials } from '../../src/warehouse-credentials/credentials-cipher.js';

const SECRET = 'a-test-secret-of-sufficient-length';
const CREDENTIALS = { type: 'postgres', user: 'analyst', password: 'hunter2-é-🔑' };

describe('credentials cipher', () => {
  it('round-trips a credentials object', () => {
    const payload = encryptCredentials(CREDENTIALS, SECRET);
    expect(decryptCredentials(payload, SECRET)).toEqual(CREDENTIALS);
  });

  it('stores iv (12 bytes) | tag (16 bytes) | ciphertext, with no plaintext in it', () => {
    const payload = encryptCredentials(CREDENTIALS, SECRET);
    expect(payload.length).toBe(12 + 16 + Buffer.byteLength(JSON.stringify(CREDENTIALS)));
    expect(payload.includes(Buffer.from('hunter2'))).toBe(false);
    expect(payload.includes(Buffer.from('analyst'))).toBe(false);
  });

  it('uses a fresh IV for each encryption of the same value', () => {
    const first = encryptCredentials(CREDENTIALS, SECRET);
    const second = encryptCredentials(CREDENTIALS, SECRET);
    expect(first.subarray(0, 12).equals(second.subarray(0, 12))).toBe(false);
    expect(first.equals(second)).toBe(false);
  });

  it('refuses a tampered ciphertext, tag or IV', () => {
    const payload = encryptCredentials(CREDENTIALS, SECRET);
    for (const index of [0, 12, payload.length - 1]) {
      const tampered = Buffer.from(payload);
      tampered[index] ^= 0x01;
      expect(() => decryptCredentials(tampered, SECRET)).toThrow(CredentialsDecryptionError);
    }
  });

  it('refuses to decrypt with a different secret', () => {
    const payload = encryptCredentials(CREDENTIALS, SECRET);
    expect(() => decryptCredentials(payload, 'another-secret-of-sufficient-length')).toThrow(CredentialsDecryptionError);
  });

  it('refuses a payload too short to hold an IV and a tag', () => {
    expect(() => decryptCredentials(Buffer.alloc(27), SECRET)).toThrow(CredentialsDecryptionError);
  });
});
