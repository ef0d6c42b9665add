import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import * as client from 'openid-client';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AuthorizationError, ForbiddenError, NotFoundError, ServiceUnavailableError } from '../common/errors.js';
import { APP_CONFIG, type OidcConfig, type OidcSigningAlgorithm, type ResolvedConfig } from '../config/config.js';
import { isUniqueViolation } from '../common/postgres-errors.js';
import { joinThroughEmailDomain, organizationAllowingEmail } from '../email-domains/email-domains.service.js';
import { User } from '../users/user.entity.js';
import { SessionsService } from '../auth/sessions.service.js';
import { sha256 } from '../auth/tokens.js';
import {
  deleteInvite,
  findAccountByEmail,
  findLinkedUser,
  findNewestPendingInvite,
  type Identity,
  insertLoginAttempt,
  linkIdentity,
  takeLoginAttempt,
} from './identities.queries.js';

export const OIDC_LOGIN_PATH = '/login/oidc';
export const OIDC_CALLBACK_PATH = '/oauth/redirect/oidc';
/** The browser's handle on its sign-in in flight; the state, nonce and PKCE verifier stay on the server. */
export const OIDC_ATTEMPT_COOKIE = 'oidc_attempt';
/** How long a user may spend at the provider between the redirect and the callback. */
export const OIDC_ATTEMPT_SECONDS = 600;
const SIGN_IN_FAILED = 'Sign-in with the identity provider failed, please start again';
const ATTEMPT_UNKNOWN = 'Sign-in expired or was not started in this browser, please start again';

const KEY_ALGORITHMS: Record<OidcSigningAlgorithm, webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  RS384: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  RS512: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  PS384: { name: 'RSA-PSS', hash: 'SHA-384' },
  PS512: { name: 'RSA-PSS', hash: 'SHA-512' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  ES384: { name: 'ECDSA', namedCurve: 'P-384' },
  ES512: { name: 'ECDSA', namedCurve: 'P-521' },
};

async function clientAuthentication(oidc: OidcConfig): Promise<client.ClientAuth> {
  switch (oidc.authMethod) {
    case 'client_secret_post':
      return client.ClientSecretPost(oidc.clientSecret);
    case 'private_key_jwt': {
      const der = createPrivateKey(oidc.privateKey!).export({ format: 'der', type: 'pkcs8' });
      const key = await webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHMS[oidc.signingAlgorithm], false, ['sign']);
      return client.PrivateKeyJwt(key as unknown as Parameters<typeof client.PrivateKeyJwt>[0]);
    }
    default:
      return client.ClientSecretBasic(oidc.clientSecret);
  }
}

/** What went wrong, without the error's attached responses or token claims (they stay out of the logs). */
function describe(error: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error && messages.length < 3; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    messages.push(typeof code === 'string' ? `${code}: ${e.message}` : e.message);
  }
  return messages.join(' <- ') || String(error);
}

/** The issuer a discovery document belongs to, so that openid-client checks the document's `issuer` against it. */
function issuerOf(metadataDocumentUrl: string): URL {
  const url = new URL(metadataDocumentUrl);
  const suffix = '/.well-known/openid-configuration';
  if (url.pathname.endsWith(suffix) && !url.search) url.pathname = url.pathname.slice(0, -suffix.length) || '/';
  return url;
}

/**
 * OpenID Connect sign-in, authorization-code flow with PKCE, through openid-client (an OpenID
 * certified relying party). The sign-in in flight is a single-use row in PostgreSQL, found through a
 * random handle in an httpOnly cookie, so any replica can finish what another started.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger(OidcService.name);
  private configuration: Promise<client.Configuration> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  get redirectUri(): string {
    return `${this.config.siteUrl}/api/v1${OIDC_CALLBACK_PATH}`;
  }

  async start(reply: FastifyReply): Promise<void> {
    const configuration = await this.discover();
    const attempt = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
    const handle = randomBytes(32).toString('base64url');
    await insertLoginAttempt(this.dataSource.manager, sha256(handle), attempt, OIDC_ATTEMPT_SECONDS);
    const authorizationUrl = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: this.oidc.scopes,
      state: attempt.state,
      nonce: attempt.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(attempt.codeVerifier),
      code_challenge_method: 'S256',
    });
    // Lax: the callback is a top-level navigation back from the provider, which Lax lets through
    reply.setCookie(OIDC_ATTEMPT_COOKIE, handle, {
      path: `/api/v1${OIDC_CALLBACK_PATH}`,
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.cookieSecure,
      maxAge: OIDC_ATTEMPT_SECONDS,
    });
    reply.redirect(authorizationUrl.href, 302);
  }

  async callback(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const configuration = await this.discover();
    const handle = request.cookies[OIDC_ATTEMPT_COOKIE];
    reply.clearCookie(OIDC_ATTEMPT_COOKIE, { path: `/api/v1${OIDC_CALLBACK_PATH}` });
    const attempt = handle ? await takeLoginAttempt(this.dataSource.manager, sha256(handle)) : undefined;
    if (!attempt) throw new AuthorizationError(ATTEMPT_UNKNOWN);

    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(
        configuration,
        new URL(this.redirectUri + query),
        { pkceCodeVerifier: attempt.codeVerifier, expectedState: attempt.state, expectedNonce: attempt.nonce, idTokenExpected: true },
        { redirect_uri: this.redirectUri },
      );
      claims = { ...tokens.claims()! };
      if (typeof claims.email !== 'string') {
        // providers may keep the profile claims out of the ID token: ask the userinfo endpoint
        claims = { ...(await client.fetchUserInfo(configuration, tokens.access_token, claims.sub as string)), ...claims };
      }
    } catch (error) {
      this.logger.warn({ reason: describe(error) }, 'OpenID Connect callback refused');
      throw new AuthorizationError(SIGN_IN_FAILED);
    }
    const userId = await this.signIn(claims);
    await this.sessions.start(userId, reply);
    reply.redirect(`${this.config.siteUrl}/`, 302);
  }

  /** The user the identity signs in as: linked before, matched by verified email, or created. */
  private async signIn(claims: Record<string, unknown>): Promise<string> {
    const identity = { issuer: claims.iss as string, subject: claims.sub as string, issuerType: 'oidc' as const };
    try {
      return await this.dataSource.transaction(async (manager) => {
        const linked = await findLinkedUser(manager, identity.issuer, identity.subject);
        if (linked) {
          if (!linked.isActive) throw new ForbiddenError('This account is deactivated');
          return linked.userId;
        }
        const email = typeof claims.email === 'string' ? claims.email.trim() : '';
        // some providers send the flag as a string
        if (!email || (claims.email_verified !== true && claims.email_verified !== 'true')) {
          throw new ForbiddenError('Your identity provider did not confirm your email address, so it cannot be matched to an account');
        }
        const userId = await this.accountFor(manager, email, claims);
        await linkIdentity(manager, { ...identity, email } satisfies Identity, userId);
        return userId;
      });
    } catch (error) {
      // a concurrent first sign-in of the same identity or email won: the next attempt finds its account
      if (isUniqueViolation(error, 'openid_identities_pkey') || isUniqueViolation(error, 'users_email_lower_key')) {
        throw new AuthorizationError(SIGN_IN_FAILED);
      }
      throw error;
    }
  }

  private async accountFor(manager: EntityManager, email: string, claims: Record<string, unknown>): Promise<string> {
    const account = await findAccountByEmail(manager, email);
    if (account) {
      if (!account.isActive) throw new ForbiddenError('This account is deactivated');
      // the provider vouched for the address
      await manager.update(User, { userId: account.userId }, { isEmailVerified: true });
      return account.userId;
    }
    const names = {
      firstName: typeof claims.given_name === 'string' ? claims.given_name : typeof claims.name === 'string' ? claims.name : '',
      lastName: typeof claims.family_name === 'string' ? claims.family_name : '',
    };
    // a pending invite turns into the account, with the invited organization and role (as accepting it would)
    const invite = await findNewestPendingInvite(manager, email);
    if (invite) {
      await manager.update(User, { userId: invite.userId }, { ...names, isInvitee: false, isEmailVerified: true });
      await deleteInvite(manager, invite.inviteId);
      await this.audit.record(manager, {
        action: 'invite.accept',
        targetType: 'user',
        targetUuid: invite.userUuid,
        organizationUuid: invite.organizationUuid,
        details: { email, via: 'oidc' },
      });
      return invite.userId;
    }
    const user = await manager.save(manager.create(User, { ...names, email, passwordHash: null, isEmailVerified: true }));
    const organization = await organizationAllowingEmail(manager, email);
    if (organization) await joinThroughEmailDomain(manager, this.audit, { userId: user.userId, email }, organization);
    return user.userId;
  }

  private get oidc(): OidcConfig {
    if (!this.config.oidc) throw new NotFoundError('OpenID Connect sign-in is not configured on this server');
    return this.config.oidc;
  }

  /** The provider's metadata, fetched once per process; a failed fetch is retried by the next sign-in. */
  private async discover(): Promise<client.Configuration> {
    const oidc = this.oidc;
    this.configuration ??= (async () => {
      const issuer = issuerOf(oidc.metadataDocumentUrl);
      return client.discovery(issuer, oidc.clientId, undefined, await clientAuthentication(oidc), {
        // the configuration allows http for localhost only
        execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
        timeout: 10,
      });
    })();
    try {
      return await this.configuration;
    } catch (error) {
      this.configuration = undefined;
      this.logger.warn({ reason: describe(error) }, 'OpenID Connect discovery failed');
      throw new ServiceUnavailableError('The identity provider cannot be reached, please retry later');
    }
  }
}
