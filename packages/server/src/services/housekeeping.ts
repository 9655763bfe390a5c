import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Storage } from '../storage/database.ts';
import { deleteEndedProtectionBlocks, deleteProtectionEventsBefore } from '../storage/queries/protection.ts';
import { deleteExpiredBuckets } from '../storage/queries/rate-limit-buckets.ts';
import type { Database } from '../storage/schema.ts';

/** How long protection events are kept (docs/protection.md says so). */
export const protectionEventRetentionMs = 30 * 86_400_000;

/**
 * Deletes what carries no more information: rate-limit buckets and protection tallies whose window
 * ended, guard blocks that ended, protection events past their retention. Every instance runs it
 * (the deletes are idempotent); the timer does not keep the process alive.
 */
export function startHousekeeping(deps: {
  db: Kysely<Database>;
  durably: Storage['durably'];
  clock: Clock;
  logger: Pick<Logger, 'warn' | 'debug'>;
  intervalMs?: number;
  /** The slices' own deletions (expired OpenID Connect records), by name for the debug line. */
  tasks?: Record<string, () => Promise<number>>;
}): { run(): Promise<void>; stop(): void } {
  const run = async () => {
    const now = deps.clock.now();
    try {
      const [buckets, blocks, events] = await deps.durably(() =>
        Promise.all([
          deleteExpiredBuckets(deps.db, now),
          deleteEndedProtectionBlocks(deps.db, now),
          deleteProtectionEventsBefore(deps.db, now - protectionEventRetentionMs),
        ]),
      );
      const slices: Record<string, number> = {};
      for (const [name, task] of Object.entries(deps.tasks ?? {})) slices[name] = await deps.durably(task);
      deps.logger.debug({ buckets, blocks, events, ...slices }, 'housekeeping');
    } catch (error) {
      deps.logger.warn({ err: error }, 'housekeeping failed');
    }
  };
  const timer = setInterval(() => void run(), deps.intervalMs ?? 10 * 60_000);
  timer.unref();
  return { run, stop: () => clearInterval(timer) };
}
