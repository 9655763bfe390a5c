import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../src/clock.ts';
import { createSqlRateLimiter, type LimitRule, type RateLimiter } from '../src/services/limits/rate-limiter.ts';
import { createRedisRateLimiter } from '../src/services/limits/redis-rate-limiter.ts';
import { type AlertRecord, createAlertSender, type ProtectionAlert } from '../src/services/protection/alert-sender.ts';
import { migrate, openStorage, type Storage } from '../src/storage/database.ts';
import { describeEachEngine, redisUrl } from './engines.ts';

// Protection alerts POSTed to a real local receiver that checks every Standard Webhooks signature
// with the library a customer would use; episodes deduped by the real limiters (SQL on both
// engines, Redis), including two senders sharing one store as two instances would.

const secret = `whsec_${randomBytes(24).toString('base64')}`;

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
}

/** A webhook receiver: answers 204, 500 or never; a request whose signature does not verify is kept in `bad`. */
async function startReceiver() {
  const state = { mode: 'ok' as 'ok' | 'fail' | 'hang', received: [] as Received[], bad: [] as string[] };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
      try {
        const payload = new Webhook(secret).verify(raw, headers) as Received['payload'];
        state.received.push({ headers: request.headers, body: raw.toString('utf8'), payload });
      } catch (error) {
        state.bad.push(String(error));
        response.writeHead(400).end();
        return;
      }
      if (state.mode === 'hang') return;
      response.writeHead(state.mode === 'ok' ? 204 : 500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/passline`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

interface SenderOptions {
  limiter: RateLimiter;
  clock: Clock;
  url?: string | null;
  secret?: string | undefined;
  episodeMs?: number;
  timeoutMs?: number;
}

/** A sender whose records and log lines the test reads. */
function sender(options: SenderOptions) {
  const records: AlertRecord[] = [];
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const alerts = createAlertSender({
    webhookUrl: async () => options.url ?? null,
    secret: 'secret' in options ? options.secret : secret,
    limiter: options.limiter,
    record: async (record) => void records.push(record),
    clock: options.clock,
    logger,
    episodeMs: options.episodeMs,
    timeoutMs: options.timeoutMs,
  });
  return { alerts, records, lines };
}

let unique = 0;
/** A subject no other test shares, so tests never share an episode bucket. */
const subject = (base: string) => `${base}-${++unique}`;
const rangeAlert = (overrides: Partial<ProtectionAlert> = {}): ProtectionAlert => ({
  kind: 'guard.range',
  subject: subject('+447012345***'),
  details: { sent: 40, approved: 2, country: 'GB' },
  ...overrides,
});

interface LimiterWorld {
  /** Two limiters on one store: what two instances see. */
  limiters: [RateLimiter, RateLimiter];
  clock: Clock;
  episodeMs: number;
  /** Moves past the current episode (the limiter's clock, or real time for Redis). */
  nextEpisode(): Promise<void>;
  close(): Promise<void>;
}

function alertSuite(open: () => Promise<LimiterWorld>) {
  let world: LimiterWorld;
  let receiver: Receiver;
  beforeAll(async () => {
    world = await open();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await world?.close();
  });
  beforeEach(() => {
    receiver.state.mode = 'ok';
    receiver.state.received = [];
  });
  afterEach(() => expect(receiver.state.bad).toEqual([]));

  const make = (overrides: Partial<SenderOptions> = {}) =>
    sender({
      limiter: world.limiters[0],
      clock: world.clock,
      url: receiver.url,
      episodeMs: world.episodeMs,
      ...overrides,
    });

  it('POSTs a signed alert once per episode however often it is raised', async () => {
    const { alerts, records } = make();
    const alert = rangeAlert();
    const other = rangeAlert();
    for (let index = 0; index < 5; index++) alerts.alert(alert);
    alerts.alert(other);
    await alerts.idle();

    expect(receiver.state.received.map((request) => request.payload.data.subject).sort()).toEqual(
      [alert.subject, other.subject].sort(),
    );
    const first = receiver.state.received.find((request) => request.payload.data.subject === alert.subject);
    expect(first?.payload).toEqual({
      type: 'protection.guard.range',
      timestamp: new Date(records.find((record) => record.subject === alert.subject)?.createdAt ?? 0).toISOString(),
      data: { subject: alert.subject, sent: 40, approved: 2, country: 'GB' },
    });
    expect(first?.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'Passline' });
    expect(first?.headers['webhook-id']).toMatch(/^msg_/);
    expect(new Set(receiver.state.received.map((request) => request.headers['webhook-id'])).size).toBe(2);
    expect(records).toHaveLength(2);
    expect(records.every((record) => record.delivered && record.error === null)).toBe(true);
  });

  it('POSTs once when two instances sharing one store raise the same alert', async () => {
    const one = make();
    const two = make({ limiter: world.limiters[1] });
    const alert: ProtectionAlert = {
      kind: 'budget.country',
      subject: subject('GB'),
      details: { used: 500, limit: 500 },
    };
    for (let index = 0; index < 4; index++) {
      one.alerts.alert(alert);
      two.alerts.alert(alert);
    }
    await Promise.all([one.alerts.idle(), two.alerts.idle()]);
    expect(receiver.state.received).toHaveLength(1);
    expect([...one.records, ...two.records]).toHaveLength(1);
  });

  it('alerts again in the next episode', async () => {
    const { alerts, records } = make();
    const alert: ProtectionAlert = { kind: 'budget.global', subject: subject('hour'), details: { used: 2000 } };
    alerts.alert(alert);
    await alerts.idle();
    alerts.alert(alert);
    await alerts.idle();
    expect(receiver.state.received).toHaveLength(1);
    await world.nextEpisode();
    alerts.alert(alert);
    alerts.alert(alert);
    await alerts.idle();
    expect(receiver.state.received).toHaveLength(2);
    expect(records.map((record) => record.delivered)).toEqual([true, true]);
  });

  it('records a receiver error as not delivered', async () => {
    receiver.state.mode = 'fail';
    const { alerts, records, lines } = make();
    alerts.alert(rangeAlert({ kind: 'guard.ip', subject: subject('203.0.113.7') }));
    await alerts.idle();
    expect(receiver.state.received).toHaveLength(1);
    expect(records).toMatchObject([{ kind: 'guard.ip', delivered: false, error: 'HTTP 500' }]);
    expect(lines.join('')).toContain('Protection alert not delivered');
  });

  it('gives up on a receiver that never answers without making the caller wait', async () => {
    receiver.state.mode = 'hang';
    const { alerts, records } = make({ timeoutMs: 300 });
    const started = performance.now();
    alerts.alert(rangeAlert());
    const returnedAfter = performance.now() - started;
    expect(returnedAfter).toBeLessThan(20);
    expect(records).toEqual([]);
    await alerts.idle();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(receiver.state.received).toHaveLength(1);
    expect(records).toMatchObject([{ delivered: false, error: 'timed out after 300 ms' }]);
  });

  it('records the alert without a webhook URL and POSTs nothing', async () => {
    const { alerts, records } = make({ url: null });
    const alert = rangeAlert({ kind: 'guard.country', subject: subject('NG') });
    alerts.alert(alert);
    alerts.alert(alert);
    await alerts.idle();
    expect(receiver.state.received).toEqual([]);
    expect(records).toMatchObject([
      { kind: 'guard.country', subject: alert.subject, delivered: false, error: 'no webhook URL' },
    ]);
  });

  it('never POSTs unsigned: without a secret the alert is recorded as not delivered and a warning logged', async () => {
    const { alerts, records, lines } = make({ secret: undefined });
    alerts.alert(rangeAlert());
    await alerts.idle();
    expect(receiver.state.received).toEqual([]);
    expect(records).toMatchObject([
      { delivered: false, error: expect.stringContaining('PASSLINE_ALERT_WEBHOOK_SECRET') },
    ]);
    expect(lines.some((line) => line.includes('"level":40') && line.includes('PASSLINE_ALERT_WEBHOOK_SECRET'))).toBe(
      true,
    );
  });

  it('signs a body with no full phone number in it for a masked range', async () => {
    const { alerts } = make();
    alerts.alert({
      kind: 'guard.range',
      subject: `+4470123${++unique % 10}***`,
      details: { sent: 25, approved: 0, rate: 0, country: 'GB', blockedUntil: '2026-12-03T14:00:00.000Z' },
    });
    await alerts.idle();
    expect(receiver.state.received).toHaveLength(1);
    expect(receiver.state.received[0]?.body).not.toMatch(/\d{9,}/);
  });
}

describeEachEngine('protection alerts over the SQL limiter', (database) => {
  alertSuite(async () => {
    const { config, searchPath } = database();
    const options = searchPath ? { searchPath } : {};
    const first = openStorage(config.database, options);
    await migrate(first.db);
    // PostgreSQL: a second pool, as a second instance has; SQLite is one instance by design.
    const second: Storage = config.database.engine === 'postgres' ? openStorage(config.database, options) : first;
    // One minute keeps the signed timestamp within the receiver's five-minute tolerance.
    const episodeMs = 60_000;
    let now = Date.now();
    const clock: Clock = { now: () => now };
    return {
      limiters: [createSqlRateLimiter({ db: first.db, clock }), createSqlRateLimiter({ db: second.db, clock })],
      clock,
      episodeMs,
      nextEpisode: async () => {
        now += episodeMs;
      },
      close: async () => {
        if (second !== first) await second.close();
        await first.close();
      },
    };
  });
});

describe.skipIf(!redisUrl)(
  redisUrl
    ? 'protection alerts over the Redis limiter [redis]'
    : 'protection alerts over the Redis limiter [redis] (skipped: set PASSLINE_TEST_REDIS_URL to run it)',
  () => {
    alertSuite(async () => {
      const prefix = `passline:test-alerts:${randomBytes(6).toString('hex')}:`;
      const clients = [new Redis(redisUrl as string), new Redis(redisUrl as string)] as const;
      // Redis expires buckets in real time, so episodes are short here.
      const episodeMs = 400;
      return {
        limiters: [
          createRedisRateLimiter({ redis: clients[0], prefix }),
          createRedisRateLimiter({ redis: clients[1], prefix }),
        ],
        clock: { now: () => Date.now() },
        episodeMs,
        nextEpisode: () => new Promise((resolve) => setTimeout(resolve, episodeMs + 50)),
        close: async () => {
          const keys = await clients[0].keys(`${prefix}*`);
          if (keys.length) await clients[0].del(...keys);
          await Promise.all(clients.map((client) => client.quit()));
        },
      };
    });
  },
);

describe('protection alerts: failures around the POST', () => {
  const clock: Clock = { now: () => Date.now() };
  let dir: string;
  let storage: Storage;
  /** A real limiter on a private SQLite file; tests wrap its `consume` to watch or break it. */
  let allow: RateLimiter;
  let receiver: Receiver;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passline-alerts-'));
    storage = openStorage({ engine: 'sqlite', file: join(dir, 'passline.db') });
    await migrate(storage.db);
    allow = createSqlRateLimiter({ db: storage.db, clock });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    receiver.state.received = [];
    receiver.state.bad = [];
  });

  it('asks the limiter for one hit per (kind, subject) per hour by default', async () => {
    const rules: LimitRule[][] = [];
    const watched: RateLimiter = {
      ...allow,
      consume: (given) => {
        rules.push([...given]);
        return allow.consume(given);
      },
    };
    const { alerts } = sender({ limiter: watched, clock });
    alerts.alert({ kind: 'guard.ip', subject: '198.51.100.4', details: {} });
    await alerts.idle();
    expect(rules).toEqual([
      [{ key: 'alert:guard.ip:198.51.100.4', limit: 1, windowMs: 3_600_000, code: 'rate_limit.global' }],
    ]);
  });

  it('skips the alert and logs when the limiter fails, without throwing to the caller', async () => {
    const failing: RateLimiter = {
      ...allow,
      consume: () => {
        throw new Error('database is down');
      },
    };
    const { alerts, records, lines } = sender({ limiter: failing, clock, url: receiver.url });
    expect(() => alerts.alert(rangeAlert())).not.toThrow();
    await alerts.idle();
    expect(receiver.state.received).toEqual([]);
    expect(records).toEqual([]);
    expect(lines.join('')).toContain('its episode could not be checked');
  });

  it('records a network error with its cause', async () => {
    const closed = await startReceiver();
    await closed.close();
    const { alerts, records } = sender({ limiter: allow, clock, url: closed.url });
    alerts.alert(rangeAlert());
    await alerts.idle();
    expect(records).toMatchObject([{ delivered: false, error: expect.stringMatching(/ECONNREFUSED/) }]);
  });

  it('refuses a malformed secret at start and on each alert', async () => {
    const { alerts, records, lines } = sender({ limiter: allow, clock, url: receiver.url, secret: 'whsec_!!!' });
    expect(lines.join('')).toContain('not a valid Standard Webhooks secret');
    alerts.alert(rangeAlert());
    await alerts.idle();
    expect(receiver.state.received).toEqual([]);
    expect(records).toMatchObject([{ delivered: false, error: expect.stringContaining('not a valid') }]);
  });

  it('has a receiver that catches a wrong signature', async () => {
    const { alerts, records } = sender({
      limiter: allow,
      clock,
      url: receiver.url,
      secret: `whsec_${randomBytes(24).toString('base64')}`,
    });
    alerts.alert(rangeAlert());
    await alerts.idle();
    expect(receiver.state.bad).toEqual([expect.stringContaining('No matching signature')]);
    expect(records).toMatchObject([{ delivered: false, error: 'HTTP 400' }]);
  });
});
