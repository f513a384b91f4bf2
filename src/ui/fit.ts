/** Fitting text into the console's columns. */

/** Text cut to `width` columns (with an ellipsis) and padded to it. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = [...text];
  const cut = chars.length > width ? `${chars.slice(0, Math.max(0, width - 1)).join('')}…` : text;
  return align === 'left' ? cut.padEnd(width) : cut.padStart(width);
}

/** Text cut at its start to `width` columns (`…cache/musehub-gc`): the end of a path says the most. */
export function fitStart(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 0 ? '' : `…${chars.slice(chars.length - width + 1).join('')}`;
}

/** Text broken into lines of at most `width` columns, between words where it can be (a longer word is cut); spaces it does not break at stay. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line: string | null = null;
  for (const word of text.split(' ')) {
    const joined: string = line === null ? word : `${line} ${word}`;
    if ([...joined].length <= width) {
      line = joined;
      continue;
    }
    if (line !== null && line !== '') lines.push(line);
    line = word;
    while ([...line].length > width && width > 0) {
      lines.push([...line].slice(0, width).join(''));
      line = [...line].slice(width).join('');
    }
  }
  if ((line !== null && line !== '') || lines.length === 0) lines.push(line ?? '');
  return lines;
}

/** Text wrapped to `width` columns after an indent, the lines after the first under the first's text. */
export function wrapIndented(text: string, width: number, indent: string): string[] {
  const inner = Math.max(1, width - [...indent].length);
  return wrapText(text, inner).map((line) => `${indent}${line}`);
}

/** Hints, whole, as many as fit in `width` (two spaces between): a hint cut in the middle says nothing. */
export function fitWhole(parts: readonly string[], width: number, separator = '  '): string {
  let joined = '';
  for (const part of parts) {
    const next = joined === '' ? part : `${joined}${separator}${part}`;
    if ([...next].length > width) break;
    joined = next;
  }
  return joined;
}
