import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';

describeEachEngine('HTTP contract: auth and bad input', (database) => {
  let passline: TestPassline;
  beforeAll(async () => {
    passline = await startTestPassline(database());
    await useDevSms(passline);
  });
  afterAll(() => passline.close());

  const expectError = (result: { status: number; body: any }, status: number, code: string) => {
    expect(result.status).toBe(status);
    expect(result.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  };

  it('masks phone numbers in the paths of failed requests it logs', async () => {
    const plain = await passline.request('GET', '/api/no-such-route/+14155550123');
    const encoded = await passline.request(
      'GET',
      '/v2/Services/VA00000000000000000000000000000000/Verifications/%2B14155550124',
    );
    expect(plain.status).toBe(404);
    expect(encoded.status).toBe(401);
    const logs = passline.logs();
    expect(logs).toContain('/api/no-such-route/+1415*****23');
    expect(logs).toContain('/Verifications/+1415*****24');
    expect(logs).not.toMatch(/1415555012[34]/);
  });

  it('requires a key on every API route and the right scope on admin routes', async () => {
    const adminRoutes: Array<['GET' | 'POST' | 'PATCH' | 'DELETE', string]> = [
      ['GET', '/api/connector-factories'],
      ['GET', '/api/connector-factories/dev-sms'],
      ['POST', '/api/connector-factories/dev-sms/test'],
      ['GET', '/api/connectors'],
      ['POST', '/api/connectors'],
      ['GET', '/api/connectors/x'],
      ['PATCH', '/api/connectors/x'],
      ['DELETE', '/api/connectors/x'],
      ['POST', '/api/connectors/x/activate'],
      ['GET', '/api/settings/verification'],
      ['PATCH', '/api/settings/verification'],
      ['GET', '/api/messages'],
      ['GET', '/api/dev/outbox'],
      ['GET', '/api/api-keys'],
      ['POST', '/api/api-keys'],
      ['DELETE', '/api/api-keys/x'],
    ];
    for (const [method, url] of adminRoutes) {
      expectError(await passline.request(method, url, { key: null }), 401, 'auth.missing_credentials');
      expectError(await passline.request(method, url, { key: 'pl_not-a-real-key' }), 401, 'auth.invalid_credentials');
      expectError(await passline.request(method, url, { key: passline.verifyKey }), 403, 'auth.insufficient_scope');
    }
    for (const [method, url] of [
      ['POST', '/api/verifications'],
      ['POST', '/api/verifications/x/check'],
      ['GET', '/api/verifications/x'],
    ] as const) {
      expectError(await passline.request(method, url, { key: null }), 401, 'auth.missing_credentials');
    }
    expectError(
      await passline.request('GET', '/api/connectors', { headers: { authorization: 'Basic abc' }, key: null }),
      401,
      'auth.invalid_credentials',
    );
  });

  it('lets an admin key use the Verification API', async () => {
    const result = await passline.request('POST', '/api/verifications', {
      body: { to: '+12015550190', usage: 'Generic' },
      key: passline.adminKey,
    });
    expect(result.status).toBe(201);
  });

  it('stops a revoked key at once', async () => {
    const created = await passline.request('POST', '/api/api-keys', { body: { name: 'temp', scope: 'verify' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^pl_[A-Za-z0-9_-]{43}$/);
    expect((await passline.request('GET', '/api/verifications/x', { key: created.body.key })).status).toBe(404);
    expect((await passline.request('DELETE', `/api/api-keys/${created.body.apiKey.id}`)).status).toBe(204);
    expectError(
      await passline.request('GET', '/api/verifications/x', { key: created.body.key }),
      401,
      'auth.invalid_credentials',
    );
    const listed = await passline.request('GET', '/api/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
  });

  it('answers malformed JSON, wrong types, unknown fields and unknown usages with 400 and a code', async () => {
    const key = passline.verifyKey;
    expectError(
      await passline.request('POST', '/api/verifications', { rawBody: '{"to": ', key }),
      400,
      'request.malformed_json',
    );
    expectError(
      await passline.request('POST', '/api/verifications', { rawBody: '', key }),
      400,
      'request.malformed_json',
    );
    const wrongType = await passline.request('POST', '/api/verifications', {
      body: { to: 15551234567, usage: 'SignIn' },
      key,
    });
    expectError(wrongType, 400, 'request.invalid');
    expect(wrongType.body.error.details.issues[0].path).toBe('body.to');
    expectError(
      await passline.request('POST', '/api/verifications', {
        body: { to: '+12015550191', usage: 'SignIn', admin: true },
        key,
      }),
      400,
      'request.invalid',
    );
    expectError(
      await passline.request('POST', '/api/verifications', { body: { to: '+12015550191', usage: 'Teleport' }, key }),
      400,
      'request.invalid',
    );
    expectError(
      await passline.request('POST', '/api/verifications', {
        body: { to: '+12015550191', usage: 'SignIn', ip: 'not-an-ip' },
        key,
      }),
      400,
      'request.invalid',
    );
    expectError(await passline.request('POST', '/api/verifications', { body: [1, 2], key }), 400, 'request.invalid');
    expectError(
      await passline.request('POST', '/api/verifications/x/check', { body: { code: '12a456' }, key }),
      400,
      'request.invalid',
    );
  });

  it('names each unknown field where it was, with the fields that are allowed there', async () => {
    const body = await passline.request('POST', '/api/verifications', {
      body: { to: '+12015550123', usage: 'SignIn', colour: 'red', Locale: 'en' },
      key: passline.verifyKey,
    });
    expectError(body, 400, 'request.invalid');
    expect(body.body.error.details.issues).toEqual([
      { path: 'body.colour', message: 'unknown field; the fields here are to, usage, locale, ip' },
      { path: 'body.Locale', message: 'unknown field; the fields here are to, usage, locale, ip' },
    ]);
    expect(body.body.error.message).toContain('body.colour: unknown field');

    const query = await passline.request('GET', '/api/messages?statuz=sent');
    expect(query.body.error.details.issues).toEqual([
      { path: 'querystring.statuz', message: expect.stringContaining('the fields here are status, usage') },
    ]);

    const config = await passline.request('POST', '/api/connectors', {
      body: {
        factoryId: 'dev-sms',
        config: { templates: [{ usageType: 'Generic', content: 'Code {{code}}', lang: 'en' }] },
      },
    });
    expectError(config, 400, 'connector.invalid_config');
    expect(config.body.error.details.issues).toContainEqual({
      path: 'templates.0.lang',
      message: 'unknown field; the fields here are usageType, locale, content',
    });
  });

  it('rejects invalid phone numbers', async () => {
    // +1 555 is the fictional area code: well-formed, but no such number can exist.
    for (const to of ['12345', '+1555', '+999123456789', 'not a number', '5551234567', '+15551234567']) {
      expectError(
        await passline.request('POST', '/api/verifications', {
          body: { to, usage: 'SignIn' },
          key: passline.verifyKey,
        }),
        400,
        'phone.invalid',
      );
    }
  });

  it('rejects huge bodies, other media types and unknown routes', async () => {
    const huge = JSON.stringify({ to: '+12015550192', usage: 'SignIn', locale: 'x'.repeat(70 * 1024) });
    expectError(
      await passline.request('POST', '/api/verifications', { rawBody: huge, key: passline.verifyKey }),
      413,
      'request.too_large',
    );
    expectError(
      await passline.request('POST', '/api/verifications', {
        rawBody: 'to=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        key: passline.verifyKey,
      }),
      415,
      'request.unsupported_media_type',
    );
    expectError(await passline.request('GET', '/api/nothing-here'), 404, 'route.not_found');
    expectError(await passline.request('DELETE', '/api/verifications'), 404, 'route.not_found');
  });

  it('serves health and an OpenAPI document that lists the API', async () => {
    const health = await passline.request('GET', '/api/health', { key: null });
    expect(health.body).toEqual({ status: 'ok', database: database().engine, checks: { database: 'ok' } });
    const openapi = await passline.request('GET', '/api/openapi.json', { key: null });
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toBe('3.1.0');
    for (const path of [
      '/api/verifications',
      '/api/verifications/{id}/check',
      '/api/connectors',
      '/api/connector-factories/{factoryId}/test',
    ]) {
      expect(Object.keys(openapi.body.paths)).toContain(path);
    }
    expect(
      openapi.body.paths['/api/verifications'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(['to', 'usage']);
  });

  it('gives every response a request id and never a bare 500 for bad input', async () => {
    const result = await passline.request('POST', '/api/connectors', { rawBody: '{"factoryId":"dev-sms","config":[}' });
    expect(result.status).toBe(400);
    expect(result.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
