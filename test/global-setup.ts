import { existsSync } from 'node:fs';
import { ensureHostedPagesBuild } from '../packages/server/scripts/build-hosted-pages.mjs';

// Says up front which suites will be skipped and why, so a local run never looks more complete
// than it was. Builds the hosted pages' script first: every test that starts the server serves it.
export default async function setup(): Promise<void> {
  await ensureHostedPagesBuild();
  const missing = [
    ['PASSLINE_TEST_POSTGRES_URL', 'PostgreSQL suites ([postgres])', 'postgres://postgres@127.0.0.1:5432/test'],
    ['PASSLINE_TEST_REDIS_URL', 'Redis suites ([redis])', 'redis://127.0.0.1:6379'],
  ].filter(([name]) => !process.env[name as string]);
  if (!existsSync(process.env.PASSLINE_TEST_CHROMIUM || '/usr/bin/chromium')) {
    missing.push([
      'PASSLINE_TEST_CHROMIUM',
      'browser suites ([chromium])',
      '/usr/bin/chromium, from: apt-get install chromium',
    ]);
  }
  for (const [name, what, example] of missing) {
    console.warn(`\n  SKIPPING ${what}: ${name} is not set or not found (e.g. ${name}=${example})\n`);
  }
}
