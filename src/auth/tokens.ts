import { hash, randomBytes } from 'node:crypto';

/** Secrets are stored only as SHA-256 digests: a database dump reveals no usable session or token. */
export function sha256(value: string): Buffer {
  // the one-shot hash: no Hash object per call (every authenticated request hashes its credential)
  return hash('sha256', value, 'buffer');
}

/** Lightdash's cookie name, so clients written for it keep working. */
export const SESSION_COOKIE = 'connect.sid';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export const PERSONAL_ACCESS_TOKEN_PREFIX = 'ldpat_';

export function newPersonalAccessToken(): string {
  return PERSONAL_ACCESS_TOKEN_PREFIX + randomBytes(16).toString('hex');
}

/** Lightdash's SCIM token prefix: an organization's provisioning credential, not a user's. */
export const SCIM_TOKEN_PREFIX = 'scim_';

export function newScimToken(): string {
  return SCIM_TOKEN_PREFIX + randomBytes(16).toString('hex');
}
