import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from './config.ts';
import { readPassword } from './console-auth/read-password.ts';
import { previousKeyFileName, removePreviousKeyFile, rotateKeyFile } from './crypto/keys.ts';
import { createLogger, serverLogDestination } from './logger.ts';
import { createPassline, type Passline, startPassline, version } from './main.ts';

/** Who the audit log names for changes made with this CLI (it runs with the server's own access). */
const cliActor = { type: 'cli', id: null, name: null } as const;

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
      new Option(
        '--scope <scope>',
        'admin: Management API; verify: Verification API (and Twilio Verify-compatible API); relay: integration endpoints for Logto and Supabase',
      )
        .choices(['admin', 'verify', 'relay'])
        .makeOptionMandatory(),
    )
    .action(async (options: { name: string; scope: 'admin' | 'verify' | 'relay' }) => {
      await withPassline(async (passline) => {
        const { key, apiKey } = await passline.apiKeys.create(options);
        await passline.auditLog.record({
          actor: cliActor,
          ip: null,
          action: 'api_key.create',
          target: { type: 'api_key', id: apiKey.id },
          after: apiKey,
        });
        return [
          // The key stays the last line: scripts take it with `tail -n 1`.
          ...(apiKey.accountSid
            ? [`Account SID (user name for Twilio Verify-compatible clients): ${apiKey.accountSid}`]
            : []),
          `Created ${apiKey.scope} API key ${apiKey.id} (${apiKey.name}). Store it now; it is not shown again:`,
          key,
        ];
      });
    });
  apiKeys
    .command('list')
    .description('List API keys (never the keys themselves)')
    .action(async () => {
      await withPassline(async (passline) => {
        const keys = await passline.apiKeys.list();
        if (keys.length === 0) return ['No API keys.'];
        return keys.map((key) =>
          [
            key.id,
            key.scope.padEnd(6),
            `${key.prefix}…`,
            key.name,
            key.revokedAt ? `revoked ${key.revokedAt}` : 'active',
          ].join('  '),
        );
      });
    });
  apiKeys
    .command('revoke')
    .description('Revoke an API key by id')
    .argument('<id>')
    .action(async (id: string) => {
      await withPassline(async (passline) => {
        await passline.apiKeys.revoke(id);
        await passline.auditLog.record({
          actor: cliActor,
          ip: null,
          action: 'api_key.revoke',
          target: { type: 'api_key', id },
        });
        return [`Revoked ${id}.`];
      });
    });

  program
    .command('keys')
    .description('Manage the encryption key')
    .command('rotate')
    .description(
      'Re-encrypt every stored secret under the current encryption key, so previous keys can be removed (key ids only are printed, never keys)',
    )
    .option(
      '--generate',
      'embedded mode: first replace the generated key file with a new key, keeping the old one in the data folder until nothing needs it (stop the server first)',
    )
    .action(async (options: { generate?: boolean }) => {
      const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
      if (options.generate) {
        if (config.encryptionKey) {
          throw new Error(
            '--generate replaces the key file of embedded mode, but the key comes from PASSLINE_ENCRYPTION_KEY. Generate a key (openssl rand -base64 32), set it as PASSLINE_ENCRYPTION_KEY, move the old one to PASSLINE_ENCRYPTION_KEYS_PREVIOUS, restart every instance, then run: passline keys rotate',
          );
        }
        // Everything under the key in use first: if a value cannot be read, this fails before the
        // key file changes.
        await withPassline((passline) => passline.keyRotation.rotate().then(() => []), config);
        const { oldKeyId, newKeyId } = rotateKeyFile(config.dataDir);
        console.log(
          `Generated a new encryption key (key id ${newKeyId}) in ${join(config.dataDir, 'encryption.key')}; the old one (key id ${oldKeyId}) is kept in ${previousKeyFileName} until nothing needs it.`,
        );
      }
      // The previous key file goes only once the re-encrypted values are committed: before that, a
      // crash could leave values that only the previous key can read.
      let removePrevious = false;
      await withPassline(async (passline) => {
        const result = await passline.keyRotation.rotate();
        const out = [`Stored secrets re-encrypted under key id ${result.keyId}:`];
        for (const [label, counts] of [
          ['connector secrets', result.connectorSecrets],
          ['token signing keys', result.signingKeys],
          ['application secrets', result.applicationSecrets],
          ['integration hook secrets', result.integrationSecrets],
          ['admin two-factor secrets', result.adminTwoFactorSecrets],
        ] as const) {
          out.push(`  ${label}: ${counts.reencrypted} re-encrypted, ${counts.alreadyCurrent} already under it`);
        }
        const changed =
          result.connectorSecrets.changedMeanwhile +
          result.signingKeys.changedMeanwhile +
          result.applicationSecrets.changedMeanwhile +
          result.integrationSecrets.changedMeanwhile +
          result.adminTwoFactorSecrets.changedMeanwhile;
        if (changed > 0) {
          out.push(`${changed} changed by a running instance during this run: run passline keys rotate again.`);
        }
        const codes = result.codesUnderOtherKeys;
        const until = codes.lastExpiresAt === null ? '' : new Date(codes.lastExpiresAt).toISOString();
        if (codes.count > 0) {
          out.push(
            `${codes.count} verification code${codes.count === 1 ? ' is' : 's are'} in flight under a previous key (codes cannot be re-encrypted); the last expires at ${until}. Keep the previous keys until then, or those users request a new code.`,
          );
        }
        const previousNeeded = codes.count > 0 || changed > 0;
        if (passline.keys.source !== 'environment') {
          if (previousNeeded) {
            if (existsSync(join(config.dataDir, previousKeyFileName))) {
              out.push(`Kept ${previousKeyFileName}; run passline keys rotate again after ${until} to remove it.`);
            }
          } else {
            removePrevious = true;
          }
        }
        if ((config.previousEncryptionKeys ?? []).length > 0) {
          out.push(
            previousNeeded
              ? `Keep PASSLINE_ENCRYPTION_KEYS_PREVIOUS until ${until}, then run passline keys rotate again.`
              : 'Nothing stored needs PASSLINE_ENCRYPTION_KEYS_PREVIOUS any more: remove it from the environment of every instance.',
          );
        }
        return out;
      }, config);
      if (removePrevious && removePreviousKeyFile(config.dataDir)) {
        console.log(`Removed ${previousKeyFileName}: nothing stored needs the previous keys any more.`);
      }
    });

  program
    .command('signing-keys')
    .description('Manage the ES256 keys that sign access tokens and OpenID Connect ID tokens')
    .command('rotate')
    .description(
      'Create a new signing key that signs from now on; previous keys stay published in the JWKS for a day, longer than any token they signed lives',
    )
    .action(async () => {
      await withPassline(async (passline) => {
        const kid = await passline.accounts.tokens.rotateSigningKey();
        return [
          `New signing key ${kid} signs from now on (every instance takes it within a minute).`,
          'Previous keys stay published at /.well-known/jwks.json until the next rotation a day or more from now.',
        ];
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
        return [`Created console admin "${admin.username}". Sign in at /console/.`];
      });
    });
  admins
    .command('reset-two-factor')
    .description(
      "Turn off an admin's two-factor sign-in (a lost device) and end their sessions; they sign in with the password only, or set it up again if it is required",
    )
    .requiredOption('--username <name>', 'the sign-in name')
    .action(async (options: { username: string }) => {
      await withPassline(async (passline) => {
        const removed = await passline.adminAuth.resetTwoFactor(options.username);
        return [
          removed
            ? `Two-factor sign-in of "${options.username}" is off and their sessions ended. They sign in with their password and set it up again.`
            : `"${options.username}" had no two-factor sign-in; their sessions ended.`,
        ];
      });
    });

  await program.parseAsync(argv);
}

/**
 * Runs a command against a fresh Passline. The command returns its output instead of printing it:
 * the lines are printed only once its writes are committed (storage.durably), so a command never
 * reports something (a key, an admin) that a crash could still undo.
 */
async function withPassline(
  run: (passline: Passline) => Promise<string[]>,
  config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }),
) {
  const passline = await createPassline(config);
  try {
    printLines(await passline.storage.durably(() => run(passline)));
  } finally {
    await passline.close();
  }
}

function printLines(lines: string[]): void {
  for (const line of lines) console.log(line);
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
