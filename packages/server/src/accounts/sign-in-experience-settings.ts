import { type SignInExperience, signInExperienceSchema } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { cachedSetting } from '../services/cached-setting.ts';
import { patchSchemaOf } from '../services/patch-schema.ts';
import type { Database } from '../storage/schema.ts';

// The schema is shared with the console (@passline/contracts).
export { type SignInExperience, signInExperienceSchema };
export const signInExperiencePatchSchema = patchSchemaOf(signInExperienceSchema);
export type SignInExperiencePatch = z.infer<typeof signInExperiencePatchSchema>;

const settingKey = 'sign-in-experience';

export interface SignInExperienceSettings {
  get(): Promise<SignInExperience>;
  update(patch: SignInExperiencePatch): Promise<SignInExperience>;
}

/** One cached key of the shared settings table, like the verification settings (see cached-setting.ts). */
export function createSignInExperienceSettings(deps: {
  db: Kysely<Database>;
  clock: Clock;
  cacheMs?: number;
}): SignInExperienceSettings {
  return cachedSetting({
    ...deps,
    key: settingKey,
    schema: signInExperienceSchema,
    validate(next) {
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
    },
  });
}
