import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { Clock } from '../services/clock.ts';
import { patchSchemaOf } from '../services/patch-schema.ts';
import { findSettingByKey, upsertSetting } from '../storage/queries/settings.ts';
import type { Database } from '../storage/schema.ts';

export const signInExperienceSchema = z.strictObject({
  phoneSignIn: z.boolean().default(true).describe('End users may sign in with an SMS code.'),
  signUp: z
    .boolean()
    .default(true)
    .describe('End users may create accounts (by registering, or by signing in with an unknown verified number).'),
  password: z.boolean().default(true).describe('End users may set a password and sign in with it.'),
});
export type SignInExperience = z.infer<typeof signInExperienceSchema>;
export const signInExperiencePatchSchema = patchSchemaOf(signInExperienceSchema);
export type SignInExperiencePatch = z.infer<typeof signInExperiencePatchSchema>;

const settingKey = 'sign-in-experience';

export interface SignInExperienceSettings {
  get(): Promise<SignInExperience>;
  update(patch: SignInExperiencePatch): Promise<SignInExperience>;
}

/** Stored in the shared settings table and cached per instance, like the verification settings. */
export function createSignInExperienceSettings(deps: {
  db: Kysely<Database>;
  clock: Clock;
  cacheMs?: number;
}): SignInExperienceSettings {
  const cacheMs = deps.cacheMs ?? 2000;
  let cached: { value: SignInExperience; until: number } | undefined;

  async function read(): Promise<SignInExperience> {
    const stored = await findSettingByKey(deps.db, settingKey);
    const parsed = signInExperienceSchema.safeParse(stored ? JSON.parse(stored) : {});
    return parsed.success ? parsed.data : signInExperienceSchema.parse({});
  }

  return {
    async get() {
      const now = deps.clock.now();
      if (cached && cached.until > now) return cached.value;
      const value = await read();
      cached = { value, until: now + cacheMs };
      return value;
    },
    async update(patch) {
      const next = signInExperienceSchema.parse({ ...(await read()), ...patch });
      if (!next.phoneSignIn && !next.password) {
        // Nobody could sign in any more, including the users who already have accounts.
        throw new AppError(
          'settings.invalid',
          'Keep phone sign-in or passwords on: with both off nobody can sign in.',
          {
            issues: [{ path: 'phoneSignIn', message: 'phoneSignIn or password must stay on' }],
          },
        );
      }
      const now = deps.clock.now();
      await upsertSetting(deps.db, settingKey, JSON.stringify(next), now);
      cached = { value: next, until: now + cacheMs };
      return next;
    },
  };
}
