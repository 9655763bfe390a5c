import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectorMetadata } from '@passline/connector-kit';
import type { LogtoMetadata, LogtoPhrases } from './logto-types.ts';

/** Passline's picker shows one line: the kit refuses descriptions longer than this. */
const maxDescriptionLength = 200;

const imageTypes: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

/** Shown when a package names a logo it does not ship: a grey speech bubble. */
const fallbackLogo = `data:image/svg+xml;base64,${Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#888" d="M4 4h16v12H8l-4 4z"/></svg>',
).toString('base64')}`;

/**
 * The folder of the package a module belongs to: Logto's metadata names its logo and README
 * relative to it (`./logo.svg`), while the module itself lives in `lib/`.
 */
export function packageFolderOf(moduleUrl: string): string {
  const start = dirname(moduleUrl.startsWith('file:') ? fileURLToPath(moduleUrl) : moduleUrl);
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) return start;
  }
}

/** Logto's i18n phrases in English, else in the first language the connector gives. */
export function englishPhrase(phrases: LogtoPhrases | string | undefined): string {
  if (typeof phrases === 'string') return phrases;
  if (!phrases) return '';
  return phrases.en ?? Object.values(phrases)[0] ?? '';
}

/** Logto's metadata as Passline's: English texts, the logo as a data URI, the README's text. */
export function passlineMetadata(
  logto: LogtoMetadata,
  packageFolder: string,
  configTemplate: Record<string, unknown>,
): ConnectorMetadata {
  const name = englishPhrase(logto.name) || logto.id;
  return {
    id: passlineIdOf(logto.id),
    type: 'sms',
    name,
    description: shorten(englishPhrase(logto.description) || `${name} (a Logto connector)`),
    logo: logoOf(logto.logo, packageFolder),
    readme: readmeOf(logto.readme, packageFolder, name),
    configTemplate,
  };
}

/**
 * `logto-` and the Logto id (`logto-smsaero-short-message-service`): stable, stored with every saved
 * connector, and never the id of a built-in (Logto's `http-sms` and Passline's `http-sms` differ).
 */
export function passlineIdOf(logtoId: string): string {
  const id = kebabId(logtoId);
  return id.startsWith('logto-') ? id : `logto-${id}`;
}

/** Logto ids are already kebab-case; anything else is made so. */
function kebabId(id: string): string {
  const kebab = id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '');
  return kebab || 'logto-connector';
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= maxDescriptionLength) return line;
  const cut = line.slice(0, maxDescriptionLength - 1);
  const atWord = cut.lastIndexOf(' ');
  return `${(atWord > maxDescriptionLength / 2 ? cut.slice(0, atWord) : cut).replace(/[\s,.;:]+$/, '')}…`;
}

function logoOf(logo: string, packageFolder: string): string {
  if (/^(https:\/\/|data:image\/)/.test(logo)) return logo;
  const file = resolve(packageFolder, logo);
  const type = imageTypes[extname(file).toLowerCase()];
  if (!type || !insideFolder(file, packageFolder) || !existsSync(file)) return fallbackLogo;
  return `data:${type};base64,${readFileSync(file).toString('base64')}`;
}

function readmeOf(readme: string, packageFolder: string, name: string): string {
  const file = resolve(packageFolder, readme || './README.md');
  if (insideFolder(file, packageFolder) && existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    if (text.trim()) return text;
  }
  return `# ${name}\n\nA Logto connector. Its package ships no README; see the provider's documentation.`;
}

/** A metadata path never reads files outside the connector's own package. */
function insideFolder(file: string, folder: string): boolean {
  return file === folder || file.startsWith(`${folder}/`);
}
