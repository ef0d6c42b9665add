import { describe, expect, it } from '@jest/globals';
import { ParameterError } from '../../src/common/errors.js';
import { assertPasswordPolicy, hashPassword, verifyPassword } from '../../src/auth/password.js';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse 1', 2 ** 14);
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('correct horse 1', hash)).toBe(true);
    expect(await verifyPassword('correct horse 2', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same-password1', 2 ** 14)).not.toBe(await hashPassword('same-password1', 2 ** 14));
  });

  it('refuses malformed stored hashes', async () => {
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
  });
});

describe('password policy', () => {
  it.each(['password1', 'password!', 'pässwörd1', 'x'.repeat(7) + '1'])('accepts %j', (password) => {
    expect(() => assertPasswordPolicy(password)).not.toThrow();
  });
  it.each(['', 'short1', 'abcdefgh', '12345678', '!!!!!!!!', 'a1' + 'x'.repeat(255)])('refuses %j', (password) => {
    expect(() => assertPasswordPolicy(password)).toThrow(ParameterError);
  });
});
