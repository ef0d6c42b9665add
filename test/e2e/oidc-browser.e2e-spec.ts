import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import chromium from '@sparticuz/chromium';
import { randomBytes } from 'node:crypto';
import { type Browser, chromium as playwright } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app.js';
import { providerLogin, startProvider, type TestProvider } from '../support/oidc.js';
import { closedPort } from '../support/tcp-listeners.js';

/**
 * One sign-in in a real headless Chromium (shipped inside the @sparticuz/chromium npm package, so
 * `npm ci && npm test` needs no browser download; see docs/development.md): the browser follows the
 * real redirects app → provider login and consent pages → app callback → site, and ends up with a
 * session. Every other sign-in test drives the redirects over plain HTTP (oidc.e2e-spec.ts).
 */
describe('OpenID Connect sign-in in a browser', () => {
  let provider: TestProvider;
  let t: TestApp;
  let siteUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    const port = await closedPort();
    siteUrl = `http://127.0.0.1:${port}`;
    provider = await startProvider([siteUrl]);
    t = await createTestApp({
      env: {
        SITE_URL: siteUrl,
        AUTH_OIDC_CLIENT_ID: provider.secretClient.clientId,
        AUTH_OIDC_CLIENT_SECRET: provider.secretClient.clientSecret,
        AUTH_OIDC_METADATA_DOCUMENT_URL: provider.metadataUrl,
      },
    });
    await t.app.listen(port, '127.0.0.1');
    try {
      browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true });
    } catch (error) {
      throw new Error(`headless Chromium from @sparticuz/chromium could not start (run npm ci; see docs/development.md): ${(error as Error).message}`);
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await provider?.close();
  });

  it('signs in through the provider pages and comes back with a session', async () => {
    const email = `browser-${randomBytes(5).toString('hex')}@example.com`;
    const login = providerLogin(`browser-${randomBytes(5).toString('hex')}`, { email, givenName: 'Grace', familyName: 'Hopper' });
    const context = await browser.newContext();
    const page = await context.newPage();

    await page.goto(`${siteUrl}/api/v1/login/oidc`);
    expect(new URL(page.url()).origin).toBe(provider.issuer);
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', 'any password');
    await page.click('button[type="submit"]');
    // the consent page (the click waits for it), then back to the app and on to the site
    await Promise.all([page.waitForURL(`${siteUrl}/`), page.getByRole('button', { name: 'Continue' }).click()]);

    const cookies = await context.cookies(siteUrl);
    expect(cookies.map((c) => c.name)).toContain('connect.sid');
    const me = await page.request.get(`${siteUrl}/api/v1/user`);
    expect(me.status()).toBe(200);
    expect((await me.json()).results).toMatchObject({ email, firstName: 'Grace', lastName: 'Hopper' });
    await context.close();
  }, 60_000);
});
