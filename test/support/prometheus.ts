/**
 * A strict reader of the Prometheus text format (version 0.0.4), as node_exporter's textfile
 * collector reads it: whatever it would refuse, this throws on, naming the line.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
  help: Map<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]Inf)$/;

export function parsePrometheus(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the exposition does not end with a newline');
  const exposition: Exposition = { samples: [], types: new Map(), help: new Map() };
  const finished = new Set<string>();
  const series = new Set<string>();
  let current: string | undefined;
  for (const [index, line] of text.slice(0, -1).split('\n').entries()) {
    const fail = (why: string): never => {
      throw new Error(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line === '') continue;
    if (line.startsWith('#')) {
      const [, keyword, name, rest] = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line) ?? [];
      if (!keyword) continue;
      if (!NAME.test(name!)) fail('a bad metric name');
      const seen = keyword === 'HELP' ? exposition.help : exposition.types;
      if (seen.has(name!)) fail(`a second ${keyword}`);
      if (keyword === 'TYPE' && !TYPES.has(rest!)) fail('an unknown type');
      if (keyword === 'TYPE' && (finished.has(name!) || current === name)) fail('TYPE after its samples');
      seen.set(name!, rest!);
      continue;
    }
    const sample = readSample(line, fail);
    if (sample.name !== current) {
      if (current !== undefined) finished.add(current);
      if (finished.has(sample.name)) fail('samples of one metric apart');
      current = sample.name;
    }
    if (!exposition.types.has(sample.name)) fail('a sample before its TYPE');
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (series.has(key)) fail('a series twice');
    series.add(key);
    exposition.samples.push(sample);
  }
  return exposition;
}

function readSample(line: string, fail: (why: string) => never): Sample {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  const nameEnd = brace >= 0 && brace < space ? brace : space;
  if (nameEnd <= 0) fail('no value');
  const name = line.slice(0, nameEnd);
  if (!NAME.test(name)) fail('a bad metric name');
  const labels: Record<string, string> = {};
  let at = nameEnd;
  if (line[at] === '{') {
    at++;
    while (line[at] !== '}') {
      const equals = line.indexOf('=', at);
      const label = line.slice(at, equals);
      if (equals < 0 || !LABEL.test(label) || line[equals + 1] !== '"') fail('a bad label');
      if (label in labels) fail(`label ${label} twice`);
      let value = '';
      let i = equals + 2;
      for (; i < line.length && line[i] !== '"'; i++) {
        if (line[i] !== '\\') {
          value += line[i];
          continue;
        }
        const escaped = line[++i];
        if (escaped === 'n') value += '\n';
        else if (escaped === '\\' || escaped === '"') value += escaped;
        else fail('a bad escape');
      }
      if (i >= line.length) fail('an unterminated label value');
      labels[label] = value;
      at = i + 1;
      if (line[at] === ',') at++;
      else if (line[at] !== '}') fail('labels not separated by commas');
    }
    at++;
  }
  const [value, timestamp, ...extra] = line.slice(at).trim().split(/ +/);
  if (
    line[at] !== ' ' ||
    !value ||
    !VALUE.test(value) ||
    extra.length > 0 ||
    (timestamp !== undefined && !/^-?\d+$/.test(timestamp))
  ) {
    fail('a bad value');
  }
  return { name, labels, value: Number(value!.replace('Inf', 'Infinity')) };
}

/** The value of the one sample of `name` whose labels include `labels`. */
export function sampleValue(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = exposition.samples.filter(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
  );
  if (found.length !== 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]!.value;
}
