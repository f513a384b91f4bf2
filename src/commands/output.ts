/** How the headless commands write: results on stdout, notes and progress on stderr. */

/** Writes a line to stdout. */
export function say(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Writes a line to stderr: notes, warnings and progress that must not mix with --json output. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

/**
 * Prints a value as the one JSON document of a --json command, its keys in snake_case: every
 * command speaks one casing, the run result's (docs/json.md), whatever the engine's types say.
 */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(snakeCased(value), null, 2)}\n`);
}

/** `reachableCommits` → `reachable_commits`, in the type system: what a --json document's reader gets. */
type SnakeKey<K extends string> = K extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeKey<Tail>}`
  : K;

export type SnakeCased<T> = T extends readonly (infer Item)[]
  ? Array<SnakeCased<Item>>
  : T extends object
    ? { [K in keyof T as K extends string ? SnakeKey<K> : K]: SnakeCased<T[K]> }
    : T;

/** A field name in camelCase; a key that is data (a repo name, a step of the profile, a problem kind) is none. */
const CAMEL_FIELD = /^[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*$/;

/** The value as JSON has it (toJSON and dates applied), with every camelCase field name in snake_case. */
export function snakeCased<T>(value: T): SnakeCased<T> {
  const rename = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rename);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, field]) => [
        CAMEL_FIELD.test(key) ? key.replace(/[A-Z]/g, (upper) => `_${upper.toLowerCase()}`) : key,
        rename(field),
      ]),
    );
  };
  return (value === undefined ? value : rename(JSON.parse(JSON.stringify(value)))) as SnakeCased<T>;
}

/** Rows as aligned columns under a header; `right` names the columns aligned right (numbers). */
export function table(header: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `1 commit`, `2 commits`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
