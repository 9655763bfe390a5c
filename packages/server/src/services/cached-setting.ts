import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { findSettingByKey, upsertSetting } from '../storage/queries/settings.ts';
import type { Database } from '../storage/schema.ts';

export interface CachedSetting<T> {
  get(): Promise<T>;
  /** Merges the patch over the stored value, validates the whole, stores it and returns it. */
  update(patch: Partial<T>): Promise<T>;
}

/**
 * One key of the shared settings table, so every instance reads the same values. Each instance
 * caches it for `cacheMs` (a change made on another instance applies within that time; on this
 * instance at once), which keeps a settings read off the hot path.
 *
 * Stored values are parsed over the schema's defaults, so a setting added later gets its default,
 * and a stored value the schema no longer accepts reads as the defaults instead of failing every
 * request. `validate` checks what the schema cannot express (relations between fields) and throws.
 */
// Any zod schema, classic or mini: the settings schemas are shared with the browser (@passline/contracts).
export function cachedSetting<Schema extends z.core.$ZodType<object>>(options: {
  db: Kysely<Database>;
  clock: Clock;
  key: string;
  schema: Schema;
  cacheMs?: number;
  validate?: (value: z.output<Schema>) => void;
}): CachedSetting<z.output<Schema>> {
  type Value = z.output<Schema>;
  const { db, clock, key, schema } = options;
  const cacheMs = options.cacheMs ?? 2000;
  let cached: { value: Value; until: number } | undefined;

  async function read(): Promise<Value> {
    const stored = await findSettingByKey(db, key);
    const parsed = z.safeParse(schema, stored ? JSON.parse(stored) : {});
    return parsed.success ? parsed.data : z.parse(schema, {});
  }

  return {
    async get() {
      const now = clock.now();
      if (cached && cached.until > now) return cached.value;
      const value = await read();
      cached = { value, until: now + cacheMs };
      return value;
    },
    async update(patch) {
      const next = z.parse(schema, { ...(await read()), ...patch });
      options.validate?.(next);
      const now = clock.now();
      await upsertSetting(db, key, JSON.stringify(next), now);
      cached = { value: next, until: now + cacheMs };
      return next;
    },
  };
}
