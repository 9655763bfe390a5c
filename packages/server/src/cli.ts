import { setFlagsFromString } from 'node:v8';
import { Command, Option } from 'commander';
import { readPassword } from './admin/read-password.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger, serverLogDestination } from './logger.ts';
import { createPassline, startPassline, version } from './main.ts';

/** `passline <command>`: every command reads the same environment as the server. */
async function main(argv: string[]): Promise<void> {
  const program = new Command('passline').version(version).description('Self-hosted phone verification by SMS code.');

  program
    .command('start')
    .description('Apply migrations and start the HTTP server')
    .action(async () => {
      limitHeapGrowth();
      const config = loadConfig();
      const passline = await startPassline(config, { logger: createLogger(config, serverLogDestination()) });
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        passline.logger.info(`${signal} received: finishing in-flight requests, then stopping`);
        passline
          .close()
          .then(() => process.exit(0))
          .catch((error: unknown) => {
            passline.logger.error({ err: error }, 'error while stopping');
            process.exit(1);
          });
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });

  program
    .command('migrate')
    .description('Apply pending database migrations and exit')
    .action(async () => {
      const passline = await createPassline(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }));
      console.log(`Migrations applied; database is up to date (${passline.storage.description}).`);
      await passline.close();
    });

  const apiKeys = program.command('api-keys').description('Manage API keys');
  apiKeys
    .command('create')
    .description('Create an API key and print it once (only its hash is stored)')
    .requiredOption('--name <name>', 'a label, e.g. "backend" or "admin"')
    .addOption(
      new Option('--scope <scope>', 'admin: Management API; verify: Verification API')
        .choices(['admin', 'verify'])
        .makeOptionMandatory(),
    )
    .action(async (options: { name: string; scope: 'admin' | 'verify' }) => {
      await withPassline(async (passline) => {
        const { key, apiKey } = await passline.apiKeys.create(options);
        console.log(
          `Created ${apiKey.scope} API key ${apiKey.id} (${apiKey.name}). Store it now; it is not shown again:`,
        );
        console.log(key);
      });
    });
  apiKeys
    .command('list')
    .description('List API keys (never the keys themselves)')
    .action(async () => {
      await withPassline(async (passline) => {
        const keys = await passline.apiKeys.list();
        if (keys.length === 0) console.log('No API keys.');
        for (const key of keys) {
          console.log(
            [
              key.id,
              key.scope.padEnd(6),
              `${key.prefix}…`,
              key.name,
              key.revokedAt ? `revoked ${key.revokedAt}` : 'active',
            ].join('  '),
          );
        }
      });
    });
  apiKeys
    .command('revoke')
    .description('Revoke an API key by id')
    .argument('<id>')
    .action(async (id: string) => {
      await withPassline(async (passline) => {
        await passline.apiKeys.revoke(id);
        console.log(`Revoked ${id}.`);
      });
    });

  const admins = program.command('admins').description('Manage console admins');
  admins
    .command('create')
    .description('Create a console admin; the password is read from a hidden prompt or from stdin, never from argv')
    .requiredOption('--username <name>', 'the sign-in name')
    .action(async (options: { username: string }) => {
      const password = await readPassword();
      await withPassline(async (passline) => {
        const admin = await passline.adminAuth.createAdmin({ username: options.username, password });
        console.log(`Created console admin "${admin.username}". Sign in at /console/.`);
      });
    });

  await program.parseAsync(argv);
}

async function withPassline(run: (passline: Awaited<ReturnType<typeof createPassline>>) => Promise<void>) {
  const passline = await createPassline(loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }));
  try {
    await run(passline);
  } finally {
    await passline.close();
  }
}

main(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(`passline: ${(error as Error).message}`);
  process.exit(1);
});

/**
 * V8 lets the heap grow to as much as four times the live data between full collections, a
 * throughput setting for big machines. Passline's live heap is about 30 MB: growing it by 20 % a
 * step keeps a loaded server at about 150 MB instead of 200+ MB, at no throughput cost we could
 * measure (bench/RESULTS.md). The flag is read at each collection, so setting it at start works;
 * `node --heap-growing-percent=N` on the command line wins.
 */
function limitHeapGrowth(): void {
  if (process.execArgv.some((flag) => flag.startsWith('--heap-growing-percent'))) return;
  setFlagsFromString('--heap-growing-percent=20');
}
