import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPassline, type TestPassline } from './app.ts';
import { describeEachEngine } from './engines.ts';

describeEachEngine('favicon', (database) => {
  let passline: TestPassline;
  beforeAll(async () => {
    passline = await startTestPassline(database());
  });
  afterAll(async () => {
    await passline?.close();
  });

  it('is an SVG anyone may load, and /favicon.ico leads to it', async () => {
    const icon = await passline.request('GET', '/favicon.svg', { key: null });
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.headers['x-content-type-options']).toBe('nosniff');
    expect(String(icon.body)).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(String(icon.body)).not.toMatch(/<script|href=/i);

    const classic = await passline.request('GET', '/favicon.ico', { key: null });
    expect(classic.status).toBe(302);
    expect(classic.headers.location).toBe('/favicon.svg');
  });

  it('is referenced from the hosted pages, whose policy allows it', async () => {
    for (const path of ['/sign-in', '/register', '/forgot-password']) {
      const page = await passline.request('GET', path, { key: null });
      expect(String(page.body), path).toContain('<link rel="icon" type="image/svg+xml" href="/favicon.svg">');
      expect(String(page.headers['content-security-policy'])).toContain("img-src 'self'");
    }
  });
});
