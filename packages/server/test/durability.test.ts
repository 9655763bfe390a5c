import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPassline, type TestPassline } from './app.ts';
import { cliEnvironment, passlineBin } from './cli-env.ts';
import { testConfig } from './engines.ts';

/**
 * No answer may leave before the write it reports is committed. SQLite commits concurrent requests'
 * writes in groups, a moment after they are made, so these tests look from a second connection
 * (which sees committed rows only) at the very moment an answer is handed over: a response's bytes
 * to the socket, a CLI command's line to stdout. (PostgreSQL commits each statement before it
 * resolves, so only SQLite can get this wrong.)
 */
describe('answers leave only once their writes are committed (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'passline-durable-'));
  const file = join(dir, 'passline.db');
  let passline: TestPassline;
  let reader: Database.Database;
  const committed = (id: string) => reader.prepare('select id from api_keys where id = ?').get(id) !== undefined;

  beforeAll(async () => {
    passline = await startTestPassline({ engine: 'sqlite', config: testConfig({ engine: 'sqlite', file }, dir) });
    reader = new Database(file, { readonly: true });
  });
  afterAll(async () => {
    reader?.close();
    await passline?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('durably returns only once what its work wrote is committed, after a failure too', async () => {
    const created = await passline.storage.durably(() => passline.apiKeys.create({ name: 'durably', scope: 'verify' }));
    expect(committed(created.apiKey.id)).toBe(true);

    let id = '';
    const failed = passline.storage.durably(async () => {
      id = (await passline.apiKeys.create({ name: 'then fails', scope: 'verify' })).apiKey.id;
      throw new Error('after the write');
    });
    await expect(failed).rejects.toThrow('after the write');
    expect(committed(id)).toBe(true);
  });

  it('starts a background task once the writes before it are committed, and drains once its own are', async () => {
    const before = await passline.apiKeys.create({ name: 'before the task', scope: 'verify' });
    let seenAtStart: boolean | undefined;
    let written = '';
    passline.background.run(async () => {
      seenAtStart = committed(before.apiKey.id);
      written = (await passline.apiKeys.create({ name: 'by the task', scope: 'verify' })).apiKey.id;
    });
    await passline.background.drain();
    expect(seenAtStart).toBe(true);
    expect(committed(written)).toBe(true);
  });

  it('hands an HTTP response to the socket only once the write it reports is committed', async () => {
    const seenAtEnd: boolean[] = [];
    // Runs beside the app's own request listener, so end() is wrapped before any handler calls it.
    passline.app.server.on('request', (_request, response: ServerResponse) => {
      const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
      response.end = ((...args: unknown[]) => {
        const id = /"id":"(key_[A-Za-z0-9_-]+)"/.exec(String(args[0] ?? ''))?.[1];
        if (id) seenAtEnd.push(committed(id));
        return end(...args);
      }) as typeof response.end;
    });
    await passline.app.listen({ port: 0, host: '127.0.0.1' });
    const origin = `http://127.0.0.1:${(passline.app.server.address() as AddressInfo).port}`;
    // Concurrent requests: their writes share one group commit.
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        fetch(`${origin}/api/api-keys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${passline.adminKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `concurrent ${index}`, scope: 'verify' }),
        }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
    expect(seenAtEnd).toEqual([true, true, true, true, true]);
  });

  it('prints a CLI command’s answer only once the write it reports is committed', async () => {
    const { dataDir, env } = cliEnvironment('passline-durable-cli-');
    try {
      const preload = new URL('./fixtures/check-committed-at-print.mjs', import.meta.url).pathname;
      const result = await promisify(execFile)(
        process.execPath,
        ['--import', preload, passlineBin, 'api-keys', 'create', '--name', 'durable', '--scope', 'verify'],
        { env },
      );
      expect(result.stdout).toMatch(/Created verify API key key_/);
      expect(result.stderr).toContain('committed when printed: yes');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
