import { afterAll, beforeAll, expect, it } from 'vitest';
import { phoneSequence, startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { sendSmsPayload, signedHookCall, supabaseSecret } from './integrations-helpers.ts';

const hookPath = '/api/integrations/supabase/send-sms';

describeEachEngine('Supabase Send SMS hook → Passline', (database) => {
  let passline: TestPassline;
  const freshPhone = phoneSequence('403');
  const secret = supabaseSecret();

  const callHook = (call: { rawBody: string; headers: Record<string, string> }) =>
    passline.request('POST', hookPath, { key: null, rawBody: call.rawBody, headers: call.headers });
  const outbox = async (to: string) =>
    (
      (await passline.request('GET', `/api/dev/outbox?to=${encodeURIComponent(to)}`)).body as Array<{ text: string }>
    ).map((message) => message.text);

  beforeAll(async () => {
    passline = await startTestPassline(database());
    await useDevSms(passline);
  });
  afterAll(async () => passline?.close());

  it('answers 503 integration.not_configured, in the shape Supabase reads, until a secret is set', async () => {
    const phone = freshPhone();
    const answer = await callHook(signedHookCall(secret, sendSmsPayload(phone, '123456')));
    expect(answer.status).toBe(503);
    expect(answer.body.error).toMatchObject({ http_code: 503, code: 'integration.not_configured' });
    expect(answer.body.error.message).toEqual(expect.any(String));
    expect(await outbox(phone)).toEqual([]);
    // A call that is not even signed gets the same 401 whether or not a secret is set.
    const unsigned = await passline.request('POST', hookPath, { key: null, body: sendSmsPayload(phone, '123456') });
    expect([unsigned.status, unsigned.body.error.code]).toEqual([401, 'integration.signature_invalid']);
    const settings = await passline.request('GET', '/api/settings/integrations');
    expect(settings.body.supabase).toMatchObject({ hookSecretSet: false, updatedAt: null });
    expect(settings.body.supabase.endpoint).toMatch(/\/api\/integrations\/supabase\/send-sms$/);
    expect(settings.body.logto.endpoint).toMatch(/\/api\/integrations\/logto\/sms$/);
  });

  it('keeps the secret write-only and sealed', async () => {
    const saved = await passline.request('PATCH', '/api/settings/integrations', {
      body: { supabase: { hookSecret: secret } },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.supabase).toMatchObject({ hookSecretSet: true, updatedAt: expect.any(String) });
    const read = await passline.request('GET', '/api/settings/integrations');
    expect(read.body).toEqual(saved.body);
    const secretPart = secret.slice('v1,whsec_'.length);
    for (const body of [saved.body, read.body]) expect(JSON.stringify(body)).not.toContain(secretPart);
    const stored = await passline.storage.db.selectFrom('settings').select(['key', 'value']).execute();
    expect(JSON.stringify(stored)).not.toContain(secretPart);
    expect(stored.some((row) => row.key.includes('supabase') && JSON.parse(row.value).v === 1)).toBe(true);
    expect(passline.logs()).not.toContain(secretPart);
    // The change is audited, and the audit entry says only that a secret is now set.
    const audited = await passline.request('GET', '/api/audit-log?targetType=settings&targetId=integrations');
    const entry = audited.body.items.find(
      (item: { action: string; target: { id: string } }) =>
        item.action === 'settings.update' && item.target.id === 'integrations',
    );
    expect(entry).toMatchObject({ after: { supabase: { hookSecretSet: true } } });
    expect(JSON.stringify(audited.body)).not.toContain(secretPart);
  });

  it('delivers sms.otp to user.phone with the Generic template, and answers {}', async () => {
    const phone = freshPhone();
    const answer = await callHook(signedHookCall(secret, sendSmsPayload(phone, '987654')));
    expect([answer.status, answer.body]).toEqual([200, {}]);
    expect(await outbox(phone)).toEqual(['Generic code 987654']);

    // Supabase keeps numbers without the +.
    const bare = freshPhone();
    expect((await callHook(signedHookCall(secret, sendSmsPayload(bare.slice(1), '246810')))).status).toBe(200);
    expect(await outbox(bare)).toEqual(['Generic code 246810']);
    const log = await passline.request('GET', '/api/messages?usage=Generic&limit=2');
    expect(log.body.items[0]).toMatchObject({ status: 'sent', factoryId: 'dev-sms', verificationId: null });
    expect(JSON.stringify(log.body)).not.toContain('246810');
    // Only the dev-sms connector writes its (undelivered) texts to the log; nothing else says the code.
    const otherLines = passline
      .logs()
      .split('\n')
      .filter((line) => !line.includes('dev-sms message'));
    expect(otherLines.join('\n')).not.toContain('246810');
  });

  it('takes the JSON content type with a charset, and refuses other media types', async () => {
    const phone = freshPhone();
    const call = signedHookCall(secret, sendSmsPayload(phone, '515151'));
    const withCharset = await passline.request('POST', hookPath, {
      key: null,
      rawBody: call.rawBody,
      headers: { ...call.headers, 'content-type': 'application/json; charset=utf-8' },
    });
    expect([withCharset.status, withCharset.body]).toEqual([200, {}]);
    const text = await passline.request('POST', hookPath, {
      key: null,
      rawBody: call.rawBody,
      headers: { ...call.headers, 'content-type': 'text/plain' },
    });
    expect([text.status, text.body.error.code]).toEqual([415, 'request.unsupported_media_type']);
  });

  it('refuses calls that are not signed with the secret, or signed too long ago, and sends nothing', async () => {
    const phone = freshPhone();
    const body = sendSmsPayload(phone, '112233');
    const good = signedHookCall(secret, body);
    const calls: Array<[string, { rawBody: string; headers: Record<string, string> }]> = [
      ['another secret', signedHookCall(supabaseSecret(), body)],
      ['no headers', { rawBody: good.rawBody, headers: {} }],
      ['no signature', { rawBody: good.rawBody, headers: { ...good.headers, 'webhook-signature': '' } }],
      ['body changed after signing', { ...good, rawBody: good.rawBody.replace('112233', '445566') }],
      ['ten minutes old', signedHookCall(secret, body, new Date(Date.now() - 10 * 60_000))],
      ['from the future', signedHookCall(secret, body, new Date(Date.now() + 10 * 60_000))],
    ];
    for (const [label, call] of calls) {
      const answer = await callHook(call);
      expect([answer.status, answer.body.error?.code, answer.body.error?.http_code], label).toEqual([
        401,
        'integration.signature_invalid',
        401,
      ]);
    }
    expect(await outbox(phone)).toEqual([]);
  });

  it('answers 400 with stable codes for signed bodies that are not a Send SMS call', async () => {
    const phone = freshPhone();
    const cases: Array<[unknown, string]> = [
      [{ user: { phone }, sms: {} }, 'request.invalid'],
      [{ user: {}, sms: { otp: '123456' } }, 'request.invalid'],
      [{ user: { phone }, sms: { otp: 'call 0900 now!' } }, 'request.invalid'],
      [{ user: { phone: '12' }, sms: { otp: '123456' } }, 'phone.invalid'],
    ];
    for (const [body, code] of cases) {
      const answer = await callHook(signedHookCall(secret, body));
      // phone.invalid is a refusal of the send: Supabase reads it from a 200 answer.
      const status = code === 'phone.invalid' ? 200 : 400;
      expect([answer.status, answer.body.error?.code], JSON.stringify(body)).toEqual([status, code]);
      expect(answer.body.error.http_code).toBe(400);
    }
    const garbage = await callHook(signedHookCall(secret, 'not json'));
    expect([garbage.status, garbage.body.error.code]).toEqual([400, 'request.malformed_json']);
    expect(await outbox(phone)).toEqual([]);
  });

  it("applies Passline's limits: a second code to the same number at once is refused with Supabase's error", async () => {
    const phone = freshPhone();
    expect((await callHook(signedHookCall(secret, sendSmsPayload(phone, '300001')))).status).toBe(200);
    const again = await callHook(signedHookCall(secret, sendSmsPayload(phone, '300002')));
    // 200 with the error: Supabase returns http_code and message to the app (a 429 would be retried).
    expect(again.status).toBe(200);
    expect(again.body.error).toMatchObject({ http_code: 429, code: 'rate_limit.resend_cooldown' });
    expect(again.body.error.message).toMatch(/wait \d+ s/);
    expect(await outbox(phone)).toEqual(['Generic code 300001']);
  });

  it('lets only admins see or change the setting, and checks the secret', async () => {
    const relayKey = (await passline.apiKeys.create({ name: 'supabase', scope: 'relay' })).key;
    for (const key of [relayKey, passline.verifyKey]) {
      const patch = await passline.request('PATCH', '/api/settings/integrations', {
        key,
        body: { supabase: { hookSecret: null } },
      });
      expect([patch.status, patch.body.error.code]).toEqual([403, 'auth.insufficient_scope']);
    }
    for (const hookSecret of ['nope', 'v1,whsec_not base64!', 'v2,whsec_AAAA']) {
      const bad = await passline.request('PATCH', '/api/settings/integrations', { body: { supabase: { hookSecret } } });
      expect([bad.status, bad.body.error.code], hookSecret).toEqual([400, 'request.invalid']);
    }
    expect((await passline.request('GET', '/api/settings/integrations')).body.supabase.hookSecretSet).toBe(true);
  });

  it('clears the secret with null or an empty string', async () => {
    for (const hookSecret of [null, '']) {
      const cleared = await passline.request('PATCH', '/api/settings/integrations', {
        body: { supabase: { hookSecret } },
      });
      expect(cleared.body.supabase.hookSecretSet).toBe(false);
      const phone = freshPhone();
      const answer = await callHook(signedHookCall(secret, sendSmsPayload(phone, '555000')));
      expect([answer.status, answer.body.error.code]).toEqual([503, 'integration.not_configured']);
      await passline.request('PATCH', '/api/settings/integrations', { body: { supabase: { hookSecret: secret } } });
    }
  });
});
