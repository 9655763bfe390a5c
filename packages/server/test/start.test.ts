import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { type Passline, startPassline } from '../src/main.ts';
import { describeEachEngine } from './engines.ts';

describeEachEngine('start-up messages', (database) => {
  let running: Passline | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function start(env: 'development' | 'production') {
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const { config, searchPath } = database();
    running = await startPassline({ ...config, env }, { logger: pino(sink), searchPath });
    return lines;
  }

  it('says where the data lives, that no connector is active, and how to get an admin key', async () => {
    const lines = await start('development');
    const messages = lines.map((line) => line.msg);
    expect(messages[0]).toMatch(
      database().engine === 'sqlite' ? /data in SQLite at .*passline\.db/ : /data in PostgreSQL at/,
    );
    expect(messages).toContain(
      'Active SMS connector: none. Set one up in the console or with POST /api/connectors (try "dev-sms").',
    );
    expect(
      messages.some((message) => message.includes('npx passline api-keys create --name admin --scope admin')),
    ).toBe(true);
    expect(messages.some((message) => /^Listening on http:\/\/127\.0\.0\.1:\d+/.test(message))).toBe(true);
  });

  it('warns loudly when dev-sms is active in production, and only then', async () => {
    await start('development');
    await running?.connectors.create({ factoryId: 'dev-sms', config: {} });
    await running?.close();
    const warnings = (lines: Array<{ level: number; msg: string }>) =>
      lines.filter((line) => line.level === 40 && line.msg.includes('dev-sms connector is ACTIVE in production'));
    expect(warnings(await start('production'))).toHaveLength(1);
    await running?.close();
    expect(warnings(await start('development'))).toHaveLength(0);
  });
});
