/**
 * Splits a connection object (dbt or warehouse) into what may be shown and the secrets, which are
 * stored encrypted and never returned.
 */
const SECRET_KEYS = new Set([
  'password',
  'personal_access_token',
  'personalAccessToken',
  'api_key',
  'apiKey',
  'keyfileContents',
  'privateKey',
  'privateKeyPass',
  'sshTunnelPrivateKey',
  'secretAccessKey',
  'refreshToken',
  'token',
  'oauthClientSecret',
  'clientSecret',
]);

export interface SplitConnection {
  visible: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

export function splitSecrets(connection: Record<string, unknown>): SplitConnection {
  const visible: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(connection)) (SECRET_KEYS.has(key) ? secrets : visible)[key] = value;
  return { visible, secrets };
}
