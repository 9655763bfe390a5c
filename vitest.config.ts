import { defineConfig } from 'vitest/config';

const report = process.env.PASSLINE_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['packages/**/*.test.ts', 'tools/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: more workers than that only adds contention for PostgreSQL and SQLite.
    maxWorkers: 2,
    // CI also writes a JSON report, which .ci/check-results.mjs reads to prove nothing was skipped.
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
  },
});
