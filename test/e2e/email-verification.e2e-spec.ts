import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app.js';
import { type ReceivedMail, type SmtpListener, startSmtpListener } from '../support/smtp.js';
import { registerUser, type TestUser } from '../support/users.js';

const PASSCODE_IN_TEXT = /verification code is (\d{6})\b/;

function passcodeIn(text: string): string {
  const match = PASSCODE_IN_TEXT.exec(text);
  if (!match) throw new Error(`no passcode in ${JSON.stringify(text)}`);
  return match[1];
}

/** A 6-digit code that is surely not `passcode`. */
function otherThan(passcode: string): string {
  return String((Number(passcode) + 1) % 1_000_000).padStart(6, '0');
}

const ISO_DATE = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

describe('email verification with one-time passcodes (over SMTP)', () => {
  let t: TestApp;
  let smtp: SmtpListener;

  beforeAll(async () => {
    smtp = await startSmtpListener();
    // the global setup lifts the rate limits; the default per-account one (10 a minute) is the one tested here
    t = await createTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, AUTH_RATE_LIMIT_PER_ACCOUNT: '10' } });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  function mailsTo(email: string): ReceivedMail[] {
    return smtp.received.filter((mail) => mail.envelopeTo.includes(email));
  }

  /** PUT /otp and the passcode from the email it sent. */
  async function requestPasscode(user: TestUser): Promise<{ passcode: string; results: any }> {
    const before = mailsTo(user.email).length;
    const res = await t.http().put('/api/v1/user/me/email/otp').set('Cookie', user.cookie).expect(200);
    const mails = mailsTo(user.email);
    expect(mails).toHaveLength(before + 1);
    return { passcode: passcodeIn(mails[mails.length - 1].body), results: res.body.results };
  }

  function checkPasscode(user: TestUser, passcode: string) {
    return t.http().get('/api/v1/user/me/email/status').query({ passcode }).set('Cookie', user.cookie);
  }

  async function isEmailVerified(user: TestUser): Promise<boolean> {
    return (await t.http().get('/api/v1/user/me/email/status').set('Cookie', user.cookie).expect(200)).body.results.isVerified;
  }

  async function userIdOf(user: TestUser): Promise<string> {
    const [row] = await t.app.get(DataSource).query(`SELECT user_id FROM users WHERE user_uuid = $1`, [user.userUuid]);
    return row.user_id;
  }

  it('PUT /otp emails a 6-digit passcode to the user over SMTP and answers the pending status', async () => {
    const user = await registerUser(t);
    const res = await t.http().put('/api/v1/user/me/email/otp').set('Cookie', user.cookie).expect(200);

    expect(res.body.status).toBe('ok');
    expect(res.body.results).toEqual({
      email: user.email,
      isVerified: false,
      otp: { createdAt: ISO_DATE, numberOfAttempts: 0, expiresAt: ISO_DATE, isExpired: false, isMaxAttempts: false },
    });
    const { createdAt, expiresAt } = res.body.results.otp;
    expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(15 * 60_000);

    const mails = mailsTo(user.email);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail.envelopeTo).toEqual([user.email]);
    expect(mail.envelopeFrom).toBe('no-reply@localhost');
    expect(mail.headers.to).toContain(user.email);
    expect(mail.headers.subject).toBe('Your verification code');
    expect(passcodeIn(mail.body)).toMatch(/^\d{6}$/);
  });

  it('GET /status without a passcode reports the current status, with the passcode only while one is pending', async () => {
    const user = await registerUser(t);
    const before = await t.http().get('/api/v1/user/me/email/status').set('Cookie', user.cookie).expect(200);
    expect(before.body.results).toEqual({ email: user.email, isVerified: false });

    const { results } = await requestPasscode(user);
    const after = await t.http().get('/api/v1/user/me/email/status').set('Cookie', user.cookie).expect(200);
    expect(after.body.results).toEqual(results);
  });

  it('the emailed passcode verifies the email and is used up', async () => {
    const user = await registerUser(t);
    const { passcode } = await requestPasscode(user);

    const res = await checkPasscode(user, passcode).expect(200);
    expect(res.body.results).toEqual({ email: user.email, isVerified: true });
    expect(await isEmailVerified(user)).toBe(true);

    const status = await t.http().get('/api/v1/user/me/email/status').set('Cookie', user.cookie).expect(200);
    expect(status.body.results).toEqual({ email: user.email, isVerified: true });
    const [{ count }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS count FROM email_one_time_passcodes WHERE user_id = $1`, [await userIdOf(user)]);
    expect(count).toBe(0);
  });

  it('PUT /otp once verified sends nothing and answers the verified status', async () => {
    const user = await registerUser(t);
    const { passcode } = await requestPasscode(user);
    await checkPasscode(user, passcode).expect(200);

    const res = await t.http().put('/api/v1/user/me/email/otp').set('Cookie', user.cookie).expect(200);
    expect(res.body.results).toEqual({ email: user.email, isVerified: true });
    expect(mailsTo(user.email)).toHaveLength(1);
  });

  it('a wrong passcode answers 200 unverified and counts an attempt', async () => {
    const user = await registerUser(t);
    const { passcode } = await requestPasscode(user);

    const res = await checkPasscode(user, otherThan(passcode)).expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.results).toMatchObject({ email: user.email, isVerified: false, otp: { numberOfAttempts: 1, isMaxAttempts: false, isExpired: false } });
    const again = await checkPasscode(user, otherThan(otherThan(passcode))).expect(200);
    expect(again.body.results.otp.numberOfAttempts).toBe(2);
    expect(await isEmailVerified(user)).toBe(false);
  });

  it('after 5 wrong passcodes even the right one does not verify', async () => {
    const user = await registerUser(t);
    const { passcode } = await requestPasscode(user);
    let wrong = passcode;
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      wrong = otherThan(wrong);
      const res = await checkPasscode(user, wrong).expect(200);
      expect(res.body.results.otp).toMatchObject({ numberOfAttempts: attempt, isMaxAttempts: attempt === 5 });
    }

    const res = await checkPasscode(user, passcode).expect(200);
    expect(res.body.results).toMatchObject({ isVerified: false, otp: { numberOfAttempts: 5, isMaxAttempts: true } });
    expect(await isEmailVerified(user)).toBe(false);
  });

  it('the right passcode on the last allowed attempt still verifies', async () => {
    const user = await registerUser(t);
    const { passcode } = await requestPasscode(user);
    let wrong = passcode;
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      wrong = otherThan(wrong);
      await checkPasscode(user, wrong).expect(200);
    }
    const res = await checkPasscode(user, passcode).expect(200);
    expect(res.body.results).toEqual({ email: user.email, isVerified: true });
  });

  it('an expired passcode does not verify', async () => {
    const user = await registerUser(t);
    const { passcode } = await requestPasscode(user);
    await t.app.get(DataSource).query(
      `UPDATE email_one_time_passcodes SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [await userIdOf(user)],
    );

    const res = await checkPasscode(user, passcode).expect(200);
    expect(res.body.results).toMatchObject({ isVerified: false, otp: { isExpired: true } });
    expect(await isEmailVerified(user)).toBe(false);
  });

  it('a new PUT /otp replaces the pending passcode and resets the attempts', async () => {
    const user = await registerUser(t);
    const first = await requestPasscode(user);
    await checkPasscode(user, otherThan(first.passcode)).expect(200);

    let second = await requestPasscode(user);
    // one chance in a million that the new code equals the old one: ask again rather than fail
    while (second.passcode === first.passcode) second = await requestPasscode(user);
    expect(second.results.otp.numberOfAttempts).toBe(0);

    const withOldCode = await checkPasscode(user, first.passcode).expect(200);
    expect(withOldCode.body.results).toMatchObject({ isVerified: false, otp: { numberOfAttempts: 1 } });
    const withNewCode = await checkPasscode(user, second.passcode).expect(200);
    expect(withNewCode.body.results).toEqual({ email: user.email, isVerified: true });
  });

  it('stores only a keyed hash of the passcode, bound to its user', async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const { passcode } = await requestPasscode(owner);
    await requestPasscode(other);
    const dataSource = t.app.get(DataSource);

    const [row] = await dataSource.query(`SELECT * FROM email_one_time_passcodes WHERE user_id = $1`, [await userIdOf(owner)]);
    expect(row.email).toBe(owner.email);
    expect(Buffer.isBuffer(row.passcode_hash)).toBe(true);
    expect(row.passcode_hash).toHaveLength(32);
    expect(row.passcode_hash.includes(Buffer.from(passcode))).toBe(false);
    const stored = JSON.stringify({ ...row, passcode_hash: row.passcode_hash.toString('hex') });
    expect(stored).not.toContain(passcode);

    // the owner's hash copied to another user does not make the owner's passcode valid there
    await dataSource.query(`UPDATE email_one_time_passcodes SET passcode_hash = $1 WHERE user_id = $2`, [row.passcode_hash, await userIdOf(other)]);
    const res = await checkPasscode(other, passcode).expect(200);
    expect(res.body.results).toMatchObject({ isVerified: false, otp: { numberOfAttempts: 1 } });
    expect(await isEmailVerified(other)).toBe(false);
  });

  it('refuses a passcode that is not 6 digits with 422, without counting an attempt', async () => {
    const user = await registerUser(t);
    await requestPasscode(user);
    for (const passcode of ['abc', '12345', '1234567', '12345a', '']) {
      const res = await checkPasscode(user, passcode).expect(422);
      expect(res.body.error).toMatchObject({ statusCode: 422, name: 'ValidateError', data: { passcode: expect.any(Object) } });
    }
    const status = await t.http().get('/api/v1/user/me/email/status').set('Cookie', user.cookie).expect(200);
    expect(status.body.results.otp.numberOfAttempts).toBe(0);
  });

  it('needs a session (401 without one)', async () => {
    const put = await t.http().put('/api/v1/user/me/email/otp').expect(401);
    expect(put.body.error.name).toBe('AuthorizationError');
    const get = await t.http().get('/api/v1/user/me/email/status').query({ passcode: '123456' }).expect(401);
    expect(get.body.error.name).toBe('AuthorizationError');
  });

  it('rate-limits passcode emails per account', async () => {
    const user = await registerUser(t);
    for (let request = 1; request <= 10; request += 1) {
      await t.http().put('/api/v1/user/me/email/otp').set('Cookie', user.cookie).expect(200);
    }
    const res = await t.http().put('/api/v1/user/me/email/otp').set('Cookie', user.cookie).expect(429);
    expect(res.body.error.name).toBe('TooManyRequestsError');
    expect(mailsTo(user.email)).toHaveLength(10);
  });
});

describe('email verification when the SMTP server is unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    const closed = await startSmtpListener();
    await closed.close();
    t = await createTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${closed.port}` } });
  });
  afterAll(async () => t?.close());

  it('PUT /otp answers 500 without details', async () => {
    const user = await registerUser(t);
    const res = await t.http().put('/api/v1/user/me/email/otp').set('Cookie', user.cookie).expect(500);
    expect(res.body.error).toEqual({ statusCode: 500, name: 'UnexpectedServerError', message: 'Something went wrong.', data: {} });
  });
});

describe('email verification without SMTP_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('writes the passcode email to the log instead of failing', async () => {
    const user = await registerUser(t);
    const log = jest.spyOn(Logger.prototype, 'log');
    try {
      const res = await t.http().put('/api/v1/user/me/email/otp').set('Cookie', user.cookie).expect(200);
      expect(res.body.results).toMatchObject({ email: user.email, isVerified: false, otp: { numberOfAttempts: 0 } });

      const logged = log.mock.calls.map(([entry]) => entry as { to?: string; subject?: string; text?: string }).find((entry) => entry?.to === user.email);
      expect(logged).toMatchObject({ subject: 'Your verification code', text: PASSCODE_IN_TEXT });
      const verified = await t.http().get('/api/v1/user/me/email/status').query({ passcode: passcodeIn(logged!.text!) }).set('Cookie', user.cookie).expect(200);
      expect(verified.body.results.isVerified).toBe(true);
    } finally {
      log.mockRestore();
    }
  });
});
