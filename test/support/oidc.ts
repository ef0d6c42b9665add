import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { closedPort } from './tcp-listeners.js';

export interface TestAccount {
  email: string;
  emailVerified?: boolean;
  givenName?: string;
  familyName?: string;
}

export interface TestProvider {
  issuer: string;
  metadataUrl: string;
  secretClient: { clientId: string; clientSecret: string };
  keyClient: { clientId: string; privateKeyPem: string };
  close(): Promise<void>;
}

/** The login name of an account at the test provider: its subject and its claims. */
export function providerLogin(subject: string, account: TestAccount): string {
  const claims = { email: account.email, email_verified: account.emailVerified ?? true, given_name: account.givenName ?? 'Sso', family_name: account.familyName ?? 'User' };
  return `${subject}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
}

/**
 * A real OpenID provider (the certified `oidc-provider` package) on 127.0.0.1 in a child process,
 * with its development login and consent pages, and two clients of the apps at `siteUrls`: one
 * authenticating with a secret, one with private_key_jwt.
 */
export async function startProvider(siteUrls: string[]): Promise<TestProvider> {
  const port = await closedPort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const secretClient = { clientId: `app-${randomBytes(4).toString('hex')}`, clientSecret: randomBytes(24).toString('hex') };
  const keyClient = { clientId: `app-key-${randomBytes(4).toString('hex')}`, privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
  const redirectUris = siteUrls.map((siteUrl) => `${siteUrl}/api/v1/oauth/redirect/oidc`);
  const clients = [
    { client_id: secretClient.clientId, client_secret: secretClient.clientSecret, redirect_uris: redirectUris, token_endpoint_auth_method: 'client_secret_basic' },
    {
      client_id: keyClient.clientId,
      redirect_uris: redirectUris,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256' }] },
    },
  ];
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(new URL('./oidc-provider-process.mjs', import.meta.url)), JSON.stringify({ port, clients })], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the OpenID provider did not start within 30 s: ${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the OpenID provider exited (${code}): ${output}`));
    });
  });
  return {
    issuer,
    metadataUrl: `${issuer}/.well-known/openid-configuration`,
    secretClient,
    keyClient,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A user agent of plain HTTP: cookies per host, redirects followed by hand. */
export class HttpAgent {
  private readonly jars = new Map<string, Map<string, string>>();

  cookieHeader(url: string): string {
    return [...(this.jars.get(new URL(url).host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  cookie(url: string, name: string): string | undefined {
    return this.jars.get(new URL(url).host)?.get(name);
  }

  setCookie(url: string, name: string, value: string): void {
    const jar = this.jars.get(new URL(url).host) ?? new Map<string, string>();
    jar.set(name, value);
    this.jars.set(new URL(url).host, jar);
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(url), ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      const jar = this.jars.get(new URL(url).host) ?? new Map<string, string>();
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
      this.jars.set(new URL(url).host, jar);
    }
    return response;
  }

  /** Follows redirects from `url` until one leads to `stopAt` (returned, not followed) or a page answers. */
  async follow(url: string, stopAt: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ url: string; response?: Response }> {
    let next = url;
    let options = init;
    for (let hops = 0; hops < 20; hops++) {
      if (next.startsWith(stopAt)) return { url: next };
      const response = await this.request(next, options);
      options = {};
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url: next, response };
      next = new URL(location, next).href;
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/**
 * Starts a sign-in at the app and goes through the provider's login and consent pages as `login`;
 * returns the callback URL the provider sends the browser back to (not yet followed).
 */
export async function signInAtProvider(agent: HttpAgent, siteUrl: string, login: string): Promise<string> {
  const callback = `${siteUrl}/api/v1/oauth/redirect/oidc`;
  let step = await agent.follow(`${siteUrl}/api/v1/login/oidc`, callback);
  for (const form of <Record<string, string>[]>[{ prompt: 'login', login, password: 'any' }, { prompt: 'consent' }]) {
    if (step.url.startsWith(callback)) break;
    if (step.response?.status !== 200) throw new Error(`provider page ${step.url} answered ${step.response?.status}: ${await step.response?.text()}`);
    step = await agent.follow(step.url, callback, { method: 'POST', form });
  }
  if (!step.url.startsWith(callback)) throw new Error(`the provider did not return to the app: ${step.url} ${step.response?.status}`);
  return step.url;
}
