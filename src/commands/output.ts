/** How the headless commands write: results on stdout, notes and progress on stderr. */

/** Writes a line to stdout. */
export function say(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Writes a line to stderr: notes, warnings and progress that must not mix with --json output. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Prints a value as the one JSON document of a --json command. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Rows as aligned columns under a header; `right` names the columns aligned right (numbers). */
export function table(header: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells
    .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
    .join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `1 commit`, `2 commits`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
