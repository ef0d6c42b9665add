import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type ResolvedConfig } from '../config/config.js';
import { deleteExpiredSessions, deleteSession, insertSession } from './sessions.queries.js';
import { newSessionToken, SESSION_COOKIE, sha256 } from './tokens.js';

/**
 * Server-side sessions in PostgreSQL (so every replica shares them). The cookie holds only a random
 * token; the table holds its SHA-256. Expiry slides with use (see PrincipalLookupService).
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  async start(userId: string, reply: FastifyReply, manager: EntityManager = this.dataSource.manager): Promise<void> {
    const token = newSessionToken();
    await insertSession(manager, sha256(token), userId, this.config.sessionMaxAgeHours);
    // expired sessions are cleared as new ones start: no background job needed
    await deleteExpiredSessions(manager, userId);
    this.setCookie(reply, token);
  }

  setCookie(reply: FastifyReply, token: string): void {
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.cookieSecure,
      maxAge: this.config.sessionMaxAgeHours * 3600,
    });
  }

  async end(sessionId: string, reply: FastifyReply): Promise<void> {
    await deleteSession(this.dataSource.manager, sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }
}
