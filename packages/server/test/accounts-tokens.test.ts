import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createTokenService } from '../src/accounts/token-service.ts';
import { manualClock, phoneSequence, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { type ExperienceClient, startExperienceApp } from './experience-helpers.ts';

describeEachEngine('accounts: access tokens, JWKS and refresh tokens', (database) => {
  let passline: TestPassline;
  let client: ExperienceClient;
  const clock = manualClock();
  const freshPhone = phoneSequence('204');
  // Without PASSLINE_PUBLIC_URL the issuer is the local address; the test config's port.
  let issuer = '';

  beforeAll(async () => {
    ({ passline, client } = await startExperienceApp(database(), { clock }));
    issuer = passline.publicUrl();
    expect(issuer).toBe(`http://localhost:${passline.config.port}`);
  });
  afterAll(() => passline.close());
  beforeEach(() => clock.advance(2 * 86_400_000));

  it('signs ES256 access tokens that verify against the published JWKS', async () => {
    const phone = freshPhone();
    const tokens = await client.register(phone);
    const jwks = await passline.request('GET', '/.well-known/jwks.json', { key: null });
    expect(jwks.status).toBe(200);
    expect(jwks.headers['cache-control']).toBe('public, max-age=300');
    const [key] = jwks.body.keys;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(key).not.toHaveProperty('d');
    expect(decodeProtectedHeader(tokens.accessToken)).toMatchObject({ alg: 'ES256', kid: key.kid });

    const { payload } = await jwtVerify(tokens.accessToken, createLocalJWKSet(jwks.body), {
      issuer,
      audience: issuer,
      currentDate: new Date(clock.now()),
    });
    expect(payload).toMatchObject({ sub: tokens.user.id, phone_number: phone, phone_number_verified: true });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);

    // The private key is stored encrypted, never as a plain JWK.
    const stored = await passline.storage.db.selectFrom('signing_keys').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.private_jwk).not.toContain('"d"');
    expect(JSON.parse(stored[0]?.private_jwk ?? '{}')).toHaveProperty('ct');
  });

  it('keeps one signing key across restarts, and verifies tokens signed by another instance', async () => {
    const tokens = await client.register(freshPhone());
    const before = await passline.request('GET', '/.well-known/jwks.json', { key: null });
    // A second token service on the same database starts with an empty key cache, like a restart.
    const restarted = createTokenService({ db: passline.storage.db, keys: passline.keys, clock });
    expect(await restarted.jwks()).toEqual(before.body);
    expect((await restarted.verifyAccessToken(tokens.accessToken, issuer)).sub).toBe(tokens.user.id);
  });

  it('guards GET /api/account with the access token', async () => {
    const tokens = await client.register(freshPhone());
    expect((await client.account(tokens.accessToken)).status).toBe(200);

    const missing = await passline.request('GET', '/api/account', { key: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('auth.missing_credentials');
    expect(missing.headers['www-authenticate']).toBe('Bearer');

    const tampered = `${tokens.accessToken.slice(0, -4)}AAAA`;
    const forged = await client.account(tampered);
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('auth.invalid_token');
    expect(forged.headers['www-authenticate']).toBe('Bearer error="invalid_token"');

    // An API key is not an access token.
    expect((await client.account(passline.adminKey)).body.error.code).toBe('auth.invalid_token');

    // The issuer is configured, never taken from the Host header: a request naming another host
    // neither changes what a token must say nor what a new one says.
    const elsewhere = await passline.request('GET', '/api/account', {
      key: tokens.accessToken,
      headers: { host: 'evil.example' },
    });
    expect(elsewhere.status).toBe(200);
    const refreshed = await passline.request('POST', '/api/token', {
      key: null,
      body: { grant_type: 'refresh_token', refresh_token: tokens.refreshToken },
      headers: { host: 'evil.example' },
    });
    expect(refreshed.status).toBe(200);
    const published = await passline.request('GET', '/.well-known/jwks.json', { key: null });
    const { payload } = await jwtVerify(refreshed.body.accessToken, createLocalJWKSet(published.body), {
      currentDate: new Date(clock.now()),
    });
    expect(payload.iss).toBe(issuer);

    clock.advance(15 * 60_000);
    const expired = await client.account(tokens.accessToken);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('auth.invalid_token');
  });

  it('rotates the refresh token on every use', async () => {
    const tokens = await client.register(freshPhone());
    const first = await client.refresh(tokens.refreshToken);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.body.user).toEqual(tokens.user);
    expect(first.body.refreshToken).not.toBe(tokens.refreshToken);
    expect((await client.account(first.body.accessToken)).status).toBe(200);
    const second = await client.refresh(first.body.refreshToken);
    expect(second.status).toBe(200);

    // Stored as hashes only.
    const rows = await passline.storage.db.selectFrom('refresh_tokens').select('token_hash').execute();
    const hashes = rows.map((row) => row.token_hash).join(' ');
    for (const token of [tokens.refreshToken, first.body.refreshToken, second.body.refreshToken]) {
      expect(hashes).not.toContain(token);
    }
  });

  it('revokes the whole family when a rotated refresh token is used again', async () => {
    const tokens = await client.register(freshPhone());
    const rotated = await client.refresh(tokens.refreshToken);
    const newest = await client.refresh(rotated.body.refreshToken);
    expect(newest.status).toBe(200);

    // The first token shows up again: someone kept a copy.
    const replay = await client.refresh(tokens.refreshToken);
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('token.invalid_grant');
    // The legitimate holder's newest token is dead too.
    const victim = await client.refresh(newest.body.refreshToken);
    expect(victim.status).toBe(400);
    expect(victim.body.error.code).toBe('token.invalid_grant');

    // Other sign-ins of the same user are not affected.
    const phone = tokens.user.phone;
    const other = await client.post('/api/experience/sign-in', {
      verificationId: await (async () => {
        clock.advance(61_000);
        return client.verified(phone, 'SignIn');
      })(),
    });
    expect((await client.refresh(other.body.refreshToken)).status).toBe(200);
  });

  it('lets only one of two concurrent refreshes with the same token win', async () => {
    const tokens = await client.register(freshPhone());
    const results = await Promise.all([client.refresh(tokens.refreshToken), client.refresh(tokens.refreshToken)]);
    const statuses = results.map((result) => result.status).sort();
    expect(statuses).toEqual([200, 400]);
    // The loser was treated as reuse, so the winner's new token is revoked as well.
    const winner = results.find((result) => result.status === 200);
    expect((await client.refresh(winner?.body.refreshToken)).status).toBe(400);
  });

  it('expires refresh tokens after 30 days', async () => {
    const tokens = await client.register(freshPhone());
    clock.advance(30 * 86_400_000);
    const late = await client.refresh(tokens.refreshToken);
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('token.invalid_grant');
  });

  it('follows OAuth conventions for the grant type and validates the body', async () => {
    const unsupported = await client.post('/api/token', { grant_type: 'password', refresh_token: 'x' });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error.code).toBe('token.unsupported_grant_type');
    const unknown = await client.refresh('rt_unknown');
    expect(unknown.body.error.code).toBe('token.invalid_grant');
    const missing = await client.post('/api/token', { grant_type: 'refresh_token' });
    expect(missing.body.error.code).toBe('request.invalid');
  });

  it('signs out with /api/token/revoke, which ends the token family', async () => {
    const tokens = await client.register(freshPhone());
    const rotated = await client.refresh(tokens.refreshToken);
    const revoked = await client.post('/api/token/revoke', { token: rotated.body.refreshToken });
    expect(revoked.status).toBe(204);
    expect((await client.refresh(rotated.body.refreshToken)).body.error.code).toBe('token.invalid_grant');
    expect((await client.post('/api/token/revoke', { token: 'rt_unknown' })).status).toBe(204);
  });
});
