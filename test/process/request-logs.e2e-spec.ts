import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { freePort } from '../../src/database/embedded-postgres.js';
import { killStartedServers, type RunningServer, startServer, waitFor, waitHealthy } from '../support/process.js';
import { createOrganization } from '../support/organizations.js';
import { type SmtpListener, startSmtpListener } from '../support/smtp.js';
import { createToken, registerUser, uniqueEmail } from '../support/users.js';

// The built server on the test run's database, logging at info level as in production: what it writes
// to stdout is what an operator's log collector keeps.
describe('request logs', () => {
  let smtp: SmtpListener;
  let server: RunningServer;
  let base: string;
  const api = { http: () => request(base) };

  beforeAll(async () => {
    smtp = await startSmtpListener({ refuse: (recipient) => recipient.startsWith('bounce-') });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = startServer({
      DATABASE_URL: process.env.DATABASE_URL!,
      LIGHTDASH_SECRET: process.env.LIGHTDASH_SECRET!,
      PORT: String(port),
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    });
    await waitHealthy(server, port);
  });
  afterAll(async () => {
    killStartedServers();
    await smtp?.close();
  });

  /** The server's output once the request line (written when the response is done) of this request is in it. */
  async function logThrough(requestId: string): Promise<string> {
    await waitFor(() => server.output().includes(`"req":{"id":"${requestId}"`), 10_000, `the log line of request ${requestId}`);
    return server.output();
  }

  it('never hold invite codes, passcodes, tokens, cookies or passwords, on 2xx, 4xx and 5xx lines alike', async () => {
    const org = await createOrganization(api);
    const invite = await api.http().post('/api/v1/invite-links').set('Cookie', org.admin.cookie).send({ email: uniqueEmail('invitee') }).expect(201);
    const code: string = invite.body.results.inviteCode;
    await api.http().get(`/api/v1/invite-links/${code}`).expect(200);
    // a page of the web app at the emailed invite URL calls the API with that URL as Referer
    await api.http().get(`/api/v1/invite-links/${code}`).query({ utm_source: 'email' }).set('Referer', `${base}/invite/${code}?from=mail`).expect(200);

    await api.http().put('/api/v1/user/me/email/otp').set('Cookie', org.admin.cookie).expect(200);
    const passcode = /verification code is (\d{6})\b/.exec(smtp.received.at(-1)!.body)![1];
    const verified = await api.http().get('/api/v1/user/me/email/status').query({ passcode }).set('Cookie', org.admin.cookie).expect(200);
    expect(verified.body.results.isVerified).toBe(true);

    const token = await createToken(api, org.admin);
    await api.http().get('/api/v1/user').set('Authorization', `ApiKey ${token.token}`).expect(200);
    await api.http().get('/api/v1/user').query({ passcode: '975310' }).set('Authorization', `ApiKey ${token.token}`).expect(200);

    // a 5xx: the SMTP server refuses this user's address
    const bouncing = await registerUser(api, { email: uniqueEmail('bounce') });
    const failed = await api.http().put('/api/v1/user/me/email/otp').query({ passcode: '424242' }).set('Cookie', bouncing.cookie).expect(500);

    const log = await logThrough(failed.headers['x-request-id']);
    const lines = log.split('\n').filter((line) => line.startsWith('{'));
    const secrets = [code, passcode, '975310', '424242', token.token, org.admin.cookie.split('=')[1], bouncing.cookie.split('=')[1], org.admin.password];
    for (const secret of secrets) expect(lines.filter((line) => line.includes(secret))).toEqual([]);

    // what the operator still sees: the routes, the query keys, the error
    expect(log).toContain('"url":"/api/v1/invite-links/[REDACTED]"');
    expect(log).toContain('"url":"/api/v1/invite-links/[REDACTED]?utm_source=[REDACTED]"');
    expect(log).toContain(`"referer":"${base}/invite/[REDACTED]?from=[REDACTED]"`);
    expect(log).toContain('"url":"/api/v1/user/me/email/status?passcode=[REDACTED]"');
    const errorLines = lines.filter((line) => line.includes(failed.headers['x-request-id']) && JSON.parse(line).level >= 50);
    expect(errorLines.map((line) => JSON.parse(line).msg)).toEqual(['Unexpected error while handling a request', expect.stringMatching(/request (errored|completed)/)]);
    for (const line of errorLines) expect(line).toContain('/api/v1/user/me/email/otp?passcode=[REDACTED]');
  });
});
