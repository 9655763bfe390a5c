import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The CLI entry point, run with `node` as `npx passline` would. */
export const passlineBin = new URL('../bin/passline.js', import.meta.url).pathname;

/** An environment for CLI runs: embedded SQLite in a fresh folder, whatever the caller's shell has set. */
export function cliEnvironment(prefix: string): { dataDir: string; env: NodeJS.ProcessEnv } {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dataDir,
    env: {
      ...process.env,
      PASSLINE_DATA_DIR: dataDir,
      PASSLINE_DATABASE_URL: '',
      PASSLINE_ENCRYPTION_KEY: '',
      LOG_LEVEL: 'warn',
    },
  };
}
