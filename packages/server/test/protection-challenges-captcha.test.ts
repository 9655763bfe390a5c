import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { protectionSettingsSchema } from '@passline/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { keyRingFrom } from '../src/crypto/keys.ts';
import { isAppError } from '../src/errors.ts';
import type { RateLimiter } from '../src/services/limits/rate-limiter.ts';
import { type ChallengeVerifier, createChallengeVerifier } from '../src/services/protection/challenge-verifier.ts';

// CAPTCHAs checked with their provider's siteverify API, here a local server that speaks the
// protocol (form fields in, `{ success }` out) and can fail, answer 500, answer HTML or hang.

const secret = `captcha-secret-${randomBytes(8).toString('hex')}`;
const goodToken = 'XXXX.DUMMY.TOKEN.XXXX';
const providers = ['turnstile', 'hcaptcha', 'recaptcha'] as const;

type Mode = 'normal' | 'error' | 'html' | 'hang';
interface Received {
  contentType: string | undefined;
  form: Record<string, string>;
}

async function startSiteverify() {
  const state = { mode: 'normal' as Mode, received: [] as Received[] };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      state.received.push({ contentType: request.headers['content-type'], form });
      if (state.mode === 'hang') return;
      if (state.mode === 'error') return void response.writeHead(500).end('upstream error');
      if (state.mode === 'html') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      const answer =
        form.secret !== secret
          ? { success: false, 'error-codes': ['invalid-input-secret'] }
          : form.response === goodToken
            ? { success: true, hostname: 'example.com' }
            : { success: false, 'error-codes': ['invalid-input-response'] };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/siteverify`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** CAPTCHAs never touch the limiter (the providers refuse a reused token themselves). */
const noLimiter: RateLimiter = {
  consume: () => Promise.reject(new Error('the limiter is not for CAPTCHAs')),
  peek: () => Promise.reject(new Error('the limiter is not for CAPTCHAs')),
  add: () => Promise.reject(new Error('the limiter is not for CAPTCHAs')),
};
const clock = { now: () => Date.now() };

function verifier(options: { captchaSecret?: string; timeoutMs?: number; fetch?: typeof fetch } = {}) {
  return createChallengeVerifier({
    keys: keyRingFrom(randomBytes(32), 'environment'),
    captchaSecret: 'captchaSecret' in options ? options.captchaSecret : secret,
    limiter: noLimiter,
    clock,
    fetch: options.fetch,
    captchaTimeoutMs: options.timeoutMs,
  });
}

/** The error a promise rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** Whatever of an error could reach a response or a log line. */
function visible(error: Error): string {
  const details = isAppError(error) ? JSON.stringify(error.details ?? {}) : '';
  return `${error.message} ${details} ${String(error.cause ?? '')}`;
}

describe('CAPTCHA challenges', () => {
  let siteverify: Awaited<ReturnType<typeof startSiteverify>>;
  const settings = (challenge: (typeof providers)[number], url: string | null = siteverify.url) =>
    z.parse(protectionSettingsSchema, { challenge, challengeSiteKey: 'site-key-1', challengeSiteverifyUrl: url });

  beforeAll(async () => {
    siteverify = await startSiteverify();
  });
  afterAll(() => siteverify.close());
  beforeEach(() => {
    siteverify.state.mode = 'normal';
    siteverify.state.received = [];
  });

  it.each(providers)('%s: describes the site key and verifies a token with the form fields', async (provider) => {
    const captcha = verifier();
    expect(await captcha.describe(settings(provider))).toEqual({ type: provider, siteKey: 'site-key-1' });
    await expect(captcha.verify(settings(provider), goodToken, '203.0.113.7')).resolves.toBeUndefined();
    await expect(captcha.verify(settings(provider), goodToken, undefined)).resolves.toBeUndefined();
    expect(siteverify.state.received).toEqual([
      {
        contentType: 'application/x-www-form-urlencoded',
        form: { secret, response: goodToken, remoteip: '203.0.113.7' },
      },
      // No client IP, no remoteip.
      { contentType: 'application/x-www-form-urlencoded', form: { secret, response: goodToken } },
    ]);
  });

  it.each(providers)('%s: refuses a token the provider refuses', async (provider) => {
    const error = await rejection(verifier().verify(settings(provider), 'bad-token', '203.0.113.7'));
    expect(error).toMatchObject({ code: 'fraud.challenge_failed' });
    expect(visible(error)).toContain('invalid-input-response');
    expect(visible(error)).not.toContain(secret);
  });

  it('asks for a token when there is none', async () => {
    for (const token of [undefined, '']) {
      await expect(verifier().verify(settings('turnstile'), token, undefined)).rejects.toMatchObject({
        code: 'fraud.challenge_required',
      });
    }
    expect(siteverify.state.received).toEqual([]);
  });

  it('answers service.unavailable when the provider answers 500 or something that is not its JSON', async () => {
    siteverify.state.mode = 'error';
    const error = await rejection(verifier().verify(settings('hcaptcha'), goodToken, undefined));
    expect(error).toMatchObject({ code: 'service.unavailable', status: 503, retryAfterSeconds: 5 });
    expect(error.message).toBe(
      'The CAPTCHA cannot be checked right now: hCaptcha answered HTTP 500. Try again in 5 s.',
    );
    expect(visible(error)).not.toContain(secret);

    siteverify.state.mode = 'html';
    const html = await rejection(verifier().verify(settings('turnstile'), goodToken, undefined));
    expect(html).toMatchObject({ code: 'service.unavailable' });
    expect(html.message).toContain('Cloudflare Turnstile answered something that is not JSON');
    expect(visible(html)).not.toContain(secret);
  });

  it('gives up on a provider that does not answer', async () => {
    siteverify.state.mode = 'hang';
    const started = performance.now();
    const error = await rejection(verifier({ timeoutMs: 300 }).verify(settings('recaptcha'), goodToken, undefined));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(error).toMatchObject({ code: 'service.unavailable' });
    expect(error.message).toContain('Google reCAPTCHA did not answer within 0.3 s');
    expect(visible(error)).not.toContain(secret);
  });

  it('waits 5 s by default', async () => {
    siteverify.state.mode = 'hang';
    const started = performance.now();
    const error = await rejection(verifier().verify(settings('turnstile'), goodToken, undefined));
    expect(performance.now() - started).toBeGreaterThanOrEqual(4_990);
    expect(error.message).toContain('did not answer within 5 s');
  });

  it('answers service.unavailable when the provider cannot be reached', async () => {
    const closed = await startSiteverify();
    await closed.close();
    const error = await rejection(verifier().verify(settings('turnstile', closed.url), goodToken, undefined));
    expect(error).toMatchObject({ code: 'service.unavailable' });
    expect(error.message).toContain('Cloudflare Turnstile cannot be reached');
    expect(visible(error)).not.toContain(secret);
  });

  it('says so when the provider does not accept the secret, without showing it', async () => {
    const wrong = `${secret}-wrong`;
    const error = await rejection(
      verifier({ captchaSecret: wrong }).verify(settings('hcaptcha'), goodToken, undefined),
    );
    expect(siteverify.state.received[0]?.form.secret).toBe(wrong);
    expect(error).toMatchObject({ code: 'settings.invalid' });
    expect(error.message).toContain('PASSLINE_CHALLENGE_SECRET');
    expect(visible(error)).not.toContain(wrong);
  });

  it('refuses to describe or verify without a secret or a site key', async () => {
    const unset = verifier({ captchaSecret: undefined });
    for (const attempt of [
      unset.describe(settings('turnstile')),
      unset.verify(settings('turnstile'), goodToken, undefined),
      unset.verify(settings('turnstile'), undefined, undefined),
    ]) {
      const error = await rejection(attempt);
      expect(error).toMatchObject({ code: 'settings.invalid' });
      expect(error.message).toMatch(/^PASSLINE_CHALLENGE_SECRET is not set/);
    }
    const noSiteKey = z.parse(protectionSettingsSchema, { challenge: 'hcaptcha' });
    await expect(verifier().describe(noSiteKey)).rejects.toMatchObject({
      code: 'settings.invalid',
      message: expect.stringContaining('challengeSiteKey'),
    });
    expect(siteverify.state.received).toEqual([]);
  });

  it("posts to the provider's own siteverify URL when none is configured", async () => {
    const calls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response(JSON.stringify({ success: true }), { headers: { 'content-type': 'application/json' } });
    };
    const captcha: ChallengeVerifier = verifier({ fetch: fakeFetch });
    for (const provider of providers) await captcha.verify(settings(provider, null), goodToken, undefined);
    expect(calls).toEqual([
      'https://challenges.cloudflare.com/turnstile/v0/siteverify',
      'https://api.hcaptcha.com/siteverify',
      'https://www.google.com/recaptcha/api/siteverify',
    ]);
  });
});
