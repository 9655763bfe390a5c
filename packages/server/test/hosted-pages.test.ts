import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

describeEachEngine('hosted sign-in pages (HTTP)', (database) => {
  let passline: TestPassline;

  beforeAll(async () => {
    passline = await startTestPassline(database());
  });
  afterAll(() => passline.close());

  for (const [path, flow] of [
    ['/sign-in', 'sign-in'],
    ['/register', 'register'],
    ['/forgot-password', 'forgot-password'],
    ['/account', 'account'],
  ] as const) {
    it(`serves ${path} with its flow, the code field attributes and strict headers`, async () => {
      const page = await passline.request('GET', path, { key: null });
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['cache-control']).toBe('no-store');
      const html = page.body as string;
      expect(html).toContain(`data-flow="${flow}"`);
      expect(html).toMatch(/<input id="code"[^>]*inputmode="numeric"[^>]*autocomplete="one-time-code"/);
      expect(html).toContain('<label for="phone">');
      expect(html).toContain('<label for="country">');
      expect(html.match(/<option value="[A-Z]{2}" data-dial="\d+">/g)?.length).toBeGreaterThan(200);
      expect(html).toContain('<option value="US" data-dial="1">United States (+1)</option>');
      expect(html).not.toMatch(/\{\{\w+\}\}/);
    });
  }

  it('renders the settings the script needs into the page', async () => {
    await passline.request('PATCH', '/api/settings/sign-in-experience', { body: { signUp: false } });
    await passline.request('PATCH', '/api/settings/verification', {
      body: { resendCooldownSeconds: 30, codeLength: 8 },
    });
    const html = (await passline.request('GET', '/register', { key: null })).body as string;
    expect(html).toContain('data-sign-up="false"');
    expect(html).toContain('data-password="true"');
    expect(html).toContain('data-resend-cooldown="30"');
    expect(html).toContain('data-code-length="8"');
  });

  it('serves the script and the style sheet, and nothing else under /hosted', async () => {
    const script = await passline.request('GET', '/hosted/app.js', { key: null });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain('/api/experience/verification-code');
    const style = await passline.request('GET', '/hosted/style.css', { key: null });
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    const missing = await passline.request('GET', '/hosted/../main.ts', { key: null });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('route.not_found');
  });
});
