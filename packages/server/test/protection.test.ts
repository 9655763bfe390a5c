import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';

// Protection's layers through the Verification API, on both engines: the number-type and country
// policy, the range, country and deployment budgets, record-only mode, always-allow exceptions, the
// conversion guard, and what is recorded about each refusal. Every refusal must come before the
// provider: the dev outbox (the provider) must not see a refused number.

describeEachEngine('protection', (database) => {
  let passline: TestPassline;
  let ip = 0;
  /** A fresh client IP per send, so per-IP limits stay out of the way. */
  const nextIp = () => `198.51.100.${(ip++ % 250) + 1}`;

  const send = (to: string, clientIp: string | undefined = nextIp()) =>
    passline.request('POST', '/api/verifications', {
      body: { to, usage: 'SignIn', ...(clientIp ? { ip: clientIp } : {}) },
      key: passline.verifyKey,
    });
  const protect = async (patch: Record<string, unknown>) => {
    const response = await passline.request('PATCH', '/api/settings/protection', { body: patch });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };
  const outboxFor = async (to: string) =>
    (await passline.request('GET', `/api/dev/outbox?to=${encodeURIComponent(to)}`)).body as unknown[];

  beforeAll(async () => {
    passline = await startTestPassline(database(), { cacheMs: 0 });
    await useDevSms(passline);
    await passline.request('PATCH', '/api/settings/verification', { body: { resendCooldownSeconds: 0 } });
  });
  afterAll(() => passline.close());
  beforeEach(async () => {
    // Each test starts from the defaults, with fresh buckets (the tallies of the last test written first).
    await passline.protection.flushTallies();
    await passline.storage.db.deleteFrom('settings').where('key', '=', 'protection').execute();
    await passline.storage.db.deleteFrom('rate_limit_buckets').execute();
    await passline.storage.db.deleteFrom('protection_blocks').execute();
    await passline.storage.db.deleteFrom('protection_events').execute();
    await passline.storage.db.deleteFrom('messages').execute();
    await passline.storage.db.deleteFrom('protection_alerts').execute();
  });

  it('refuses premium-rate, personal and satellite numbers by default, before the provider, and records each', async () => {
    for (const to of ['+19005550123', '+447012345678', '+870773123456']) {
      const refused = await send(to);
      expect(refused.status, to).toBe(403);
      expect(refused.body.error.code).toBe('fraud.number_type_blocked');
      expect(await outboxFor(to)).toEqual([]);
    }
    const accepted = await send('+447400123456');
    expect(accepted.status).toBe(201);
    expect(await outboxFor('+447400123456')).toHaveLength(1);

    const events = await passline.request('GET', '/api/protection/events');
    expect(events.status).toBe(200);
    expect(events.body.items.map((event: { reason: string }) => event.reason)).toEqual([
      'fraud.number_type_blocked',
      'fraud.number_type_blocked',
      'fraud.number_type_blocked',
    ]);
    expect(events.body.items.map((event: { range: string }) => event.range)).toEqual([
      '+870773123***',
      '+447012345***',
      '+19005550***',
    ]);
    expect(events.body.items[0]).toMatchObject({ enforced: true, country: null, source: expect.any(String) });
    // No full number anywhere in what the API answers about refusals.
    expect(JSON.stringify(events.body)).not.toMatch(/19005550123|447012345678|870773123456/);

    await protect({ allowedNumberTypes: ['MOBILE', 'FIXED_LINE_OR_MOBILE', 'UNKNOWN', 'PREMIUM_RATE'] });
    expect((await send('+19005550124')).status).toBe(201);
  });

  it('keeps codes inside the allowed countries and out of the blocked ones', async () => {
    await protect({ allowedCountries: ['US', 'DE'] });
    const refused = await send('+447400123457');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('fraud.country_blocked');
    expect((await send('+4915123456789')).status).toBe(201);

    await protect({ allowedCountries: null, blockedCountries: ['DE'] });
    expect((await send('+4915123456780')).body.error.code).toBe('fraud.country_blocked');
    expect((await send('+447400123457')).status).toBe(201);

    const both = await passline.request('PATCH', '/api/settings/protection', {
      body: { allowedCountries: ['DE'], blockedCountries: ['DE'] },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('settings.invalid');
  });

  it('spends the range, country and deployment budgets with a Retry-After, all or nothing', async () => {
    await protect({ prefixHourlyLimit: 3 });
    for (const last of ['01', '02', '03']) expect((await send(`+44740012${last}00`)).status).toBe(201);
    const overRange = await send('+447400120400');
    expect(overRange.status).toBe(429);
    expect(overRange.body.error.code).toBe('rate_limit.prefix');
    expect(Number(overRange.headers['retry-after'])).toBeGreaterThan(3000);
    expect(await outboxFor('+447400120400')).toEqual([]);
    // Another range of the same country still gets codes.
    expect((await send('+447400130100')).status).toBe(201);

    await protect({ countryHourlyLimitOverrides: { GB: 4 } });
    expect((await send('+447400140100')).body.error.code).toBe('rate_limit.country');
    expect((await send('+4915123456781')).status).toBe(201);

    await protect({ globalHourlyLimit: 6 });
    expect((await send('+33612345678')).status).toBe(201);
    const overAll = await send('+33612345679');
    expect(overAll.body.error.code).toBe('rate_limit.global');
    expect(overAll.status).toBe(429);

    // A spent deployment budget raises an alert once per episode; without a webhook it is only listed.
    await passline.protection.alerts.idle();
    const { alerts } = (await passline.request('GET', '/api/protection/summary')).body;
    expect(alerts).toEqual([
      expect.objectContaining({ kind: 'budget.global', subject: 'hour', delivered: false }),
      expect.objectContaining({ kind: 'budget.country', subject: 'GB', delivered: false }),
    ]);

    // Refused sends were not counted: raising the deployment budget by one lets exactly one more through.
    await protect({ globalHourlyLimit: 7 });
    expect((await send('+33612345670')).status).toBe(201);
    expect((await send('+33612345671')).body.error.code).toBe('rate_limit.global');
  });

  it('records but refuses nothing in record-only mode; per-number limits still apply', async () => {
    await protect({ mode: 'record_only', blockedCountries: ['GB'], prefixHourlyLimit: 1, guardMinSends: 2 });
    expect((await send('+447400150100')).status).toBe(201);
    expect((await send('+447400150101')).status).toBe(201);
    // The guard still counts what went ahead, over budget or not, and blocks (which only record).
    await passline.protection.flushTallies();
    const blocks = (await passline.request('GET', '/api/protection/blocks')).body;
    expect(blocks).toEqual([expect.objectContaining({ value: '+447400150***', sent: 2 })]);
    const events = (await passline.request('GET', '/api/protection/events')).body.items;
    const decisions = events.map((event: { reason: string; enforced: boolean }) => `${event.reason} ${event.enforced}`);
    expect(decisions.sort()).toEqual([
      'fraud.country_blocked false',
      'fraud.country_blocked false',
      'rate_limit.prefix false',
    ]);
    await passline.request('PATCH', '/api/settings/verification', { body: { phoneHourlyLimit: 1 } });
    try {
      const clientIp = nextIp();
      expect((await send('+447400150102', clientIp)).status).toBe(201);
      expect((await send('+447400150102', clientIp)).body.error.code).toBe('rate_limit.phone');
    } finally {
      await passline.request('PATCH', '/api/settings/verification', { body: { phoneHourlyLimit: 5 } });
    }
  });

  it('lets always-allowed IPs, countries and number prefixes past every protection check', async () => {
    await protect({
      blockedCountries: ['FR'],
      prefixHourlyLimit: 1,
      alwaysAllowNumberPrefixes: ['+1900555'],
      alwaysAllowIpRanges: ['203.0.113.0/24', '2001:db8::/32'],
      alwaysAllowCountries: ['NG'],
    });
    expect((await send('+19005550125')).status).toBe(201);
    expect((await send('+33612345600', '203.0.113.9')).status).toBe(201);
    expect((await send('+33612345601', '2001:db8::1')).status).toBe(201);
    expect((await send('+33612345602', '198.18.0.1')).body.error.code).toBe('fraud.country_blocked');
    expect((await send('+2348031234567')).status).toBe(201);
    expect((await send('+2348031234568')).status).toBe(201);

    const bad = await passline.request('PATCH', '/api/settings/protection', {
      body: { alwaysAllowIpRanges: ['203.0.113.0/33'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('alwaysAllowIpRanges');
  });

  it('blocks a range whose codes are never entered, shows the block, and lets an admin clear it', async () => {
    await protect({ guardMinSends: 4, guardMinRate: 0.5 });
    // Codes entered keep a range open: a busy range of real users is never blocked.
    for (let index = 0; index < 6; index += 1) {
      const to = `+4474001601${index}0`;
      const sent = await send(to);
      expect(sent.status).toBe(201);
      const code = ((await outboxFor(to))[0] as { text: string }).text.match(/\d{6}/)?.[0];
      const checked = await passline.request('POST', `/api/verifications/${sent.body.id}/check`, {
        body: { code },
        key: passline.verifyKey,
      });
      expect(checked.status).toBe(200);
      // The guard's tallies are written (and judged) once a second; here after every code.
      await passline.protection.flushTallies();
    }
    expect((await send('+447400160170')).status).toBe(201);

    // A pumped range: codes go out and nobody enters them.
    for (let index = 0; index < 4; index += 1) expect((await send(`+4474001701${index}0`)).status).toBe(201);
    await passline.protection.flushTallies();
    const refused = await send('+447400170150');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('fraud.low_conversion');
    expect(await outboxFor('+447400170150')).toEqual([]);

    const blocks = (await passline.request('GET', '/api/protection/blocks')).body;
    expect(blocks).toEqual([
      expect.objectContaining({ dimension: 'range', value: '+447400170***', sent: 4, approved: 0 }),
    ]);
    const cleared = await passline.request('DELETE', `/api/protection/blocks/${encodeURIComponent(blocks[0].key)}`);
    expect(cleared.status).toBe(204);
    expect(
      (await passline.request('DELETE', `/api/protection/blocks/${encodeURIComponent(blocks[0].key)}`)).status,
    ).toBe(404);
    expect((await send('+447400170160')).status).toBe(201);
  });

  it('pages and filters refusal events, and summarises the last 24 hours', async () => {
    await protect({ blockedCountries: ['DE'] });
    for (let index = 0; index < 3; index += 1) await send(`+491512345670${index}`);
    await send('+19005550126');
    const first = await passline.request('GET', '/api/protection/events?limit=2&reason=fraud.country_blocked');
    expect(first.body.items).toHaveLength(2);
    const second = await passline.request(
      'GET',
      `/api/protection/events?limit=2&reason=fraud.country_blocked&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    expect((await passline.request('GET', '/api/protection/events?country=US')).body.items).toHaveLength(1);
    expect((await passline.request('GET', '/api/protection/events?cursor=nonsense')).status).toBe(400);

    const summary = (await passline.request('GET', '/api/protection/summary')).body;
    expect(summary.hours).toHaveLength(24);
    const refusedNow = summary.hours.at(-1).refused;
    expect(refusedNow).toEqual({ 'fraud.country_blocked': 3, 'fraud.number_type_blocked': 1 });
    expect(summary.topCountries).toEqual(expect.arrayContaining([{ country: 'DE', sent: 0, refused: 3 }]));
    expect(summary.budgets.map((budget: { name: string }) => budget.name)).toEqual([
      'globalHourlyLimit',
      'globalDailyLimit',
    ]);
  });

  it('refuses bad protection settings with a clear error, and needs an admin', async () => {
    for (const body of [
      { mode: 'off' },
      { allowedCountries: ['gb'] },
      { prefixHourlyLimit: 0 },
      { unknownField: true },
      { challenge: 'turnstile', challengeSiteKey: 'site' },
      { alertWebhookUrl: 'https://alerts.example.com/hook' },
    ]) {
      const response = await passline.request('PATCH', '/api/settings/protection', { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(['request.invalid', 'settings.invalid']).toContain(response.body.error.code);
    }
    const unchanged = (await passline.request('GET', '/api/settings/protection')).body;
    expect(unchanged).toMatchObject({ mode: 'enforce', challenge: 'off', alertWebhookUrl: null });
    for (const url of ['/api/settings/protection', '/api/protection/events', '/api/protection/summary']) {
      expect((await passline.request('GET', url, { key: passline.verifyKey })).status).toBe(403);
      expect((await passline.request('GET', url, { key: null })).status).toBe(401);
    }
  });
});
