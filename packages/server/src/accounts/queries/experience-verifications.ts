import type { Kysely, Selectable } from 'kysely';
import type { Database, ExperienceVerificationsTable } from '../../storage/schema.ts';

export type ExperienceVerificationRow = Selectable<ExperienceVerificationsTable>;

export async function insertExperienceVerification(
  db: Kysely<Database>,
  row: ExperienceVerificationRow,
): Promise<void> {
  await db.insertInto('experience_verifications').values(row).execute();
}

export async function findExperienceVerificationById(
  db: Kysely<Database>,
  verificationId: string,
): Promise<ExperienceVerificationRow | undefined> {
  return db
    .selectFrom('experience_verifications')
    .selectAll()
    .where('verification_id', '=', verificationId)
    .executeTakeFirst();
}

/** Uses a verification up, atomically: of concurrent requests exactly one gets true. */
export async function consumeExperienceVerification(
  db: Kysely<Database>,
  verificationId: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('experience_verifications')
    .set({ consumed_at: now })
    .where('verification_id', '=', verificationId)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
