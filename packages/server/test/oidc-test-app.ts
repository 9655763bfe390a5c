import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../src/clock.ts';
import { startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { testConfig } from './engines.ts';
import { type CodeReader, codeReader } from './experience-helpers.ts';

/** A port nobody uses, so that a URL (an issuer, a redirect URI) can name it before anything listens. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Passline for the OpenID Connect browser tests: SQLite in a fresh folder, dev-sms, listening on
 * 127.0.0.1 at a port its issuer (PASSLINE_PUBLIC_URL) names, so browsers and openid-client use one
 * origin for cookies and URLs.
 */
export async function startOidcPassline(
  clock: Clock,
): Promise<{ passline: TestPassline; reader: CodeReader; issuer: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'passline-oidc-'));
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const passline = await startTestPassline(
    {
      engine: 'sqlite',
      config: { ...testConfig({ engine: 'sqlite', file: join(dir, 'passline.db') }, dir), publicUrl: issuer },
    },
    { clock },
  );
  await useDevSms(passline);
  await passline.app.listen({ port, host: '127.0.0.1' });
  return {
    passline,
    reader: codeReader(passline),
    issuer,
    async close() {
      await passline.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
