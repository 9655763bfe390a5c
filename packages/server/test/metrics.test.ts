import { afterAll, beforeAll, expect, it } from 'vitest';
import { phoneSequence, startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { type Exposition, parseExposition } from './metrics-text.ts';

// GET /metrics behind PASSLINE_METRICS_TOKEN: Prometheus text that a strict parser accepts, whose
// counters follow the traffic (a send through dev-sms, a wrong and a right code, a refusal), and
// in which no phone number or code ever appears.

const token = 'metrics-token-0123456789abcdef';

describeEachEngine('metrics: GET /metrics on the main port', (database) => {
  let passline: TestPassline;
  let devSms: Awaited<ReturnType<typeof useDevSms>>;
  const freshPhone = phoneSequence('312');

  const scrape = async (): Promise<{ text: string; metrics: Exposition }> => {
    const response = await passline.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return { text: response.body, metrics: parseExposition(response.body) };
  };
  const send = (to: string) =>
    passline.request('POST', '/api/verifications', { body: { to, usage: 'SignIn' }, key: passline.verifyKey });
  const check = (id: string, code: string) =>
    passline.request('POST', `/api/verifications/${id}/check`, { body: { code }, key: passline.verifyKey });

  beforeAll(async () => {
    passline = await startTestPassline(database(), {
      config: { metrics: { token, host: '127.0.0.1' } },
    });
    devSms = await useDevSms(passline);
  });
  afterAll(() => passline.close());

  it('asks for the token: 401 without it or with a wrong one, never the metrics', async () => {
    const missing = await passline.request('GET', '/metrics', { key: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('auth.missing_credentials');
    const wrong = await passline.request('GET', '/metrics', { key: `${token}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('auth.invalid_credentials');
    // An admin API key is not the metrics token either.
    expect((await passline.request('GET', '/metrics')).status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('passline_');
  });

  it('counts sends, wrong and right codes and refusals, by outcome, usage, country and connector', async () => {
    const before = (await scrape()).metrics;
    const phone = freshPhone();
    const sent = await send(phone);
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const code = await devSms.latestCode(phone);
    const wrongCode = code === '000000' ? '111111' : '000000';
    expect((await check(sent.body.id, wrongCode)).status).toBe(400);
    expect((await check(sent.body.id, code)).status).toBe(200);
    // The same number at once again: the resend cooldown refuses it before any provider is called.
    const refused = await send(phone);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limit.resend_cooldown');

    const { text, metrics } = await scrape();
    const delta = (name: string, labels?: Record<string, string>) =>
      metrics.value(name, labels) - before.value(name, labels);
    const sentLabels = { usage: 'SignIn', country: 'US', connector: devSms.connectorId };
    expect(delta('passline_verifications_sent_total', { ...sentLabels, outcome: 'sent' })).toBe(1);
    expect(
      delta('passline_verifications_sent_total', {
        outcome: 'refused',
        usage: 'SignIn',
        country: 'US',
        connector: 'none',
      }),
    ).toBe(1);
    expect(delta('passline_verification_refusals_total', { reason: 'rate_limit.resend_cooldown' })).toBe(1);
    expect(delta('passline_verification_checks_total', { outcome: 'wrong_code' })).toBe(1);
    expect(delta('passline_verification_checks_total', { outcome: 'approved' })).toBe(1);
    // Conversion since start: every send of this suite so far was approved once.
    const sentTotal = metrics.value('passline_verifications_sent_total', { outcome: 'sent' });
    const approved = metrics.value('passline_verification_checks_total', { outcome: 'approved' });
    expect(metrics.value('passline_verification_conversion_ratio')).toBeCloseTo(approved / sentTotal);

    // The provider call, timed per connector and factory.
    const provider = { connector: devSms.connectorId, factory: 'dev-sms', outcome: 'sent' };
    expect(delta('passline_provider_request_duration_seconds_count', provider)).toBe(1);
    expect(metrics.has('passline_provider_request_duration_seconds_bucket', { ...provider, le: '+Inf' })).toBe(true);
    expect(metrics.types.get('passline_provider_request_duration_seconds')).toBe('histogram');

    // HTTP durations by route pattern (never the raw URL with its id), method and status class.
    const http = 'passline_http_request_duration_seconds_count';
    expect(delta(http, { route: '/api/verifications', method: 'POST', status_class: '2xx' })).toBe(1);
    expect(delta(http, { route: '/api/verifications', method: 'POST', status_class: '4xx' })).toBe(1);
    expect(delta(http, { route: '/api/verifications/:id/check', method: 'POST', status_class: '4xx' })).toBe(1);
    expect(delta(http, { route: '/api/verifications/:id/check', method: 'POST', status_class: '2xx' })).toBe(1);
    expect(text).not.toContain(sent.body.id);

    // Process and event-loop metrics, with Passline's prefix.
    expect(metrics.has('passline_process_cpu_user_seconds_total')).toBe(true);
    expect(metrics.has('passline_nodejs_eventloop_lag_seconds')).toBe(true);
    expect(metrics.has('passline_nodejs_heap_size_used_bytes')).toBe(true);

    // Nothing personal in the output: not the number (nor its digits), not the code.
    expect(text).not.toContain(phone);
    expect(text).not.toContain(phone.slice(1));
    expect(text).not.toMatch(new RegExp(`"${code}"`));
  });

  it('counts protection refusals by reason, and budget use', async () => {
    const patch = await passline.request('PATCH', '/api/settings/protection', { body: { blockedCountries: ['GB'] } });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    const refused = await send('+447400123456');
    expect(refused.body.error.code).toBe('fraud.country_blocked');
    expect((await send(freshPhone())).status).toBe(201);
    await passline.request('PATCH', '/api/settings/protection', { body: { blockedCountries: [] } });

    const { text, metrics } = await scrape();
    expect(
      metrics.value('passline_protection_refusals_total', { reason: 'fraud.country_blocked', enforced: 'true' }),
    ).toBe(1);
    expect(metrics.value('passline_verification_refusals_total', { reason: 'fraud.country_blocked' })).toBe(1);
    expect(metrics.value('passline_verifications_sent_total', { outcome: 'refused', country: 'GB' })).toBe(1);
    // Each counted send leaves the share of the budgets it used (one send: far below 1).
    const hourly = metrics.value('passline_protection_budget_used_ratio', { budget: 'global_hour', country: 'all' });
    expect(hourly).toBeGreaterThan(0);
    expect(hourly).toBeLessThan(1);
    expect(metrics.has('passline_protection_budget_used_ratio', { budget: 'country', country: 'US' })).toBe(true);
    expect(text).not.toContain('447400123456');
  });

  it('labels an unmatched path as one route, whatever the URL', async () => {
    expect((await passline.request('GET', '/api/no-such-route/+13125550100?to=+13125550100')).status).toBe(404);
    const { text, metrics } = await scrape();
    expect(
      metrics.value('passline_http_request_duration_seconds_count', { route: 'unmatched', status_class: '4xx' }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('no-such-route');
    expect(text).not.toContain('3125550100');
  });
});

describeEachEngine('metrics: off without a token or a port', (database) => {
  let passline: TestPassline;
  beforeAll(async () => {
    passline = await startTestPassline(database());
  });
  afterAll(() => passline.close());

  it('answers 404 at /metrics, with or without a token', async () => {
    const response = await passline.request('GET', '/metrics', { key: token });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('route.not_found');
    expect((await passline.request('GET', '/metrics', { key: null })).status).toBe(404);
  });
});
