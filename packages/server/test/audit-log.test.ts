import { secretMask } from '@passline/connector-kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

// Every administrative change leaves one audit entry naming who (API key or console admin), from
// where, what and the state before and after, with no secret anywhere in it.

const templates = [
  { usageType: 'Register', content: 'Welcome! Code {{code}}' },
  { usageType: 'SignIn', content: 'Sign-in code {{code}}' },
  { usageType: 'ForgotPassword', content: 'Reset code {{code}}' },
  { usageType: 'Generic', content: 'Your code is {{code}}' },
];
const signingSecret = 'audit-signing-secret-0123456789';
const newSigningSecret = 'audit-rotated-secret-9876543210';
const adminPassword = 'correct horse battery';

interface Entry {
  id: string;
  createdAt: string;
  actor: { type: string; id: string | null; name: string | null };
  ip: string | null;
  action: string;
  target: { type: string; id: string | null };
  before: any;
  after: any;
}

describeEachEngine('audit log: every administrative change, who, where, before and after', (database) => {
  let passline: TestPassline;
  let adminKeyId: string;
  /** Every secret the tests hand out or receive: none may appear in any entry. */
  const secrets: string[] = [signingSecret, newSigningSecret, adminPassword];

  beforeAll(async () => {
    passline = await startTestPassline(database(), {
      config: { connectorModules: ['./examples/webhook-sms-connector/index.ts'], trustProxy: 1 },
    });
    secrets.push(passline.adminKey, passline.verifyKey);
    adminKeyId = (await passline.apiKeys.list()).find((key) => key.name === 'test admin')?.id as string;
  });
  afterAll(() => passline.close());

  /** The newest entry of an action (after asserting the API call succeeded). */
  async function latest(action: string): Promise<Entry> {
    const page = await passline.request('GET', `/api/audit-log?action=${action}&limit=1`);
    expect(page.status).toBe(200);
    const entry = page.body.items[0] as Entry | undefined;
    if (!entry) throw new Error(`no ${action} entry`);
    return entry;
  }
  const byTestKey = { type: 'api_key', id: expect.stringMatching(/^key_/), name: 'test admin' };
  const fromProxy = { 'x-forwarded-for': '203.0.113.9' };
  const request = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    passline.request(method, url, { body, headers: fromProxy });

  it('connectors: create, update (secret changed, never shown), activate, delete', async () => {
    const created = await request('POST', '/api/connectors', {
      factoryId: 'webhook-sms',
      config: { url: 'http://127.0.0.1:9/send', signingSecret, templates },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const create = await latest('connector.create');
    expect(create).toMatchObject({
      actor: byTestKey,
      ip: '203.0.113.9',
      target: { type: 'connector', id },
      before: null,
      after: { factoryId: 'webhook-sms', active: true, config: { signingSecret: secretMask } },
    });
    expect(create.actor.id).toBe(adminKeyId);

    const updated = await request('PATCH', `/api/connectors/${id}`, {
      config: { url: 'http://127.0.0.1:10/send', signingSecret: newSigningSecret },
    });
    expect(updated.status).toBe(200);
    expect(await latest('connector.update')).toMatchObject({
      target: { type: 'connector', id },
      before: { config: { url: 'http://127.0.0.1:9/send', signingSecret: secretMask } },
      after: {
        config: { url: 'http://127.0.0.1:10/send', signingSecret: secretMask },
        maskedChanges: ['signingSecret'],
      },
    });
    // The mask sent back keeps the secret: no change is claimed.
    await request('PATCH', `/api/connectors/${id}`, { config: { signingSecret: secretMask } });
    expect((await latest('connector.update')).after.maskedChanges).toBeUndefined();

    const second = await request('POST', '/api/connectors', {
      factoryId: 'webhook-sms',
      config: { url: 'http://127.0.0.1:11/send', signingSecret, templates },
    });
    expect((await request('POST', `/api/connectors/${id}/activate`)).status).toBe(200);
    expect(await latest('connector.activate')).toMatchObject({
      target: { type: 'connector', id },
      before: { active: false },
      after: { active: true },
    });
    expect((await request('DELETE', `/api/connectors/${second.body.id}`)).status).toBe(204);
    expect(await latest('connector.delete')).toMatchObject({
      target: { type: 'connector', id: second.body.id },
      before: { factoryId: 'webhook-sms', active: false },
      after: null,
    });
  });

  it('a change that fails records nothing', async () => {
    const before = (await passline.request('GET', '/api/audit-log?limit=200')).body.items.length;
    const refused = await request('POST', '/api/connectors', { factoryId: 'webhook-sms', config: { url: 'ftp://x' } });
    expect(refused.status).toBe(400);
    expect((await request('DELETE', '/api/connectors/con_missing')).status).toBe(404);
    expect((await request('DELETE', '/api/api-keys/key_missing')).status).toBe(400);
    expect((await passline.request('GET', '/api/audit-log?limit=200')).body.items.length).toBe(before);
  });

  it('routing and every kind of settings', async () => {
    const connectorId = (await passline.request('GET', '/api/connectors')).body[0].id as string;
    expect((await request('PUT', '/api/routing/sms', { rules: [], default: [connectorId] })).status).toBe(200);
    expect(await latest('routing.update')).toMatchObject({
      target: { type: 'routing', id: 'sms' },
      after: { default: [connectorId] },
    });

    expect((await request('PATCH', '/api/settings/verification', { codeLength: 8 })).status).toBe(200);
    const verification = await latest('settings.update');
    expect(verification).toMatchObject({ target: { type: 'settings', id: 'verification' }, after: { codeLength: 8 } });
    expect(verification.before.codeLength).not.toBe(8);

    expect((await request('PATCH', '/api/settings/sign-in-experience', { signUp: false })).status).toBe(200);
    expect(await latest('settings.update')).toMatchObject({
      target: { type: 'settings', id: 'sign-in-experience' },
      before: { signUp: true },
      after: { signUp: false },
    });

    expect((await request('PATCH', '/api/settings/protection', { mode: 'record_only' })).status).toBe(200);
    expect(await latest('protection.update')).toMatchObject({
      target: { type: 'settings', id: 'protection' },
      after: { mode: 'record_only' },
    });
    const settings = await passline.request('GET', '/api/audit-log?targetType=settings');
    expect(settings.body.items.map((entry: Entry) => entry.target.id)).toEqual([
      'protection',
      'sign-in-experience',
      'verification',
    ]);
  });

  it('API keys: create and revoke, the key itself never recorded', async () => {
    const created = await request('POST', '/api/api-keys', { name: 'ci deploys', scope: 'verify' });
    expect(created.status).toBe(201);
    secrets.push(created.body.key);
    const id = created.body.apiKey.id as string;
    expect(await latest('api_key.create')).toMatchObject({
      actor: byTestKey,
      target: { type: 'api_key', id },
      after: { name: 'ci deploys', scope: 'verify', revokedAt: null },
    });
    expect((await request('DELETE', `/api/api-keys/${id}`)).status).toBe(204);
    const revoke = await latest('api_key.revoke');
    expect(revoke).toMatchObject({ target: { type: 'api_key', id }, before: { revokedAt: null } });
    expect(revoke.after.revokedAt).toEqual(expect.any(String));
  });

  it('applications: create, update, secret rotation, delete; client secrets never recorded', async () => {
    const created = await request('POST', '/api/applications', {
      name: 'Shop',
      type: 'web',
      redirectUris: ['https://shop.example/callback'],
    });
    expect(created.status).toBe(201);
    secrets.push(created.body.clientSecret);
    const id = created.body.id as string;
    expect(await latest('application.create')).toMatchObject({
      target: { type: 'application', id },
      after: { name: 'Shop', type: 'web', hasClientSecret: true },
    });
    expect((await request('PATCH', `/api/applications/${id}`, { name: 'Shop 2' })).status).toBe(200);
    expect(await latest('application.update')).toMatchObject({ before: { name: 'Shop' }, after: { name: 'Shop 2' } });
    const rotated = await request('POST', `/api/applications/${id}/secret`);
    expect(rotated.status).toBe(200);
    secrets.push(rotated.body.clientSecret);
    expect(await latest('application.secret_rotate')).toMatchObject({ target: { type: 'application', id } });
    expect((await request('DELETE', `/api/applications/${id}`)).status).toBe(204);
    expect(await latest('application.delete')).toMatchObject({ before: { name: 'Shop 2' }, after: null });
  });

  it('users: suspend, unsuspend, sign out everywhere, delete; the phone number is not recorded', async () => {
    const now = Date.now();
    await passline.storage.db
      .insertInto('users')
      .values({
        id: 'usr_audit1',
        phone: '+14155550199',
        password_hash: null,
        created_at: now,
        updated_at: now,
        suspended_at: null,
        last_sign_in_at: null,
      })
      .execute();
    expect((await request('PATCH', '/api/users/usr_audit1', { suspended: true })).status).toBe(200);
    expect(await latest('user.suspend')).toMatchObject({
      target: { type: 'user', id: 'usr_audit1' },
      before: { suspended: false },
      after: { suspended: true },
    });
    expect((await request('PATCH', '/api/users/usr_audit1', { suspended: false })).status).toBe(200);
    expect(await latest('user.unsuspend')).toMatchObject({ after: { suspended: false } });
    expect((await request('POST', '/api/users/usr_audit1/sessions/revoke')).status).toBe(200);
    expect(await latest('user.sessions_revoke')).toMatchObject({ after: { revoked: 0 } });
    expect((await request('DELETE', '/api/users/usr_audit1')).status).toBe(204);
    expect(await latest('user.delete')).toMatchObject({ target: { type: 'user', id: 'usr_audit1' } });
    const entries = await passline.request('GET', '/api/audit-log?targetType=user&targetId=usr_audit1');
    expect(entries.body.items).toHaveLength(4);
    expect(JSON.stringify(entries.body)).not.toContain('4155550199');
  });

  it('admins: creation by the CLI and by setup, console sign-in, its failures and the lockout', async () => {
    const token = (await passline.adminAuth.issueSetupToken()) as string;
    secrets.push(token);
    const setup = await passline.request('POST', '/api/admin/setup', {
      key: null,
      headers: fromProxy,
      body: { setupToken: token, username: 'ada', password: adminPassword },
    });
    expect(setup.status).toBe(201);
    expect(await latest('admin.create')).toMatchObject({
      actor: { type: 'setup', id: null, name: null },
      ip: '203.0.113.9',
      target: { type: 'admin', id: 'ada' },
      after: { username: 'ada', id: expect.stringMatching(/^adm_/) },
    });
    await passline.adminAuth.createAdmin({ username: 'grace', password: adminPassword });
    expect(await latest('admin.create')).toMatchObject({ actor: { type: 'cli' }, ip: null, target: { id: 'grace' } });

    const signIn = (username: string, password: string, ip: string) =>
      passline.request('POST', '/api/admin/sign-in', {
        key: null,
        headers: { 'x-forwarded-for': ip },
        body: { username, password },
      });
    const good = await signIn('ada', adminPassword, '198.51.100.7');
    expect(good.status).toBe(200);
    const signedIn = await latest('admin.sign_in');
    expect(signedIn).toMatchObject({
      actor: { type: 'admin', id: expect.stringMatching(/^adm_/), name: 'ada' },
      ip: '198.51.100.7',
      target: { type: 'admin', id: 'ada' },
    });

    // A console admin's own changes name the admin, not a key.
    const cookie = /passline_session=([^;]+)/.exec(String(good.headers['set-cookie']))?.[1] as string;
    secrets.push(cookie, good.body.csrfToken);
    const changed = await passline.request('PATCH', '/api/settings/verification', {
      key: null,
      headers: { cookie: `passline_session=${cookie}`, 'x-csrf-token': good.body.csrfToken, ...fromProxy },
      body: { codeLength: 6 },
    });
    expect(changed.status).toBe(200);
    expect(await latest('settings.update')).toMatchObject({
      actor: { type: 'admin', id: signedIn.actor.id, name: 'ada' },
      ip: '203.0.113.9',
    });

    const wrong = await signIn('ada', 'not the password at all', '198.51.100.8');
    expect(wrong.status).toBe(401);
    expect(await latest('admin.sign_in_failed')).toMatchObject({
      actor: { type: 'anonymous', id: null, name: null },
      ip: '198.51.100.8',
      target: { type: 'admin', id: 'ada' },
    });
    // A username that is no admin (perhaps a password typed in the wrong field) is not recorded.
    const mistyped = 'MyPassword-In-The-Username';
    expect((await signIn(mistyped, 'whatever-else', '198.51.100.8')).status).toBe(401);
    const unknown = await latest('admin.sign_in_failed');
    expect(unknown.target).toEqual({ type: 'admin', id: null });
    expect(JSON.stringify(unknown).toLowerCase()).not.toContain(mistyped.toLowerCase());

    // Ten attempts per account and address (the default), then a lockout: recorded once.
    for (let attempt = 0; attempt < 12; attempt += 1) await signIn('grace', 'wrong password!!', '198.51.100.9');
    expect((await signIn('grace', adminPassword, '198.51.100.9')).status).toBe(429);
    const lockouts = await passline.request('GET', '/api/audit-log?action=admin.locked_out');
    expect(lockouts.body.items).toHaveLength(1);
    expect(lockouts.body.items[0]).toMatchObject({ ip: '198.51.100.9', target: { type: 'admin', id: 'grace' } });
    const failures = await passline.request('GET', '/api/audit-log?action=admin.sign_in_failed&ip=198.51.100.9');
    expect(failures.body.items).toHaveLength(10);
  });

  it('filters by actor, action family, target and time, and pages with a cursor', async () => {
    const all: Entry[] = (await passline.request('GET', '/api/audit-log?limit=200')).body.items;
    expect(all.length).toBeGreaterThan(30);
    const times = all.map((entry) => entry.createdAt);
    expect([...times].sort().reverse()).toEqual(times);

    const byKeyName = (await passline.request('GET', '/api/audit-log?actor=test%20admin&limit=200')).body.items;
    const byKeyId = (await passline.request('GET', `/api/audit-log?actor=${adminKeyId}&limit=200`)).body.items;
    expect(byKeyName.length).toBeGreaterThan(0);
    expect(byKeyId).toEqual(byKeyName);
    expect(byKeyName.every((entry: Entry) => entry.actor.id === adminKeyId)).toBe(true);
    const byAda = (await passline.request('GET', '/api/audit-log?actor=ada')).body.items;
    expect(byAda.map((entry: Entry) => entry.action)).toEqual(['settings.update', 'admin.sign_in']);

    const family = (await passline.request('GET', '/api/audit-log?action=connector&limit=200')).body.items;
    expect(new Set(family.map((entry: Entry) => entry.action))).toEqual(
      new Set(['connector.create', 'connector.update', 'connector.activate', 'connector.delete']),
    );
    expect((await passline.request('GET', '/api/audit-log?action=connector.*&limit=200')).body.items).toEqual(family);
    const keys = (await passline.request('GET', '/api/audit-log?action=api_key')).body.items;
    expect(keys.map((entry: Entry) => entry.action)).toEqual(['api_key.revoke', 'api_key.create']);
    expect((await passline.request('GET', '/api/audit-log?action=nothing')).body.items).toEqual([]);

    const middle = all[Math.floor(all.length / 2)] as Entry;
    const older = (await passline.request('GET', `/api/audit-log?to=${middle.createdAt}&limit=200`)).body.items;
    expect(older.every((entry: Entry) => entry.createdAt < middle.createdAt)).toBe(true);
    const newer = (await passline.request('GET', `/api/audit-log?from=${middle.createdAt}&limit=200`)).body.items;
    expect(older.length + newer.length).toBe(all.length);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await passline.request('GET', `/api/audit-log?limit=7${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((entry: Entry) => entry.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((entry) => entry.id));

    expect((await passline.request('GET', '/api/audit-log?cursor=nonsense')).status).toBe(400);
    expect((await passline.request('GET', '/api/audit-log', { key: passline.verifyKey })).status).toBe(403);
    expect((await passline.request('GET', '/api/audit-log', { key: null })).status).toBe(401);
  });

  it('no secret appears in any entry', async () => {
    const stored = await passline.storage.db.selectFrom('audit_log').selectAll().execute();
    expect(stored.length).toBeGreaterThan(30);
    const text =
      JSON.stringify(stored) + JSON.stringify((await passline.request('GET', '/api/audit-log?limit=200')).body);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(text).not.toContain(secret);
    }
  });

  it('has no route that edits or deletes an entry', async () => {
    const id = (await passline.request('GET', '/api/audit-log?limit=1')).body.items[0].id as string;
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      for (const url of ['/api/audit-log', `/api/audit-log/${id}`]) {
        const response = await passline.request(method, url, method === 'DELETE' ? {} : { body: {} });
        expect(response.status).toBe(404);
      }
    }
    expect((await passline.request('POST', '/api/audit-log', { body: {} })).status).toBe(404);
    expect((await passline.request('GET', `/api/audit-log?limit=200`)).body.items.map((e: Entry) => e.id)).toContain(
      id,
    );
    const openapi = (await passline.request('GET', '/api/openapi.json', { key: null })).body;
    expect(Object.keys(openapi.paths['/api/audit-log'])).toEqual(['get']);
  });
});
