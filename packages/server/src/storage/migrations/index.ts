import type { Migration } from 'kysely';
import * as initial from './0001-initial.ts';

/** Every migration, in order. A static list: no file-system scanning at boot. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
};
