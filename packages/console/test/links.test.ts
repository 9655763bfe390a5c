import { describe, expect, it } from 'vitest';
import { splitLinks } from '../src/links.ts';

describe('splitLinks', () => {
  it('finds http(s) addresses in provider text, without the sentence punctuation after them', () => {
    expect(
      splitLinks(
        'Twilio said: "Attempt to send to unsubscribed recipient". Details: https://www.twilio.com/docs/errors/21610',
      ),
    ).toEqual([
      { text: 'Twilio said: "Attempt to send to unsubscribed recipient". Details: ' },
      { url: 'https://www.twilio.com/docs/errors/21610' },
    ]);
    expect(splitLinks('See http://example.test/a?b=1 (or https://example.test/c).')).toEqual([
      { text: 'See ' },
      { url: 'http://example.test/a?b=1' },
      { text: ' (or ' },
      { url: 'https://example.test/c' },
      { text: ').' },
    ]);
  });

  it('never turns other schemes into links', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'see ftp://x.test/file', 'https://']) {
      expect(splitLinks(text).every((part) => 'text' in part)).toBe(true);
    }
    expect(splitLinks('')).toEqual([]);
  });
});
