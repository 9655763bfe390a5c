import { canonicalLocale } from '@passline/connector-kit';

/** More entries than any browser sends; the rest of a longer header is not read. */
const maxEntries = 32;
/** `q=0.8`: 0 to 1 with up to three decimals (RFC 9110, 12.4.2). */
const qValue = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

/**
 * The language a browser asks for first in its `Accept-Language` header, canonical (`pt-br` →
 * `pt-BR`), or `undefined`. Entries are ranked by their q-value (1 when absent; ties keep the
 * header's order); `*`, `q=0` ("not this one"), malformed q-values and tags that are not BCP 47
 * are skipped. The hosted pages' code requests carry no `locale`, so this is how their texts
 * follow the browser's language.
 */
export function preferredLocale(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  let best: { tag: string; q: number } | undefined;
  for (const entry of header.split(',').slice(0, maxEntries)) {
    const [range = '', ...parameters] = entry.split(';').map((part) => part.trim());
    const q = weightOf(parameters);
    if (q === undefined || q === 0 || range === '*') continue;
    const tag = canonicalLocale(range);
    if (tag === undefined) continue;
    // Strictly greater: of equal weights, the one listed first wins.
    if (best === undefined || q > best.q) best = { tag, q };
  }
  return best?.tag;
}

/** An entry's weight: 1 without `q`, `undefined` when its `q` is malformed (the entry is ignored). */
function weightOf(parameters: readonly string[]): number | undefined {
  const q = parameters.find((parameter) => /^q\s*=/i.test(parameter));
  if (q === undefined) return 1;
  const match = qValue.exec(q.replace(/\s+/g, ''));
  return match ? Number(match[1]) : undefined;
}
