import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

/**
 * Routes anyone may call: health, the JWKS, console sign-in and first-run setup, and the end-user
 * flows (which have their own limits). Everything else in the OpenAPI document must refuse a request
 * without credentials. New routes are covered as soon as they are registered.
 */
const publicRoutes = new Set([
  'GET /api/health',
  'GET /.well-known/jwks.json',
  'GET /api/admin/session',
  'GET /api/admin/setup',
  'POST /api/admin/setup',
  'POST /api/admin/sign-in',
  'POST /api/admin/sign-out',
  // The second sign-in step: its credential is the pending token from a correct password.
  'POST /api/admin/sign-in/second-factor',
  'POST /api/admin/sign-in/enrolment',
  'POST /api/admin/sign-in/enrolment/confirm',
  'GET /api/experience/challenge',
  'POST /api/experience/verification-code',
  'POST /api/experience/verification-code/verify',
  'POST /api/experience/register',
  'POST /api/experience/sign-in',
  'POST /api/experience/sign-in/password',
  'POST /api/experience/reset-password',
  'POST /api/token',
  'POST /api/token/revoke',
  // Called by SMS providers: authenticated by the connector's signature check or the URL's secret.
  'POST /api/webhooks/{factoryId}/status',
  // Called by Supabase Auth: authenticated by its Standard Webhooks signature (the hook secret).
  'POST /api/integrations/supabase/send-sms',
]);
/** Routes for applications' backends (verify scope) and for signed-in end users (access token). */
const nonAdminRoutes = new Set([
  'POST /api/verifications',
  'POST /api/verifications/{id}/check',
  'GET /api/verifications/{id}',
  'GET /api/account',
  'POST /api/account/phone',
  'POST /api/account/phone/verification-code',
  'POST /api/account/reauthentication',
  'POST /api/account/reauthentication/verification-code',
]);

describeEachEngine('every route checks its credentials', (database) => {
  let passline: TestPassline;
  let routes: Array<{ method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; path: string }>;
  beforeAll(async () => {
    passline = await startTestPassline(database());
    const document = (await passline.request('GET', '/api/openapi.json', { key: null })).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({ method: method.toUpperCase() as 'GET', path })),
    );
  });
  afterAll(() => passline.close());

  it('refuses every non-public route without credentials, and admin routes to a verify key', async () => {
    const protectedRoutes = routes.filter(({ method, path }) => !publicRoutes.has(`${method} ${path}`));
    expect(protectedRoutes.length).toBeGreaterThan(20);
    for (const { method, path } of protectedRoutes) {
      const url = path.replaceAll(/\{[^}]+\}/g, 'x');
      const body = method === 'GET' || method === 'DELETE' ? undefined : {};
      const anonymous = await passline.request(method, url, { key: null, body });
      expect(anonymous.status, `${method} ${path} without credentials`).toBe(401);
      if (!nonAdminRoutes.has(`${method} ${path}`)) {
        const verifyKey = await passline.request(method, url, { key: passline.verifyKey, body });
        expect(verifyKey.status, `${method} ${path} with a verify key`).toBe(403);
      }
    }
  });

  it('lists every public route it allows, so none is allowed by mistake', () => {
    const registered = new Set(routes.map(({ method, path }) => `${method} ${path}`));
    expect([...publicRoutes].filter((route) => !registered.has(route))).toEqual([]);
  });
});
