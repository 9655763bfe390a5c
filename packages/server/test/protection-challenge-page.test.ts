import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protectionSettingsSchema } from '@passline/contracts';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { describeInChromium, launchChromium } from '../../../test/browser.ts';
import { type ChallengeVerifier, createChallengeVerifier } from '../src/services/protection/challenge-verifier.ts';
import { startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { testConfig } from './engines.ts';

// The hosted pages' proof of work in a real browser: the page fetches the challenge on load, solves
// it with altcha-lib's WebCrypto solver, and sends the solution with the code request. The challenge
// route and the send's check are played here by the verifier itself (through request
// interception), so these cases can make the server refuse at will; the last case runs against the
// real challenge route and the real check, without interception.

const powSettings = z.parse(protectionSettingsSchema, { challenge: 'pow', challengePowMaxNumber: 20_000 });

describeInChromium('hosted pages solve the proof-of-work challenge', () => {
  let passline: TestPassline;
  let verifier: ChallengeVerifier;
  let browser: Browser;
  let page: Page;
  let base = '';
  let dir = '';
  let unique = 0;
  const world = {
    /** What GET /api/experience/challenge answers: the verifier's challenge, or a 404. */
    challenge: 'pow' as 'pow' | 'missing',
    /** Refuse this many sends with fraud.challenge_failed before checking. */
    refuse: 0,
    fetched: 0,
    sent: [] as Array<{ challenge?: string; verified: boolean }>,
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passline-challenge-page-'));
    passline = await startTestPassline({
      engine: 'sqlite',
      config: testConfig({ engine: 'sqlite', file: join(dir, 'passline.db') }, dir),
    });
    await useDevSms(passline);
    // The instance's own key ring and shared limiter, as the real route will use them.
    verifier = createChallengeVerifier({
      keys: passline.keys,
      captchaSecret: undefined,
      limiter: passline.limiter,
      clock: { now: () => Date.now() },
    });
    await passline.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(passline.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage();
    await page.route('**/api/experience/challenge', async (route: Route) => {
      world.fetched += 1;
      if (world.challenge === 'missing')
        return route.fulfill({ status: 404, json: { error: { code: 'route.not_found', message: 'No route.' } } });
      return route.fulfill({ json: await verifier.describe(powSettings) });
    });
    await page.route('**/api/experience/verification-code', async (route: Route) => {
      const { challenge, ...body } = route.request().postDataJSON() as { challenge?: string };
      // A server without challenges takes the send as it is.
      if (world.challenge === 'missing') {
        world.sent.push({ challenge, verified: false });
        return route.continue({ postData: JSON.stringify(body) });
      }
      const verified = await verifier.verify(powSettings, challenge, undefined).then(
        () => true,
        () => false,
      );
      world.sent.push({ challenge, verified });
      if (world.refuse > 0 || !verified) {
        world.refuse -= 1;
        return route.fulfill({
          status: 400,
          json: { error: { code: 'fraud.challenge_failed', message: 'The challenge solution did not verify.' } },
        });
      }
      return route.continue({ postData: JSON.stringify(body) });
    });
  });
  afterAll(async () => {
    await browser?.close();
    await passline?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    Object.assign(world, { challenge: 'pow', refuse: 0, fetched: 0, sent: [] });
  });

  async function requestCode() {
    await page.goto(`${base}/register`);
    await page.getByLabel('Phone number').fill(`(201) 555-${String(100 + ++unique).padStart(4, '0')}`);
    await page.getByRole('button', { name: 'Send code' }).click();
  }

  it('solves while the number is typed and sends the solution with the request', async () => {
    await requestCode();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    expect(world.sent).toEqual([{ challenge: expect.any(String), verified: true }]);
    // Fetched on load, and the next one prepared for a resend.
    expect(world.fetched).toBe(2);
  });

  it('solves a fresh challenge and sends once more when the server refuses the solution', async () => {
    world.refuse = 1;
    await requestCode();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    expect(world.sent.map((send) => send.verified)).toEqual([true, true]);
    expect(world.sent[0]?.challenge).not.toBe(world.sent[1]?.challenge);
  });

  it('says so when the second solution is refused too', async () => {
    world.refuse = 2;
    await requestCode();
    await expect
      .poll(() => page.locator('#error').textContent())
      .toBe('We could not confirm that this request comes from a person. Reload the page and try again.');
    expect(world.sent).toHaveLength(2);
  });

  it('sends without a solution when the server has no challenge route', async () => {
    world.challenge = 'missing';
    await requestCode();
    await page.locator('#code-step').waitFor({ state: 'visible' });
    expect(world.sent).toEqual([{ challenge: undefined, verified: false }]);
    expect(world.fetched).toBe(1);
  });

  it('end to end against the real routes: proof of work always on, the code arrives', async () => {
    const patched = await passline.request('PATCH', '/api/settings/protection', {
      body: { challenge: 'pow', challengeMode: 'always', challengePowMaxNumber: 20_000 },
    });
    expect(patched.status).toBe(200);
    const real = await browser.newPage(); // no interception: the server's own challenge route and check
    try {
      const phone = `+1201555${String(200 + ++unique).padStart(4, '0')}`;
      await real.goto(`${base}/register`);
      await real.getByLabel('Phone number').fill(phone.slice(2));
      await real.getByRole('button', { name: 'Send code' }).click();
      await real.locator('#code-step').waitFor({ state: 'visible' });
      await expect
        .poll(async () => (await passline.request('GET', `/api/dev/outbox?to=${encodeURIComponent(phone)}`)).body)
        .toHaveLength(1);
      const refusals = (await passline.request('GET', '/api/protection/events')).body.items;
      expect(refusals).toEqual([]);
    } finally {
      await real.close();
      await passline.request('PATCH', '/api/settings/protection', { body: { challenge: 'off' } });
    }
  });
});
