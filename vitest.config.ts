import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const report = process.env.PASSLINE_TEST_REPORT;

export default defineConfig({
  // Workspace packages export their TypeScript sources under this condition (tsconfig.json's
  // customConditions says the same), so tests run the sources without building dist/ first.
  ssr: { resolve: { conditions: ['passline-source', ...defaultServerConditions] } },
  test: {
    include: ['packages/**/*.test.ts', 'tools/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['./test/global-setup.ts'],
    // Guards against hangs, not speed checks: on a loaded 2-core CI machine the CLI tests (which
    // spawn processes) and scrypt-heavy tests take up to ~20 s.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: more workers than that only adds contention for PostgreSQL and SQLite.
    maxWorkers: 2,
    // CI also writes a JSON report, which .ci/check-results.mjs reads to prove nothing was skipped.
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
  },
});
