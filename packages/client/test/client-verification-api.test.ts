import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneSequence, startTestPassline, type TestPassline, useDevSms } from '../../server/test/app.ts';
import { describeEachEngine } from '../../server/test/engines.ts';
import { createPasslineClient, isPasslineError, PasslineError, unwrap } from '../src/index.ts';

const freshPhone = phoneSequence('207');

describeEachEngine('@passline/client against a running Passline', (database) => {
  let passline: TestPassline;
  let dev: Awaited<ReturnType<typeof useDevSms>>;
  let baseUrl = '';

  beforeAll(async () => {
    passline = await startTestPassline(database());
    dev = await useDevSms(passline);
    await passline.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(passline.app.server.address() as AddressInfo).port}/`;
  });
  afterAll(() => passline.close());

  it('sends, fails a wrong code with a typed error, approves the right code and reads the result', async () => {
    const client = createPasslineClient({ baseUrl, apiKey: passline.verifyKey });
    const to = freshPhone();

    const sent = await unwrap(client.POST('/api/verifications', { body: { to, usage: 'SignIn' } }));
    expect(sent).toMatchObject({ usage: 'SignIn', status: 'pending' });
    const code = await dev.latestCode(to);
    const wrong = code === '000000' ? '111111' : '000000';

    const mismatch = await unwrap(
      client.POST('/api/verifications/{id}/check', { params: { path: { id: sent.id } }, body: { code: wrong } }),
    ).catch((error: unknown) => error);
    expect(isPasslineError(mismatch)).toBe(true);
    expect(mismatch).toMatchObject({
      code: 'verification.code_mismatch',
      status: 400,
      details: { remainingAttempts: 4 },
    });

    const approved = await unwrap(
      client.POST('/api/verifications/{id}/check', { params: { path: { id: sent.id } }, body: { code } }),
    );
    expect(approved).toEqual({ id: sent.id, status: 'approved' });
    const read = await unwrap(client.GET('/api/verifications/{id}', { params: { path: { id: sent.id } } }));
    expect(read.status).toBe('approved');
  });

  it("answers without throwing in openapi-fetch's own style, with the error body typed", async () => {
    const client = createPasslineClient({ baseUrl, apiKey: passline.verifyKey });
    const { data, error, response } = await client.POST('/api/verifications', {
      body: { to: '+1555', usage: 'SignIn' },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    expect(error?.error.code).toBe('phone.invalid');
  });

  it('carries Retry-After on a rate limit and refuses a missing or wrong-scope key', async () => {
    const to = freshPhone();
    const client = createPasslineClient({ baseUrl, apiKey: passline.verifyKey });
    await unwrap(client.POST('/api/verifications', { body: { to, usage: 'Register' } }));
    const cooldown = (await unwrap(client.POST('/api/verifications', { body: { to, usage: 'Register' } })).then(
      () => undefined,
      (error: unknown) => error,
    )) as PasslineError;
    expect(cooldown).toBeInstanceOf(PasslineError);
    expect(cooldown.code).toBe('rate_limit.resend_cooldown');
    expect(cooldown.retryAfterSeconds).toBeGreaterThan(0);

    const anonymous = createPasslineClient({ baseUrl });
    await expect(unwrap(anonymous.GET('/api/api-keys'))).rejects.toMatchObject({
      code: 'auth.missing_credentials',
      status: 401,
    });
    await expect(unwrap(client.GET('/api/api-keys'))).rejects.toMatchObject({ code: 'auth.insufficient_scope' });
  });

  it('calls the Management API with an admin key', async () => {
    const admin = createPasslineClient({ baseUrl, apiKey: passline.adminKey });
    const created = await unwrap(admin.POST('/api/api-keys', { body: { name: 'from the client', scope: 'verify' } }));
    expect(created.apiKey.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    const keys = await unwrap(admin.GET('/api/api-keys'));
    expect(keys.map((key) => key.name)).toContain('from the client');
  });
});

describe('@passline/client input handling', () => {
  it('turns a non-Passline error answer into a plain error, not a PasslineError', async () => {
    const client = createPasslineClient({
      baseUrl: 'http://passline.invalid',
      fetch: async () => new Response('<html>bad gateway</html>', { status: 502 }),
    });
    const failure = await unwrap(client.GET('/api/health')).catch((error: unknown) => error);
    expect(isPasslineError(failure)).toBe(false);
    expect(String(failure)).toContain('HTTP 502');
  });
});
