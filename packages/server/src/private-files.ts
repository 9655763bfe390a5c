import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

// The data folder of embedded mode holds the encryption key and the database: only the account
// Passline runs as may read them, whatever the umask, and files from older versions are tightened.

/** Creates a folder as 0700, or tightens an existing one that group or others can enter. */
export function ensurePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  restrictToOwner(dir, 0o700);
}

/** Creates an empty 0600 file if there is none, or tightens an existing one. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  restrictToOwner(file, 0o600);
}

/** Removes group and other access from a file or folder that has it; a missing one is left alone. */
export function restrictToOwner(path: string, mode: 0o600 | 0o700): void {
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // EPERM: a folder someone else owns (a mounted volume); the files in it are still 0600.
    if (code !== 'ENOENT' && code !== 'EPERM') throw error;
  }
}
