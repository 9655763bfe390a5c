/**
 * The dashboard benchmark: GET /api/dashboard for each range over a message log of N rows (default
 * 1,000,000; BENCH_ROWS) with the rollup rows that traffic would have left (30 days of it). The
 * dashboard reads the rollups only, so its time should not move with N. For each engine
 * (BENCH_ENGINES=sqlite,postgres) it fills a fresh database in process (one INSERT … SELECT over
 * generate_series on PostgreSQL, a recursive CTE in one transaction on SQLite), then times
 * BENCH_REQUESTS sequential requests per range over real HTTP and prints a Markdown table.
 *
 *   tsx --conditions=passline-source bench/dashboard.ts
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../packages/server/src/config.ts';
import { createPassline, type Passline } from '../packages/server/src/main.ts';
import { addRollups, type RollupRow } from '../packages/server/src/storage/queries/dashboard-rollups.ts';

const rowCount = Number(process.env.BENCH_ROWS ?? 1_000_000);
const requests = Number(process.env.BENCH_REQUESTS ?? 200);
const engines = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const postgresAdminUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const minuteMs = 60_000;
const hourMs = 3_600_000;
const days = 30;
const countries = ['US', 'GB', 'DE', 'FR', 'IN', 'BR', 'NG', 'ID', 'PH', 'MX'];
const connectors = ['con_bench_a', 'con_bench_b', 'con_bench_c'];
const reasons = ['rate_limit.resend_cooldown', 'rate_limit.phone_hourly', 'fraud.country_blocked'];

async function withPg<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** N message-log rows spread over 30 days, in one statement. */
async function fillMessageLog(passline: Passline, now: number): Promise<void> {
  const start = now - days * 86_400_000;
  const step = Math.max(1, Math.floor((days * 86_400_000) / rowCount));
  const db = passline.storage.db;
  const values = (i: string) =>
    sql.raw(`
      'msg_' || ${i}, null, 'con_bench_' || substr('abc', (${i} % 3) + 1, 1), 'dev-sms', '+1 ***-***-' || (${i} % 10000),
      'SignIn', case when ${i} % 50 = 0 then 'failed' else 'sent' end, 'pm_' || ${i}, null, null, null, null,
      ${i} % 900, 0, ${start} + cast(${i} as bigint) * ${step}, 'US', 1, 0, null, null, null`);
  if (passline.storage.capabilities.engine === 'postgres') {
    await sql`insert into messages select ${values('i')} from generate_series(1, ${sql.lit(rowCount)}) as s(i)`.execute(
      db,
    );
  } else {
    await sql`with recursive s(i) as (select 1 union all select i + 1 from s where i < ${sql.lit(rowCount)})
      insert into messages select ${values('i')} from s`.execute(db);
  }
}

/**
 * The rollups that traffic leaves: day and hour rows for 30 days, minute rows for the 2 days
 * housekeeping keeps, each per country × connector (sent, failed, approved) and per connector (provider calls,
 * latency buckets), plus refusals. Counts add up to roughly N sends over 30 days.
 */
function rollupRows(bucketMs: number, since: number, until: number): RollupRow[] {
  const buckets = (days * 86_400_000) / bucketMs;
  const perCell = Math.max(1, Math.round(rowCount / buckets / (countries.length * connectors.length)));
  const rows: RollupRow[] = [];
  const row = (bucket: number, metric: string, country: string, connector: string, detail: string, count: number) =>
    rows.push({ bucket, metric, country, connector, detail, count, sum_ms: metric === 'provider' ? count * 180 : 0 });
  for (let bucket = since; bucket < until; bucket += bucketMs) {
    for (const connector of connectors) {
      for (const country of countries) {
        row(bucket, 'sent', country, connector, '', perCell);
        row(bucket, 'failed', country, connector, '', Math.ceil(perCell / 50));
        row(bucket, 'approved', country, '', '', Math.round(perCell * 0.7));
      }
      row(bucket, 'provider', '', connector, 'ok', perCell * countries.length);
      row(bucket, 'provider', '', connector, 'error', Math.ceil(perCell / 50) * countries.length);
      for (const bound of ['100', '250', '500', '1000']) row(bucket, 'latency', '', connector, bound, perCell);
    }
    for (const reason of reasons) row(bucket, 'refusal', '', '', reason, Math.ceil(perCell / 10));
    row(bucket, 'delivered', '', '', 'dev-sms', perCell * 25);
  }
  return rows;
}

async function fillRollups(passline: Passline, now: number): Promise<{ minutes: number; hours: number; days: number }> {
  const db = passline.storage.db;
  const hourEnd = now - (now % hourMs) + hourMs;
  const minuteEnd = now - (now % minuteMs) + minuteMs;
  const hours = rollupRows(hourMs, hourEnd - days * 86_400_000, hourEnd);
  const minutes = rollupRows(minuteMs, minuteEnd - 2 * 86_400_000, minuteEnd);
  // The approved rows repeat per connector with connector '': merge them as the recorder would.
  const merged = (rows: RollupRow[]) => {
    const byKey = new Map<string, RollupRow>();
    for (const row of rows) {
      const key = [row.bucket, row.metric, row.country, row.connector, row.detail].join('|');
      const seen = byKey.get(key);
      if (seen) seen.count += row.count;
      else byKey.set(key, row);
    }
    return [...byKey.values()];
  };
  const dayEnd = now - (now % 86_400_000) + 86_400_000;
  const hourRows = merged(hours);
  const minuteRows = merged(minutes);
  const dayRows = merged(rollupRows(86_400_000, dayEnd - days * 86_400_000, dayEnd));
  await passline.storage.durably(async () => {
    await addRollups(db, 'dashboard_rollup_days', dayRows);
    await addRollups(db, 'dashboard_rollup_hours', hourRows);
    await addRollups(db, 'dashboard_rollup_minutes', minuteRows);
  });
  return { minutes: minuteRows.length, hours: hourRows.length, days: dayRows.length };
}

const quantile = (sorted: number[], share: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;

async function benchEngine(engine: 'sqlite' | 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'passline-dashboard-bench-'));
  const env: Record<string, string> = {
    PASSLINE_DATA_DIR: dir,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
  };
  let dropDatabase = async () => undefined as unknown;
  if (engine === 'postgres') {
    const name = `passline_dash_${randomBytes(4).toString('hex')}`;
    await withPg(postgresAdminUrl, (client) => client.query(`create database ${name}`));
    const url = new URL(postgresAdminUrl);
    url.pathname = `/${name}`;
    env.PASSLINE_DATABASE_URL = url.href;
    env.PASSLINE_ENCRYPTION_KEY = randomBytes(32).toString('base64');
    dropDatabase = () =>
      withPg(postgresAdminUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
  }
  const passline = await createPassline(loadConfig(env));
  try {
    const { key } = await passline.apiKeys.create({ name: 'bench', scope: 'admin' });
    const now = Date.now();
    let started = performance.now();
    await passline.storage.durably(() => fillMessageLog(passline, now));
    const fillSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const rollups = await fillRollups(passline, now);
    const rollupSeconds = (performance.now() - started) / 1000;
    if (engine === 'postgres') await sql`analyze`.execute(passline.storage.db);
    const counted = await passline.storage.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    console.error(
      `${engine}: ${Number(counted.n)} message rows in ${fillSeconds.toFixed(1)} s; ${rollups.minutes} minute + ${rollups.hours} hour + ${rollups.days} day rollup rows in ${rollupSeconds.toFixed(1)} s`,
    );

    await passline.app.listen({ port: 0, host: '127.0.0.1' });
    const address = passline.app.server.address();
    const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const results = [];
    for (const range of ['hour', 'day', '30d']) {
      const times: number[] = [];
      let sent = 0;
      for (let i = 0; i < requests + 10; i++) {
        const begin = performance.now();
        const response = await fetch(`${origin}/api/dashboard?range=${range}`, {
          headers: { authorization: `Bearer ${key}` },
        });
        const body = (await response.json()) as { totals: { sent: number } };
        if (response.status !== 200) throw new Error(`${range}: ${response.status} ${JSON.stringify(body)}`);
        // The first ten warm the caches and prepared statements.
        if (i >= 10) times.push(performance.now() - begin);
        sent = body.totals.sent;
      }
      times.sort((a, b) => a - b);
      results.push({
        engine,
        messageRows: Number(counted.n),
        range,
        p50: quantile(times, 0.5),
        p95: quantile(times, 0.95),
        max: times.at(-1) ?? Number.NaN,
        sent,
      });
    }
    return results;
  } finally {
    await passline.close();
    await dropDatabase();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const rows = [];
  for (const engine of engines) rows.push(...(await benchEngine(engine as 'sqlite' | 'postgres')));
  console.log(
    JSON.stringify({
      date: new Date().toISOString(),
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      requestsPerRange: requests,
    }),
  );
  console.log('| engine | message rows | range | p50 ms | p95 ms | max ms | sent in range |');
  console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(
      `| ${row.engine} | ${row.messageRows.toLocaleString('en')} | ${row.range} | ${row.p50.toFixed(1)} | ${row.p95.toFixed(1)} | ${row.max.toFixed(1)} | ${row.sent.toLocaleString('en')} |`,
    );
  }
}

await main();
