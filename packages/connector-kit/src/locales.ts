/**
 * Language tags (BCP 47) for templates per language: how a tag is written down, which tags a
 * template may carry, and which tags stand in for a requested one. Imports nothing, so the browser
 * (the console's template checks) applies the same rules through `@passline/connector-kit/vocabulary`.
 */

/**
 * The canonical form of a BCP 47 tag (`pt-br` → `pt-BR`, `zh-hans-cn` → `zh-Hans-CN`, `iw` → `he`),
 * or `undefined` when it is not one (`pt_BR`, `*`, `english`). Canonical tags compare exactly, so a
 * template saved as `PT-br` is found for a request in `pt-BR`.
 */
export function canonicalLocale(tag: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    return canonical;
  } catch {
    // RangeError: not a well-formed tag.
    return undefined;
  }
}

/**
 * Why a tag cannot be a template's `locale`, in words for the admin, or `undefined` when it can.
 * A template names a language, optionally with script and region (`en`, `pt-BR`, `zh-Hant`):
 * extensions (`-u-…`, `-x-…`) choose formats, not a text, and `und` is no language at all (the
 * template without a locale is the one for every other language).
 */
export function templateLocaleProblem(tag: string): string | undefined {
  const canonical = canonicalLocale(tag);
  if (canonical === undefined) {
    return `${JSON.stringify(tag)} is not a BCP 47 language tag; write one such as "en", "pt-BR" or "zh-CN"`;
  }
  const base = new Intl.Locale(canonical).baseName;
  if (base === 'und' || base.startsWith('und-')) {
    return `"und" names no language; leave "locale" out for the template used when no other language matches`;
  }
  if (base !== canonical) {
    return `${JSON.stringify(tag)} carries an extension; a template's locale is a language with an optional script and region, such as ${JSON.stringify(base)}`;
  }
  return undefined;
}

/**
 * The tags to try for a requested language, most specific first, by dropping subtags from the end
 * (RFC 4647 lookup): `pt-BR` → `pt-BR`, `pt`; `zh-Hant-TW` → `zh-Hant-TW`, `zh-Hant`, `zh`.
 * Extensions of the request (`en-GB-u-ca-gregory`) are ignored. An invalid or missing tag gives no
 * tags, so only the template without a locale applies.
 */
export function localeLookupChain(locale: string | undefined): string[] {
  const canonical = locale === undefined ? undefined : canonicalLocale(locale);
  if (canonical === undefined) return [];
  const subtags = new Intl.Locale(canonical).baseName.split('-');
  const chain: string[] = [];
  while (subtags.length > 0) {
    chain.push(subtags.join('-'));
    subtags.pop();
    // A single-letter subtag only introduces the one after it; it never ends a tag.
    while (subtags.length > 0 && (subtags.at(-1) as string).length === 1) subtags.pop();
  }
  return chain.filter((tag) => tag !== 'und');
}
