import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { redisUrl, testConfig } from './engines.ts';

// With PASSLINE_REDIS_URL set, Redis holds the rate limits: while it is down or stops answering,
// sends must answer 503 service.unavailable at once (not a 500, not a hang), and /api/health must
// say which dependency is missing.

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A Passline on its own SQLite file, with its rate limits in the Redis at `url`. */
async function passlineWithRedis(url: string): Promise<TestPassline> {
  const dir = mkdtempSync(join(tmpdir(), 'passline-redis-outage-'));
  folders.push(dir);
  const database = {
    engine: 'sqlite' as const,
    config: testConfig({ engine: 'sqlite', file: join(dir, 'p.db') }, dir),
  };
  return startTestPassline(database, { config: { redisUrl: url } });
}

/** A local port that nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const send = (passline: TestPassline, to: string) =>
  passline.request('POST', '/api/verifications', { body: { to, usage: 'SignIn' }, key: passline.verifyKey });

describe('Redis unreachable', () => {
  let passline: TestPassline | undefined;
  afterEach(async () => {
    await passline?.close();
    passline = undefined;
  });

  it('answers sends with 503 service.unavailable and a Retry-After, and health with 503 naming redis', async () => {
    passline = await passlineWithRedis(`redis://127.0.0.1:${await closedPort()}`);
    await useDevSms(passline);

    const refused = await send(passline, '+12015550180');
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('service.unavailable');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Nothing was sent without its limits.
    expect((await passline.request('GET', '/api/dev/outbox?to=%2B12015550180')).body).toEqual([]);

    const health = await passline.request('GET', '/api/health', { key: null });
    expect(health.status).toBe(503);
    expect(health.body).toEqual({
      status: 'unavailable',
      database: 'sqlite',
      checks: { database: 'ok', redis: 'unavailable' },
    });
    expect(passline.logs()).toContain('Redis is unreachable');
    expect(passline.logs()).not.toContain('+12015550180');
  });
});

/**
 * A TCP relay to the test Redis that can stop passing bytes on: a Redis that accepts the
 * connection but no longer answers (overloaded, a network partition), the case a command timeout
 * is for.
 */
async function freezableRelay(target: string) {
  const { hostname, port } = new URL(target);
  let frozen = false;
  const held: Array<() => void> = [];
  const sockets = new Set<net.Socket>();
  const forward = (from: net.Socket, to: net.Socket) =>
    from.on('data', (chunk) => (frozen ? held.push(() => to.write(chunk)) : to.write(chunk)));
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port || 6379), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    freeze() {
      frozen = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      held.length = 0;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.skipIf(!redisUrl)(
  redisUrl
    ? 'Redis reachable, then not answering [redis]'
    : 'Redis reachable, then not answering [redis] (skipped: set PASSLINE_TEST_REDIS_URL to run it)',
  () => {
    it('reports redis in health while it answers', async () => {
      const passline = await passlineWithRedis(redisUrl as string);
      try {
        const health = await passline.request('GET', '/api/health', { key: null });
        expect(health.status).toBe(200);
        expect(health.body).toEqual({ status: 'ok', database: 'sqlite', checks: { database: 'ok', redis: 'ok' } });
      } finally {
        await passline.close();
      }
    });

    // The timeout only guards against a hang: without a command timeout the send would wait forever.
    it('answers 503 instead of waiting when Redis stops answering', { timeout: 20_000 }, async () => {
      const relay = await freezableRelay(redisUrl as string);
      const passline = await passlineWithRedis(relay.url);
      const to = `+1203555${String(Date.now()).slice(-4)}`;
      try {
        await useDevSms(passline);
        expect((await send(passline, to)).status).toBe(201);
        expect((await passline.request('GET', '/api/health', { key: null })).status).toBe(200);

        relay.freeze();
        const [refused, health] = await Promise.all([
          send(passline, to),
          passline.request('GET', '/api/health', { key: null }),
        ]);
        expect(refused.status).toBe(503);
        expect(refused.body.error.code).toBe('service.unavailable');
        expect(refused.headers['retry-after']).toBeDefined();
        expect(health.status).toBe(503);
        expect(health.body.checks).toEqual({ database: 'ok', redis: 'unavailable' });
      } finally {
        // quit() would wait for the frozen connection; the relay closes it.
        await relay.close();
        await passline.close();
        const redis = new Redis(redisUrl as string);
        const keys = await redis.keys(`passline:rl:*${to}*`);
        if (keys.length) await redis.del(...keys);
        await redis.quit();
      }
    });
  },
);
