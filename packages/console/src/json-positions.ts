/**
 * A small JSON parser that remembers where each value sits in the text, so a problem with
 * `templates[3].content` can be shown on the line that holds it, and a syntax error is described in
 * words at its exact place (JSON.parse's messages differ between browsers and name no line).
 */

export interface Span {
  from: number;
  to: number;
}

export type ParseResult =
  | { ok: true; value: unknown; spans: Map<string, Span> }
  | { ok: false; message: string; offset: number };

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseJsonWithPositions(text: string): ParseResult {
  const spans = new Map<string, Span>();
  let index = 0;

  const describe = (at: number) => (at >= text.length ? 'the end of the text' : `"${text[at]}"`);
  const fail = (expected: string): never => {
    throw new JsonSyntaxError(`Expected ${expected} but found ${describe(index)}.`, index);
  };
  const skipSpace = () => {
    while (index < text.length && /\s/.test(text[index] as string)) index++;
  };

  function parseString(): string {
    const start = index;
    index++; // opening quote
    let result = '';
    while (index < text.length) {
      const char = text[index] as string;
      if (char === '"') {
        index++;
        return result;
      }
      if (char === '\n')
        throw new JsonSyntaxError('A text value is not closed with " before the end of the line.', start);
      if (char === '\\') {
        const escaped = text[index + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (escaped !== undefined && escaped in simple) {
          result += simple[escaped];
          index += 2;
          continue;
        }
        if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) {
          result += String.fromCharCode(Number.parseInt(text.slice(index + 2, index + 6), 16));
          index += 6;
          continue;
        }
        throw new JsonSyntaxError('Invalid escape: after \\ use one of " \\ / b f n r t or uXXXX.', index);
      }
      result += char;
      index++;
    }
    throw new JsonSyntaxError('A text value is not closed with ".', start);
  }

  function parseValue(path: string): unknown {
    skipSpace();
    const start = index;
    const char = text[index];
    let value: unknown;
    if (char === '{') {
      index++;
      const object: Record<string, unknown> = {};
      skipSpace();
      if (text[index] === '}') index++;
      else {
        for (;;) {
          skipSpace();
          if (text[index] === '}')
            throw new JsonSyntaxError('A comma before "}" has nothing after it: remove the comma.', index);
          if (text[index] !== '"') fail('a "name" in double quotes');
          const key = parseString();
          skipSpace();
          if (text[index] !== ':') fail(`":" after "${key}"`);
          index++;
          object[key] = parseValue(path ? `${path}.${key}` : key);
          skipSpace();
          if (text[index] === ',') {
            index++;
            continue;
          }
          if (text[index] === '}') {
            index++;
            break;
          }
          fail('"," or "}" after a property (is a comma missing?)');
        }
      }
      value = object;
    } else if (char === '[') {
      index++;
      const array: unknown[] = [];
      skipSpace();
      if (text[index] === ']') index++;
      else {
        for (;;) {
          skipSpace();
          if (text[index] === ']')
            throw new JsonSyntaxError('A comma before "]" has nothing after it: remove the comma.', index);
          array.push(parseValue(path ? `${path}.${array.length}` : String(array.length)));
          skipSpace();
          if (text[index] === ',') {
            index++;
            continue;
          }
          if (text[index] === ']') {
            index++;
            break;
          }
          fail('"," or "]" after an item (is a comma missing?)');
        }
      }
      value = array;
    } else if (char === '"') {
      value = parseString();
    } else if (text.startsWith('true', index)) {
      index += 4;
      value = true;
    } else if (text.startsWith('false', index)) {
      index += 5;
      value = false;
    } else if (text.startsWith('null', index)) {
      index += 4;
      value = null;
    } else {
      const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(index));
      if (!number) fail(char === "'" ? 'a value; JSON text uses double quotes, not single quotes' : 'a value');
      index += (number as RegExpExecArray)[0].length;
      value = Number((number as RegExpExecArray)[0]);
    }
    spans.set(path, { from: start, to: index });
    return value;
  }

  try {
    const value = parseValue('');
    skipSpace();
    if (index < text.length) fail('nothing more after the end of the JSON value');
    return { ok: true, value, spans };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { ok: false, message: error.message, offset: error.offset };
    throw error;
  }
}

/** 1-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < Math.min(offset, text.length); index++) if (text[index] === '\n') line++;
  return line;
}
