import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { register as globalRegistry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { type Passline, startPassline } from '../src/main.ts';
import { phoneSequence, startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { parseExposition } from './metrics-text.ts';

// Metrics across instances and ports: each Passline instance counts its own traffic in its own
// registry (several in one process never mix), and PASSLINE_METRICS_PORT serves /metrics on a
// port of its own, without auth, while the main port no longer has it.

describeEachEngine('metrics: two instances in one process', (database) => {
  const token = 'two-instances-token-0123456789';
  let first: TestPassline;
  let second: TestPassline;
  const freshPhone = phoneSequence('415');

  beforeAll(async () => {
    const metrics = { token, host: '127.0.0.1' };
    const shared = database();
    first = await startTestPassline(shared, { config: { metrics } });
    // PostgreSQL: both on one database, like a deployment. SQLite allows one instance per file.
    const secondDatabase =
      shared.engine === 'sqlite'
        ? { engine: 'sqlite' as const, file: join(shared.config.dataDir, 'second.db') }
        : undefined;
    second = await startTestPassline(shared, {
      config: secondDatabase ? { metrics, database: secondDatabase } : { metrics },
    });
    await useDevSms(first);
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });

  const scrape = async (passline: TestPassline) => {
    const response = await passline.request('GET', '/metrics', { key: token });
    expect(response.status).toBe(200);
    return parseExposition(response.body as string);
  };

  it('keeps a registry per instance: a send on one is not counted by the other', async () => {
    expect(first.metrics.registry).not.toBe(second.metrics.registry);
    const to = freshPhone();
    const sent = await first.request('POST', '/api/verifications', {
      body: { to, usage: 'Register' },
      key: first.verifyKey,
    });
    expect(sent.status).toBe(201);

    const [a, b] = [await scrape(first), await scrape(second)];
    expect(a.value('passline_verifications_sent_total', { outcome: 'sent', usage: 'Register' })).toBe(1);
    expect(b.value('passline_verifications_sent_total', { outcome: 'sent', usage: 'Register' })).toBe(0);
    expect(a.value('passline_http_request_duration_seconds_count', { route: '/api/verifications' })).toBe(1);
    expect(b.value('passline_http_request_duration_seconds_count', { route: '/api/verifications' })).toBe(0);
    // Both have the process metrics, each in its own registry; prom-client's global one stays empty.
    expect(a.has('passline_process_resident_memory_bytes') || a.has('passline_process_cpu_seconds_total')).toBe(true);
    expect(b.has('passline_process_cpu_seconds_total')).toBe(true);
    expect(await globalRegistry.getMetricsAsJSON()).toEqual([]);
  });
});

describeEachEngine('metrics: PASSLINE_METRICS_PORT', (database) => {
  let running: Passline | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('serves /metrics on its own port without auth, and the main port has no /metrics', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { config, searchPath } = database();
    running = await startPassline(
      { ...config, port: 0, metrics: { port: 0, host: '127.0.0.1' } },
      { logger: pino(sink), searchPath },
    );
    const address = running.metricsServer?.address();
    expect(address?.address).toBe('127.0.0.1');
    const port = address?.port ?? 0;
    expect(port).toBeGreaterThan(0);
    expect(lines.join('')).toContain(`Metrics: http://127.0.0.1:${port}/metrics`);

    expect((await running.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = parseExposition(await response.text());
    expect(metrics.value('passline_http_request_duration_seconds_count', { route: '/api/health' })).toBe(1);
    expect(metrics.has('passline_nodejs_eventloop_lag_seconds')).toBe(true);

    // Only /metrics there: the API is not reachable through the metrics port.
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(404);
    // And the main port has no /metrics at all.
    const main = await running.app.inject({ method: 'GET', url: '/metrics' });
    expect(main.statusCode).toBe(404);

    await running.close();
    running = undefined;
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});

describe('metrics: configuration', () => {
  const base = { PASSLINE_DATA_DIR: '/tmp/passline-metrics-config' };

  it('is off by default, and the metrics host defaults to 127.0.0.1', () => {
    const config = loadConfig(base);
    expect(config.metrics).toEqual({ token: undefined, port: undefined, host: '127.0.0.1' });
  });

  it('reads the token, or the port and host', () => {
    expect(loadConfig({ ...base, PASSLINE_METRICS_TOKEN: 'a'.repeat(32) }).metrics?.token).toBe('a'.repeat(32));
    const onPort = loadConfig({ ...base, PASSLINE_METRICS_PORT: '9464', PASSLINE_METRICS_HOST: '10.0.0.5' });
    expect(onPort.metrics).toEqual({ token: undefined, port: 9464, host: '10.0.0.5' });
  });

  it('refuses a short token, a bad port, and both a token and a port', () => {
    const problems = (environment: Record<string, string>) => {
      try {
        loadConfig({ ...base, ...environment });
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.join('\n');
        throw error;
      }
      return '';
    };
    expect(problems({ PASSLINE_METRICS_TOKEN: 'short' })).toMatch(/PASSLINE_METRICS_TOKEN: must be at least 16/);
    expect(problems({ PASSLINE_METRICS_PORT: '70000' })).toMatch(/PASSLINE_METRICS_PORT/);
    expect(problems({ PASSLINE_METRICS_TOKEN: 'a'.repeat(32), PASSLINE_METRICS_PORT: '9464' })).toMatch(
      /set one, not both/,
    );
  });
});
