/** A piece of provider text: words, or a web address found in them. */
export type TextPart = { text: string } | { url: string };

// Only http(s) addresses become links: a provider's text is not trusted to choose the scheme.
const addressPattern = /https?:\/\/[^\s<>"'“”‘’]+/gi;
// Sentence punctuation after an address belongs to the sentence ("…see https://x/errors/1.").
const trailingPunctuation = /[.,;:!?)\]}]+$/;

/** Splits text into plain parts and http(s) addresses, so the addresses can be rendered as links. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let rest = 0;
  for (const match of text.matchAll(addressPattern)) {
    const address = match[0].replace(trailingPunctuation, '');
    const start = match.index;
    if (!isWebAddress(address)) continue;
    if (start > rest) parts.push({ text: text.slice(rest, start) });
    parts.push({ url: address });
    rest = start + address.length;
  }
  if (rest < text.length) parts.push({ text: text.slice(rest) });
  return parts;
}

export function isWebAddress(address: string): boolean {
  try {
    const url = new URL(address);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}
