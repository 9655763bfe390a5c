/**
 * `npm run bench`: the load benchmark for issue targets. For each engine it starts the real
 * Passline server in a child process, then drives it with autocannon (32 connections) from this
 * process, on the same machine:
 *   1. a bare Fastify JSON route (the ceiling for this machine),
 *   2. POST /api/verifications with distinct numbers (dev-sms active),
 *   3. POST /api/verifications/:id/check with the codes issued in step 2.
 * It prints a Markdown table and writes bench/out/results.json. Set BENCH_ENGINES=sqlite or
 * postgres to run one; BENCH_POSTGRES_URL picks the server (default: local, database `test`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../packages/server/src/config.ts';
import { createPassline } from '../packages/server/src/main.ts';

const connections = 32;
const durationSeconds = Number(process.env.BENCH_DURATION ?? 10);
const engines = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const postgresAdminUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const root = new URL('..', import.meta.url).pathname;

interface Row {
  engine: string;
  scenario: string;
  /** Completed requests over the scenario's measured duration. */
  requestsPerSecond: number;
  seconds: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
  rssMb: number;
  /** Server CPU time (user + system) per request: steadier than req/s on a busy machine. */
  cpuMicrosPerRequest: number;
  /** CPU time of every PostgreSQL process per request (the PostgreSQL runs only). */
  postgresCpuMicrosPerRequest: number | undefined;
  /** CPU time of this process, where autocannon runs, per request. */
  loadGeneratorCpuMicrosPerRequest: number;
  /** Share of the machine's CPU time left idle during the scenario. */
  machineIdlePercent: number;
}

// Valid, distinct US numbers: 20 area codes × the 555 exchange × 10,000 lines.
const areaCodes = [201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 224, 225, 228];
const phoneAt = (index: number) =>
  `+1${areaCodes[Math.floor(index / 10_000) % areaCodes.length]}555${String(index % 10_000).padStart(4, '0')}`;

async function main() {
  const rows: Row[] = [];
  rows.push(...(await benchBareFastify()));
  for (const engine of engines) rows.push(...(await benchEngine(engine as 'sqlite' | 'postgres')));
  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    connections,
    durationSeconds,
  };
  mkdirSync(join(root, 'bench/out'), { recursive: true });
  writeFileSync(join(root, 'bench/out/results.json'), JSON.stringify({ machine, rows }, null, 2));
  console.log(JSON.stringify(machine));
  console.log(
    '| engine | scenario | req/s | p50 ms | p99 ms | non-2xx | errors | requests | seconds | server CPU µs/req | PostgreSQL CPU µs/req | load generator CPU µs/req | machine idle % | server RSS MB |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(
      `| ${row.engine} | ${row.scenario} | ${Math.round(row.requestsPerSecond)} | ${row.p50} | ${row.p99} | ${row.non2xx} | ${row.errors} | ${row.total} | ${row.seconds} | ${row.cpuMicrosPerRequest} | ${row.postgresCpuMicrosPerRequest ?? '-'} | ${row.loadGeneratorCpuMicrosPerRequest} | ${row.machineIdlePercent} | ${row.rssMb} |`,
    );
  }
}

async function benchBareFastify(): Promise<Row[]> {
  const server = await startChild([join(root, 'bench/bare-fastify.mjs')], {}, '/json');
  try {
    const cpuBefore = cpuSnapshot(server.child.pid);
    const result = await autocannon({ url: `${server.url}/json`, connections, duration: durationSeconds });
    return [toRow('-', 'bare Fastify JSON route (ceiling)', result, server.child, cpuBefore)];
  } finally {
    await stopChild(server.child);
  }
}

async function benchEngine(engine: 'sqlite' | 'postgres'): Promise<Row[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passline-bench-'));
  const env: Record<string, string> = { PASSLINE_DATA_DIR: dataDir, LOG_LEVEL: 'info', NODE_ENV: 'production' };
  let dropDatabase = async () => {};
  if (engine === 'postgres') {
    const name = `passline_bench_${randomBytes(4).toString('hex')}`;
    await withPg(postgresAdminUrl, (client) => client.query(`create database ${name}`));
    const url = new URL(postgresAdminUrl);
    url.pathname = `/${name}`;
    env.PASSLINE_DATABASE_URL = url.href;
    env.PASSLINE_ENCRYPTION_KEY = randomBytes(32).toString('base64');
    dropDatabase = () =>
      withPg(postgresAdminUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
  }
  // Set-up through the real services: an API key, dev-sms active, codes valid for the whole run.
  const setup = await createPassline(loadConfig({ ...env, LOG_LEVEL: 'warn' }));
  const { key } = await setup.apiKeys.create({ name: 'bench', scope: 'verify' });
  await setup.connectors.create({ factoryId: 'dev-sms', config: {} });
  await setup.settings.updateVerificationSettings({ codeTtlSeconds: 3600 });
  // SMS-pumping protection stays on with every layer running (number type and country policy, the
  // block list, the range, country and deployment budgets and the guard's tallies, counted with each
  // send; approvals tallied with each check), but with budgets this run cannot reach: it sends
  // tens of thousands of codes to 200 ranges of one country and enters none while sending.
  await setup.protection.settings.update({
    prefixHourlyLimit: 1_000_000,
    countryHourlyLimit: 10_000_000,
    globalHourlyLimit: 100_000_000,
    globalDailyLimit: 1_000_000_000,
    guardMinSends: 1_000_000,
    guardCountryFloor: 10_000_000,
  });
  await setup.close();

  // The production entry point: the compiled server, built first if a source changed.
  const server = await startChild([join(root, 'packages/server/bin/passline.js'), 'start'], env);
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const rows: Row[] = [];
  try {
    let next = 0;
    let cpuBefore = cpuSnapshot(server.child.pid);
    const issued: Array<{ id: string; to: string }> = [];
    const sendResult = await autocannon({
      url: server.url,
      connections,
      duration: durationSeconds,
      requests: [
        {
          method: 'POST',
          path: '/api/verifications',
          headers,
          setupRequest: (request) => {
            const to = phoneAt(next++);
            return { ...request, body: JSON.stringify({ to, usage: 'SignIn' }) };
          },
          onResponse: (status, body) => {
            if (status === 201) issued.push(JSON.parse(body) as { id: string; to: string });
          },
        },
      ],
    });
    rows.push(toRow(engine, 'POST /api/verifications (send, dev-sms)', sendResult, server.child, cpuBefore));

    const codes = await readIssuedCodes(engine, env, dataDir);
    const pairs = issued.flatMap((verification) => {
      const code = codes.get(verification.id);
      return code ? [{ id: verification.id, code }] : [];
    });
    let cursor = 0;
    cpuBefore = cpuSnapshot(server.child.pid);
    // This run ends when the codes run out, but autocannon notices that only at its next one-second
    // tick: its duration (and its per-second mean) would count up to a second of idle tail.
    const checkStarted = performance.now();
    let checkEnded: { seconds: number; cpuAfter: CpuSnapshot } | undefined;
    let answered = 0;
    const checkResult = await autocannon({
      url: server.url,
      connections,
      duration: durationSeconds,
      amount: pairs.length,
      requests: [
        {
          method: 'POST',
          headers,
          setupRequest: (request) => {
            const pair = pairs[cursor++ % pairs.length];
            return {
              ...request,
              path: `/api/verifications/${pair?.id}/check`,
              body: JSON.stringify({ code: pair?.code }),
            };
          },
          onResponse: () => {
            if (++answered < pairs.length) return;
            checkEnded = {
              seconds: (performance.now() - checkStarted) / 1000,
              cpuAfter: cpuSnapshot(server.child.pid),
            };
          },
        },
      ],
    });
    rows.push(
      toRow(
        engine,
        `POST /api/verifications/:id/check (${pairs.length} pre-issued codes)`,
        checkResult,
        server.child,
        cpuBefore,
        checkEnded,
      ),
    );
  } finally {
    await stopChild(server.child);
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

/** The dev outbox is dev-sms's delivery channel: the bench reads the codes there, as a tester would. */
async function readIssuedCodes(
  engine: string,
  env: Record<string, string>,
  dataDir: string,
): Promise<Map<string, string>> {
  const passline = await createPassline(loadConfig({ ...env, PASSLINE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }));
  try {
    const rows = await passline.storage.db
      .selectFrom('verifications')
      .innerJoin('dev_outbox', 'dev_outbox.phone', 'verifications.phone')
      .select(['verifications.id as id', 'dev_outbox.text as text'])
      .execute();
    return new Map(rows.map((row) => [row.id, row.text.match(/(\d{6})/)?.[1] ?? '']));
  } finally {
    await passline.close();
    void engine;
  }
}

/** /proc counts CPU time in clock ticks, 100 per second. */
const microsPerTick = 10_000;

interface CpuSnapshot {
  server: number;
  postgres: number;
  loadGenerator: number;
  machineIdle: number;
  machineTotal: number;
}

/** Where the machine's CPU time went so far, in µs: the server, PostgreSQL, this process, idle. */
function cpuSnapshot(serverPid: number | undefined): CpuSnapshot {
  let postgres = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes(' (postgres) ')) postgres += processCpuMicros(stat);
    } catch {
      // the process ended meanwhile
    }
  }
  // The "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal.
  const machine = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1, 9).map(Number);
  const usage = process.cpuUsage();
  return {
    server: processCpuMicros(readFileSync(`/proc/${serverPid}/stat`, 'utf8')),
    postgres,
    loadGenerator: usage.user + usage.system,
    machineIdle: ((machine[3] ?? 0) + (machine[4] ?? 0)) * microsPerTick,
    machineTotal: machine.reduce((sum, value) => sum + value, 0) * microsPerTick,
  };
}

/** Fields 14 and 15 of /proc/<pid>/stat: user and system time in clock ticks. */
function processCpuMicros(stat: string): number {
  const fields = stat.split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * microsPerTick;
}

function toRow(
  engine: string,
  scenario: string,
  result: autocannon.Result,
  child: ChildProcess,
  cpuBefore: CpuSnapshot,
  /** Where a run that ends on its own really ended; time-limited runs end when autocannon returns. */
  end: { seconds: number; cpuAfter: CpuSnapshot } = { seconds: result.duration, cpuAfter: cpuSnapshot(child.pid) },
): Row {
  const { seconds, cpuAfter: cpu } = end;
  const perRequest = (micros: number) => Math.round(micros / Math.max(1, result.requests.total));
  return {
    cpuMicrosPerRequest: perRequest(cpu.server - cpuBefore.server),
    postgresCpuMicrosPerRequest: engine === 'postgres' ? perRequest(cpu.postgres - cpuBefore.postgres) : undefined,
    loadGeneratorCpuMicrosPerRequest: perRequest(cpu.loadGenerator - cpuBefore.loadGenerator),
    machineIdlePercent: Math.round(
      (100 * (cpu.machineIdle - cpuBefore.machineIdle)) / Math.max(1, cpu.machineTotal - cpuBefore.machineTotal),
    ),
    engine,
    scenario,
    // Not autocannon's `requests.average` (the mean of one-second samples): see the check scenario.
    requestsPerSecond: result.requests.total / seconds,
    seconds: Math.round(seconds * 100) / 100,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
    rssMb: rssMb(child.pid),
  };
}

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function startChild(
  args: string[],
  env: Record<string, string>,
  readyPath = '/api/health',
): Promise<{ child: ChildProcess; url: string }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server only.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    // Logs go nowhere: the bench measures the server, not a terminal.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const response = await fetch(`${url}${readyPath}`);
      if (response.ok) return { child, url };
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${args.join(' ')}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function withPg(url: string, run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}

await main();
