/** Countries for the Protection page: the codes, their names, and a search over both. */

import { getCountries } from 'libphonenumber-js';

export const countryCodePattern = /^[A-Z]{2}$/;

/**
 * ISO 3166-1 alpha-2 codes of every country with a numbering plan, from the phone-number metadata
 * the console already bundles: the server judges a number's country from the same metadata, so
 * every country it can report is here, and no list is kept by hand.
 */
export const allCountryCodes: readonly string[] = getCountries().filter((code) => countryCodePattern.test(code));

export type CountryNamer = (code: string) => string;

/** Names from the browser's own (Intl) data in `locale`; a code it cannot name stays a code. */
export function countryNamer(locale?: string): CountryNamer {
  let names: Intl.DisplayNames | undefined;
  try {
    names = new Intl.DisplayNames(locale ? [locale] : undefined, { type: 'region', fallback: 'code' });
  } catch {
    names = undefined;
  }
  const cache = new Map<string, string>();
  return (code) => {
    let name = cache.get(code);
    if (name === undefined) {
      try {
        name = names?.of(code) ?? code;
      } catch {
        name = code;
      }
      cache.set(code, name);
    }
    return name;
  };
}

/** "United Kingdom (GB)", or just "GB" when the browser has no name for it. */
export function countryLabel(code: string, nameOf: CountryNamer): string {
  const name = nameOf(code);
  return name === code ? code : `${name} (${code})`;
}

// Case and accents do not matter: "cote" finds Côte d’Ivoire, "aland" finds Åland.
const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim();

/**
 * The countries whose code or name matches `query`, best first: the exact code, then names that
 * start with it, then names with a word that starts with it, then names that contain it.
 */
export function searchCountries(query: string, codes: readonly string[], nameOf: CountryNamer): string[] {
  const wanted = fold(query);
  if (!wanted) return [];
  const ranked: Array<{ code: string; rank: number; name: string }> = [];
  for (const code of codes) {
    const name = fold(nameOf(code));
    let rank: number;
    if (code.toLowerCase() === wanted) rank = 0;
    else if (name.startsWith(wanted)) rank = 1;
    else if (name.split(/[\s-]+/).some((word) => word.startsWith(wanted))) rank = 2;
    else if (name.includes(wanted)) rank = 3;
    else continue;
    ranked.push({ code, rank, name });
  }
  return ranked.sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name)).map((entry) => entry.code);
}

/** Codes sorted by their names, for lists a person reads. */
export function sortByName(codes: Iterable<string>, nameOf: CountryNamer): string[] {
  return [...codes].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
}
