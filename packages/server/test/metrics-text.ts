/**
 * A small parser of the Prometheus text exposition format (version 0.0.4), strict enough that
 * output a scraper would reject fails the test: every line is a comment, a blank line or a sample
 * `name{label="value",...} value`, names and label names are valid, label values are properly
 * escaped, values are numbers, and every sample belongs to a family declared with # TYPE.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
  /** The sum of the samples named `name` whose labels include `labels`. */
  value(name: string, labels?: Record<string, string>): number;
  /** Whether any sample is named `name` (with those labels). */
  has(name: string, labels?: Record<string, string>): boolean;
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const types = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const declared = new Map<string, string>();
  text.split('\n').forEach((line, index) => {
    const where = `line ${index + 1}: ${line}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const [, keyword, name, ...rest] = line.split(' ');
      if (keyword === 'TYPE') {
        if (!name || !metricName.test(name) || !types.has(rest.join(' '))) throw new Error(`bad TYPE, ${where}`);
        if (declared.has(name)) throw new Error(`TYPE declared twice, ${where}`);
        declared.set(name, rest.join(' '));
      } else if (keyword === 'HELP') {
        if (!name || !metricName.test(name)) throw new Error(`bad HELP, ${where}`);
      }
      return;
    }
    samples.push(parseSample(line, where));
  });
  for (const sample of samples) {
    const family = [sample.name, sample.name.replace(/_(bucket|sum|count|total|created)$/, '')];
    if (!family.some((name) => declared.has(name))) throw new Error(`sample without a TYPE: ${sample.name}`);
  }
  const matching = (name: string, labels: Record<string, string> = {}) =>
    samples.filter(
      (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
  return {
    samples,
    types: declared,
    value: (name, labels) => matching(name, labels).reduce((sum, sample) => sum + sample.value, 0),
    has: (name, labels) => matching(name, labels).length > 0,
  };
}

function parseSample(line: string, where: string): Sample {
  const nameEnd = line.search(/[{ ]/);
  if (nameEnd <= 0) throw new Error(`no metric name, ${where}`);
  const name = line.slice(0, nameEnd);
  if (!metricName.test(name)) throw new Error(`bad metric name, ${where}`);
  const labels: Record<string, string> = {};
  let position = nameEnd;
  if (line[position] === '{') {
    position += 1;
    while (line[position] !== '}') {
      const equals = line.indexOf('=', position);
      const key = line.slice(position, equals);
      if (equals < 0 || !labelName.test(key) || line[equals + 1] !== '"') throw new Error(`bad label, ${where}`);
      let value = '';
      position = equals + 2;
      for (;;) {
        const char = line[position];
        if (char === undefined) throw new Error(`unterminated label value, ${where}`);
        if (char === '"') break;
        if (char === '\\') {
          const escaped = line[position + 1];
          if (escaped === 'n') value += '\n';
          else if (escaped === '\\' || escaped === '"') value += escaped;
          else throw new Error(`bad escape in a label value, ${where}`);
          position += 2;
        } else {
          value += char;
          position += 1;
        }
      }
      if (key in labels) throw new Error(`label given twice, ${where}`);
      labels[key] = value;
      position += 1;
      if (line[position] === ',') position += 1;
      else if (line[position] !== '}') throw new Error(`expected , or }, ${where}`);
    }
    position += 1;
  }
  if (line[position] !== ' ') throw new Error(`expected a space before the value, ${where}`);
  const [valueText, timestamp, ...extra] = line.slice(position + 1).split(' ');
  if (extra.length > 0 || (timestamp !== undefined && !/^-?\d+$/.test(timestamp))) {
    throw new Error(`trailing text, ${where}`);
  }
  const value = parseValue(valueText ?? '');
  if (value === undefined) throw new Error(`bad value, ${where}`);
  return { name, labels, value };
}

/** As Prometheus reads values (Go's ParseFloat): NaN and Inf in any case (prom-client writes `Nan`). */
function parseValue(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined;
}
