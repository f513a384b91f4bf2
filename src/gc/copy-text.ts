/**
 * PostgreSQL's COPY text format, read as bytes: a million rows parse without a string
 * each. Fields are split on tabs, rows on newlines; `\N` is NULL, and backslash escapes
 * (which ids never contain) are undone only where a field is read as text.
 */
import type { Readable } from 'node:stream';

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;
const MAX_FIELDS = 16;

const decoder = new TextDecoder();

/** One row of a COPY stream, valid only during the callback that receives it. */
export class CopyRow {
  buf: Uint8Array = new Uint8Array(0);
  readonly starts = new Int32Array(MAX_FIELDS);
  readonly ends = new Int32Array(MAX_FIELDS);
  fields = 0;

  isNull(field: number): boolean {
    const start = this.starts[field]!;
    return this.ends[field]! - start === 2 && this.buf[start] === BACKSLASH && this.buf[start + 1] === 78;
  }

  /** The field as text, escapes undone; null for NULL. */
  text(field: number): string | null {
    if (this.isNull(field)) return null;
    const raw = decoder.decode(this.buf.subarray(this.starts[field]!, this.ends[field]!));
    return raw.includes('\\') ? unescape(raw) : raw;
  }

  /** A boolean field (`t` or `f`). */
  bool(field: number): boolean {
    return this.buf[this.starts[field]!] === 116;
  }

  /** A whole-number field (bigint, int); NaN for NULL. */
  int(field: number): number {
    if (this.isNull(field)) return Number.NaN;
    let value = 0;
    let sign = 1;
    for (let i = this.starts[field]!; i < this.ends[field]!; i++) {
      const c = this.buf[i]!;
      if (c === 45) sign = -1;
      else value = value * 10 + (c - 48);
    }
    return sign * value;
  }

  /** A bytea field (`\\x0a1b…`) as bytes; null for NULL. */
  bytes(field: number): Uint8Array | null {
    if (this.isNull(field)) return null;
    let start = this.starts[field]!;
    const end = this.ends[field]!;
    // In COPY text the bytea's own backslash is escaped: `\\x`.
    if (this.buf[start] === BACKSLASH && this.buf[start + 1] === BACKSLASH && this.buf[start + 2] === 120) start += 3;
    else if (this.buf[start] === BACKSLASH && this.buf[start + 1] === 120) start += 2;
    else return Buffer.from(this.text(field)!, 'latin1');
    return Buffer.from(decoder.decode(this.buf.subarray(start, end)), 'hex');
  }
}

/** Calls `onRow` for every row of a COPY … TO STDOUT stream; resolves when it ends. */
export async function readCopy(stream: Readable, onRow: (row: CopyRow) => void): Promise<void> {
  const row = new CopyRow();
  let rest: Uint8Array | undefined;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf: Uint8Array = rest ? concat(rest, chunk) : chunk;
    let lineStart = 0;
    for (;;) {
      const lineEnd = buf.indexOf(NEWLINE, lineStart);
      if (lineEnd < 0) break;
      split(row, buf, lineStart, lineEnd);
      onRow(row);
      lineStart = lineEnd + 1;
    }
    rest = lineStart < buf.length ? buf.slice(lineStart) : undefined;
  }
  if (rest) {
    split(row, rest, 0, rest.length);
    onRow(row);
  }
}

function split(row: CopyRow, buf: Uint8Array, start: number, end: number): void {
  row.buf = buf;
  row.fields = 0;
  let fieldStart = start;
  for (;;) {
    const tab = buf.indexOf(TAB, fieldStart);
    const fieldEnd = tab < 0 || tab > end ? end : tab;
    row.starts[row.fields] = fieldStart;
    row.ends[row.fields] = fieldEnd;
    row.fields++;
    if (fieldEnd === end || row.fields === MAX_FIELDS) return;
    fieldStart = fieldEnd + 1;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' };

function unescape(field: string): string {
  return field.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
}

/** A value as a COPY text field: NULL as `\N`, and backslash, tab and newlines escaped. */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}
