import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

// PostgreSQL cannot store U+0000 in text; before the edge check such input reached SQL and came
// back as a 500. Every route refuses it with a 400 that names the field.
describeEachEngine('NUL characters and bad cursors are refused at the edge', (database) => {
  let passline: TestPassline;
  beforeAll(async () => {
    passline = await startTestPassline(database());
    await useDevSms(passline);
  });
  afterAll(() => passline.close());

  const expectRefused = (result: { status: number; body: any }, path: string) => {
    expect(result.status, JSON.stringify(result.body)).toBe(400);
    expect(result.body.error.code).toBe('request.invalid');
    expect(result.body.error.details.issues[0].path).toBe(path);
  };

  it('refuses a NUL in a body field, a path parameter and a query parameter', async () => {
    expectRefused(
      await passline.request('POST', '/api/experience/sign-in', { body: { verificationId: 'a\u0000' }, key: null }),
      'body.verificationId',
    );
    expectRefused(
      await passline.request('POST', '/api/admin/sign-in', {
        body: { username: 'admin\u0000', password: 'correct horse battery' },
        key: null,
      }),
      'body.username',
    );
    expectRefused(
      await passline.request('POST', '/api/api-keys', { body: { name: 'ci\u0000', scope: 'verify' } }),
      'body.name',
    );
    expectRefused(await passline.request('GET', '/api/connectors/con%00'), 'params.id');
    expectRefused(await passline.request('DELETE', '/api/api-keys/key%00'), 'params.id');
    expectRefused(await passline.request('GET', '/api/verifications/vrf%00', { key: passline.verifyKey }), 'params.id');
    expectRefused(await passline.request('GET', '/api/messages?usage=Sign%00In'), 'querystring.usage');
    expectRefused(
      await passline.request('POST', '/api/verifications', {
        body: { to: '+12015550101', usage: 'SignIn', locale: 'en\u0000' },
        key: passline.verifyKey,
      }),
      'body.locale',
    );
    expectRefused(
      await passline.request('POST', '/api/connectors', {
        body: { factoryId: 'dev-sms', config: { templates: [{ usageType: 'Generic', content: '{{code}}\u0000' }] } },
      }),
      'body.config.templates.0.content',
    );
  });

  it('never answers 5xx to a NUL anywhere, on any route', async () => {
    const document = (await passline.request('GET', '/api/openapi.json', { key: null })).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({ method: method.toUpperCase() as Method, path })),
    );
    expect(routes.length).toBeGreaterThan(20);
    for (const { method, path } of routes) {
      const url = `${path.replaceAll(/\{[^}]+\}/g, 'x%00')}?q=%00`;
      const body = method === 'GET' || method === 'DELETE' ? undefined : { field: 'x\u0000' };
      const result = await passline.request(method, url, { body });
      expect(result.status, `${method} ${path}: ${JSON.stringify(result.body)}`).toBeLessThan(500);
      expect(result.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
    }
  });

  it('refuses a cursor it did not hand out instead of answering the first page or a 500', async () => {
    const cursors = [
      'not-a-cursor',
      Buffer.from('[1.5,"msg_1"]').toString('base64url'),
      Buffer.from('[1e300,"msg_1"]').toString('base64url'),
      Buffer.from('[-1,"msg_1"]').toString('base64url'),
      Buffer.from('[1,"msg\\u0000"]').toString('base64url'),
      Buffer.from('{"createdAt":1}').toString('base64url'),
    ];
    for (const cursor of cursors) {
      expectRefused(await passline.request('GET', `/api/messages?cursor=${cursor}`), 'querystring.cursor');
    }
    const page = await passline.request('GET', '/api/messages?limit=1');
    expect(page.status).toBe(200);
  });
});
