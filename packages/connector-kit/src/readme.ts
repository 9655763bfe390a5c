import { readFileSync } from 'node:fs';

/** Reads a connector's README.md beside its module, once, at load. */
export function readReadme(moduleUrl: string): string {
  return readFileSync(new URL('./README.md', moduleUrl), 'utf8');
}
