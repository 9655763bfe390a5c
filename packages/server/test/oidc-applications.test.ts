import { afterAll, beforeAll, expect, it } from 'vitest';
import { manualClock, startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

const publicUrl = 'https://id.passline.test';

describeEachEngine('applications (OpenID Connect clients): Management API', (database) => {
  let passline: TestPassline;
  const clock = manualClock(Date.now());
  beforeAll(async () => {
    passline = await startTestPassline(database(), { clock, config: { publicUrl } });
  });
  afterAll(() => passline.close());

  const create = (body: Record<string, unknown>) => passline.request('POST', '/api/applications', { body });
  const web = (overrides: Record<string, unknown> = {}) =>
    create({ name: 'Acme Web', type: 'web', redirectUris: ['https://acme.test/callback'], ...overrides });

  /** A client calling oidc-provider with HTTP Basic authentication, as a web application's backend does. */
  async function asClient(path: string, clientId: string, secret: string, form: Record<string, string>) {
    const credentials = `${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`;
    const response = await passline.app.inject({
      method: 'POST',
      url: path,
      headers: {
        authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams(form).toString(),
    });
    return { status: response.statusCode, body: response.json() as Record<string, unknown> };
  }

  /** A grant and an access token of an application, made by oidc-provider's own models. */
  async function issueAccessToken(clientId: string, accountId: string): Promise<string> {
    const provider = await passline.oidc.provider();
    const client = await provider.Client.find(clientId);
    if (!client) throw new Error(`no client ${clientId}`);
    const grant = new provider.Grant({ accountId, clientId });
    grant.addOIDCScope('openid');
    const grantId = await grant.save();
    return new provider.AccessToken({ accountId, client, grantId, gty: 'authorization_code', scope: 'openid' }).save();
  }

  const payloadsOf = (clientId: string) =>
    passline.storage.db.selectFrom('oidc_payloads').select('model').where('client_id', '=', clientId).execute();

  it('creates web, spa and native applications; only a web one gets a secret, shown once', async () => {
    const created = await web({ postLogoutRedirectUris: ['https://acme.test/bye'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Acme Web',
      type: 'web',
      redirectUris: ['https://acme.test/callback'],
      postLogoutRedirectUris: ['https://acme.test/bye'],
      firstParty: true,
      hasClientSecret: true,
      createdAt: new Date(clock.now()).toISOString(),
    });
    expect(created.body.id).toMatch(/^app_/);
    expect(created.body.clientSecret).toMatch(/^[\w-]{43}$/);

    const spa = await create({ name: 'Partner SPA', type: 'spa', redirectUris: ['http://localhost:5173/cb'] });
    expect(spa.status).toBe(201);
    expect(spa.body).toMatchObject({ type: 'spa', hasClientSecret: false, postLogoutRedirectUris: [] });
    expect(spa.body).not.toHaveProperty('clientSecret');

    const native = await create({
      name: 'Mobile',
      type: 'native',
      redirectUris: ['com.acme.mobile:/oauth', 'http://127.0.0.1/cb'],
      firstParty: false,
    });
    expect(native.status).toBe(201);
    expect(native.body).toMatchObject({ type: 'native', hasClientSecret: false, firstParty: false });
    expect(native.body).not.toHaveProperty('clientSecret');

    const fetched = await passline.request('GET', `/api/applications/${created.body.id}`);
    expect(fetched.status).toBe(200);
    const { clientSecret: _secret, ...withoutSecret } = created.body;
    expect(fetched.body).toEqual(withoutSecret);

    const list = await passline.request('GET', '/api/applications');
    expect(list.status).toBe(200);
    expect(list.body.issuer).toBe(publicUrl);
    expect(list.body.discoveryUrl).toBe(`${publicUrl}/.well-known/openid-configuration`);
    const listed = list.body.items as Array<Record<string, unknown>>;
    expect(listed.map((item) => item.id)).toEqual(
      expect.arrayContaining([created.body.id, spa.body.id, native.body.id]),
    );
    for (const item of listed) expect(item).not.toHaveProperty('clientSecret');
    expect(JSON.stringify(list.body)).not.toContain(created.body.clientSecret);
    expect(JSON.stringify(fetched.body)).not.toContain(created.body.clientSecret);
  });

  it('refuses a malformed request with request.invalid, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: '  ', type: 'web', redirectUris: ['https://a.test/cb'] }, 'body.name'],
      [{ name: 'No URIs', type: 'web', redirectUris: [] }, 'body.redirectUris'],
      [{ name: 'No URIs', type: 'web' }, 'body.redirectUris'],
      [{ name: 'Relative', type: 'web', redirectUris: ['/callback'] }, 'body.redirectUris.0'],
      [{ name: 'Bad type', type: 'desktop', redirectUris: ['https://a.test/cb'] }, 'body.type'],
      [{ name: 'Extra', type: 'web', redirectUris: ['https://a.test/cb'], clientSecret: 'mine' }, 'clientSecret'],
    ];
    for (const [body, named] of cases) {
      const response = await create(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('request.invalid');
      expect(JSON.stringify(response.body.error), JSON.stringify(body)).toContain(named);
    }
    const relative = await create({ name: 'Relative', type: 'web', redirectUris: ['/callback'] });
    expect(relative.body.error.message).toContain('absolute URL');
  });

  it('refuses URIs oidc-provider refuses for the type, with application.invalid and its reason', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { name: 'Fragment', type: 'web', redirectUris: ['https://a.test/cb#done'] },
        'redirect_uris must not contain fragments',
      ],
      [
        {
          name: 'Logout fragment',
          type: 'spa',
          redirectUris: ['https://a.test/cb'],
          postLogoutRedirectUris: ['https://a.test/#x'],
        },
        'post_logout_redirect_uris must not contain fragments',
      ],
      [
        { name: 'Native http', type: 'native', redirectUris: ['http://app.example.com/cb'] },
        'can only use loopback addresses',
      ],
      [
        { name: 'Native https loopback', type: 'native', redirectUris: ['https://127.0.0.1/cb'] },
        'must not be using 127.0.0.1',
      ],
      [{ name: 'Web scheme', type: 'web', redirectUris: ['com.acme.app:/cb'] }, 'must only contain web uris'],
      [{ name: 'SPA scheme', type: 'spa', redirectUris: ['com.acme.app:/cb'] }, 'must only contain web uris'],
    ];
    for (const [body, reason] of cases) {
      const response = await create(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('application.invalid');
      expect(response.body.error.message).toContain(reason);
    }
    const names = ((await passline.request('GET', '/api/applications')).body.items as Array<{ name: string }>).map(
      (item) => item.name,
    );
    expect(names.filter((name) => cases.some(([body]) => body.name === name))).toEqual([]);
  });

  it('changes the name, URIs and first-party flag, never the type, and keeps a refused change out', async () => {
    const created = await web();
    const path = `/api/applications/${created.body.id}`;
    clock.advance(5000);

    const patched = await passline.request('PATCH', path, {
      body: {
        name: 'Acme Web 2',
        redirectUris: ['https://acme.test/new-callback', 'http://localhost:3000/cb'],
        postLogoutRedirectUris: ['https://acme.test/out'],
        firstParty: false,
      },
    });
    expect(patched.status).toBe(200);
    const { clientSecret: _secret, ...unchanged } = created.body;
    const expected = {
      ...unchanged,
      name: 'Acme Web 2',
      redirectUris: ['https://acme.test/new-callback', 'http://localhost:3000/cb'],
      postLogoutRedirectUris: ['https://acme.test/out'],
      firstParty: false,
      updatedAt: new Date(clock.now()).toISOString(),
    };
    expect(patched.body).toEqual(expected);
    expect((await passline.request('GET', path)).body).toEqual(expected);

    // Only what is sent changes.
    const flagOnly = await passline.request('PATCH', path, { body: { firstParty: true } });
    expect(flagOnly.body).toMatchObject({ name: 'Acme Web 2', firstParty: true, redirectUris: expected.redirectUris });

    for (const [body, code] of [
      [{ type: 'spa' }, 'request.invalid'],
      [{ name: '' }, 'request.invalid'],
      [{ redirectUris: [] }, 'request.invalid'],
      [{ redirectUris: ['https://acme.test/#frag'] }, 'application.invalid'],
      [{ redirectUris: ['myapp:/cb'] }, 'application.invalid'],
    ] as const) {
      const refused = await passline.request('PATCH', path, { body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code, JSON.stringify(body)).toBe(code);
    }
    const type = await passline.request('PATCH', path, { body: { type: 'spa' } });
    expect(JSON.stringify(type.body.error)).toContain('type');
    expect((await passline.request('GET', path)).body).toMatchObject({
      type: 'web',
      redirectUris: expected.redirectUris,
    });
  });

  it('answers application.not_found for an unknown id on every route', async () => {
    const path = '/api/applications/app_unknown';
    for (const [method, url, body] of [
      ['GET', path, undefined],
      ['PATCH', path, { name: 'x' }],
      ['DELETE', path, undefined],
      ['POST', `${path}/secret`, undefined],
    ] as const) {
      const response = await passline.request(method, url, { body });
      expect(response.status, `${method} ${url}`).toBe(404);
      expect(response.body.error.code).toBe('application.not_found');
    }
  });

  it('rotates a web application’s secret: the old one is refused by oidc-provider, the new one accepted', async () => {
    const created = await web();
    const id = created.body.id as string;
    const oldSecret = created.body.clientSecret as string;
    const token = await issueAccessToken(id, 'usr_rotate');

    const before = await asClient('/oidc/token/introspection', id, oldSecret, { token });
    expect(before).toMatchObject({ status: 200, body: { active: true, client_id: id, sub: 'usr_rotate' } });

    clock.advance(1000);
    const rotated = await passline.request('POST', `/api/applications/${id}/secret`);
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.clientSecret as string;
    expect(newSecret).toMatch(/^[\w-]{43}$/);
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.body).toMatchObject({ id, hasClientSecret: true, updatedAt: new Date(clock.now()).toISOString() });
    expect((await passline.request('GET', `/api/applications/${id}`)).body).not.toHaveProperty('clientSecret');

    for (const path of ['/oidc/token/introspection', '/oidc/token/revocation']) {
      const refused = await asClient(path, id, oldSecret, { token });
      expect(refused.status, path).toBe(401);
      expect(refused.body.error, path).toBe('invalid_client');
    }
    // At the token endpoint the old secret fails client authentication; the new one passes it and
    // reaches the grant (a made-up code).
    const tokenForm = {
      grant_type: 'authorization_code',
      code: 'not-a-code',
      redirect_uri: 'https://acme.test/callback',
    };
    expect(await asClient('/oidc/token', id, oldSecret, tokenForm)).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(await asClient('/oidc/token', id, newSecret, tokenForm)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    // Rotation is routine: tokens already issued keep working.
    const after = await asClient('/oidc/token/introspection', id, newSecret, { token });
    expect(after).toMatchObject({ status: 200, body: { active: true, client_id: id } });
  });

  it('refuses to rotate the secret of a spa or native application', async () => {
    const spa = await create({ name: 'SPA', type: 'spa', redirectUris: ['https://spa.test/cb'] });
    const rotated = await passline.request('POST', `/api/applications/${spa.body.id}/secret`);
    expect(rotated.status).toBe(400);
    expect(rotated.body.error.code).toBe('application.invalid');
    expect(rotated.body.error.message).toContain('PKCE');
    expect((await passline.request('GET', `/api/applications/${spa.body.id}`)).body.hasClientSecret).toBe(false);
  });

  it('deletes an application with its grants and tokens, and only its own', async () => {
    const doomed = await web({ name: 'Doomed' });
    const kept = await web({ name: 'Kept' });
    const doomedId = doomed.body.id as string;
    const keptId = kept.body.id as string;
    const doomedToken = await issueAccessToken(doomedId, 'usr_delete');
    const keptToken = await issueAccessToken(keptId, 'usr_delete');
    expect((await payloadsOf(doomedId)).map((row) => row.model).sort()).toEqual(['AccessToken', 'Grant']);

    const deleted = await passline.request('DELETE', `/api/applications/${doomedId}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    const again = await passline.request('GET', `/api/applications/${doomedId}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('application.not_found');
    expect((await passline.request('DELETE', `/api/applications/${doomedId}`)).status).toBe(404);
    const listed = (await passline.request('GET', '/api/applications')).body.items as Array<{ id: string }>;
    expect(listed.map((item) => item.id)).not.toContain(doomedId);

    expect(await payloadsOf(doomedId)).toEqual([]);
    expect((await payloadsOf(keptId)).map((row) => row.model).sort()).toEqual(['AccessToken', 'Grant']);
    // The deleted client no longer authenticates; the other one's token is still live.
    const gone = await asClient('/oidc/token/introspection', doomedId, doomed.body.clientSecret, {
      token: doomedToken,
    });
    expect(gone).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const live = await asClient('/oidc/token/introspection', keptId, kept.body.clientSecret, { token: keptToken });
    expect(live.body.active).toBe(true);
  });

  it('requires an admin key on every route: 401 without a key, 403 with a verify key', async () => {
    const existing = await web({ name: 'Auth check' });
    const path = `/api/applications/${existing.body.id}`;
    const routes = [
      ['GET', '/api/applications', undefined],
      ['POST', '/api/applications', { name: 'x', type: 'web', redirectUris: ['https://x.test/cb'] }],
      ['GET', path, undefined],
      ['PATCH', path, { name: 'Renamed' }],
      ['DELETE', path, undefined],
      ['POST', `${path}/secret`, undefined],
    ] as const;
    for (const [method, url, body] of routes) {
      const anonymous = await passline.request(method, url, { key: null, body });
      expect(anonymous.status, `${method} ${url}`).toBe(401);
      expect(anonymous.body.error.code).toBe('auth.missing_credentials');
      const verify = await passline.request(method, url, { key: passline.verifyKey, body });
      expect(verify.status, `${method} ${url}`).toBe(403);
      expect(verify.body.error.code).toBe('auth.insufficient_scope');
    }
    // They are in the API document, so route-auth.test.ts keeps checking them; the provider's own
    // endpoints and the sign-in pages are not (they are public, and not the Management API).
    const document = (await passline.request('GET', '/api/openapi.json', { key: null })).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(document.paths).filter((route) => /applications|oidc|interaction/.test(route))).toEqual([
      '/api/applications',
      '/api/applications/{id}',
      '/api/applications/{id}/secret',
    ]);
    expect(Object.keys(document.paths['/api/applications/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
    // Nothing was changed, created or deleted along the way.
    const after = await passline.request('GET', path);
    expect(after.body).toMatchObject({ name: 'Auth check', hasClientSecret: true });
    const names = ((await passline.request('GET', '/api/applications')).body.items as Array<{ name: string }>).map(
      (item) => item.name,
    );
    expect(names).not.toContain('x');
    const stillWorks = await asClient('/oidc/token', existing.body.id, existing.body.clientSecret, {
      grant_type: 'authorization_code',
      code: 'not-a-code',
      redirect_uri: 'https://acme.test/callback',
    });
    expect(stillWorks.body.error).toBe('invalid_grant');
  });

  it('publishes every URL of the discovery document under the public URL, whatever host the request named', async () => {
    const response = await passline.app.inject({
      method: 'GET',
      url: '/.well-known/openid-configuration',
      // What a proxy (or an attacker) might send: neither changes the URLs.
      headers: { host: 'evil.example', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.example' },
    });
    expect(response.statusCode).toBe(200);
    const document = response.json() as Record<string, unknown>;
    expect(document.issuer).toBe(passline.publicUrl());
    expect(document.issuer).toBe(publicUrl);
    const urls = [
      'authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'end_session_endpoint',
      'introspection_endpoint',
      'revocation_endpoint',
      'jwks_uri',
    ].map((name) => String(document[name]));
    expect(urls).toEqual([
      `${publicUrl}/oidc/auth`,
      `${publicUrl}/oidc/token`,
      `${publicUrl}/oidc/me`,
      `${publicUrl}/oidc/session/end`,
      `${publicUrl}/oidc/token/introspection`,
      `${publicUrl}/oidc/token/revocation`,
      `${publicUrl}/.well-known/jwks.json`,
    ]);
  });
});
