/**
 * Rows of a COPY … TO STDOUT stream, read as bytes: a million rows parse without a string
 * each. The text format splits fields on tabs and rows on newlines (`\N` is NULL; backslash
 * escapes, which ids never contain, are undone only where a field is read as text); the
 * binary format, which a stream announces by its signature, prefixes each field with its
 * length and carries bytea as it is, half the bytes of text's hex.
 */
import type { Readable } from 'node:stream';

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;
const MAX_FIELDS = 16;

const decoder = new TextDecoder();

/** The signature a binary COPY stream starts with. */
const BINARY_SIGNATURE = [80, 71, 67, 79, 80, 89, 10, 255, 13, 10, 0];

/** One row of a COPY stream, valid only during the callback that receives it. */
export class CopyRow {
  buf: Uint8Array = new Uint8Array(0);
  readonly starts = new Int32Array(MAX_FIELDS);
  readonly ends = new Int32Array(MAX_FIELDS);
  fields = 0;
  /** Read from a binary stream: fields are raw bytes, NULL has start -1. */
  binary = false;

  isNull(field: number): boolean {
    const start = this.starts[field]!;
    if (this.binary) return start < 0;
    return this.ends[field]! - start === 2 && this.buf[start] === BACKSLASH && this.buf[start + 1] === 78;
  }

  /** The field as text, escapes undone; null for NULL. */
  text(field: number): string | null {
    if (this.isNull(field)) return null;
    const raw = decoder.decode(this.buf.subarray(this.starts[field]!, this.ends[field]!));
    return !this.binary && raw.includes('\\') ? unescapeField(raw) : raw;
  }

  /** A boolean field. */
  bool(field: number): boolean {
    return this.binary ? this.buf[this.starts[field]!] === 1 : this.buf[this.starts[field]!] === 116;
  }

  /** A whole-number field (bigint, int); NaN for NULL. */
  int(field: number): number {
    if (this.isNull(field)) return Number.NaN;
    if (this.binary) {
      const view = new DataView(
        this.buf.buffer,
        this.buf.byteOffset + this.starts[field]!,
        this.ends[field]! - this.starts[field]!,
      );
      return view.byteLength === 8 ? Number(view.getBigInt64(0)) : view.getInt32(0);
    }
    let value = 0;
    let sign = 1;
    for (let i = this.starts[field]!; i < this.ends[field]!; i++) {
      const c = this.buf[i]!;
      if (c === 45) sign = -1;
      else value = value * 10 + (c - 48);
    }
    return sign * value;
  }

  /** A bytea field as bytes (valid during the callback); null for NULL. */
  bytes(field: number): Uint8Array | null {
    if (this.isNull(field)) return null;
    if (this.binary) return this.buf.subarray(this.starts[field]!, this.ends[field]!);
    let start = this.starts[field]!;
    const end = this.ends[field]!;
    // In COPY text the bytea's own backslash is escaped: `\\x`.
    if (this.buf[start] === BACKSLASH && this.buf[start + 1] === BACKSLASH && this.buf[start + 2] === 120) start += 3;
    else if (this.buf[start] === BACKSLASH && this.buf[start + 1] === 120) start += 2;
    else return Buffer.from(this.text(field)!, 'latin1');
    return Buffer.from(decoder.decode(this.buf.subarray(start, end)), 'hex');
  }
}

/**
 * Calls `onRow` for every row of a COPY … TO STDOUT stream, text or binary; resolves when it ends.
 * A row longer than a chunk (a manifest of a million entries is 93 MB) gathers its chunks in a
 * list and is joined once it can be whole, so reading stays linear in the bytes.
 */
export async function readCopy(stream: Readable, onRow: (row: CopyRow) => void): Promise<void> {
  const row = new CopyRow();
  let chunks: Uint8Array[] = [];
  let length = 0;
  /** Binary: the bytes the unread part must reach before another tuple can be whole. */
  let need = 0;
  let format: 'text' | 'binary' | undefined;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (!format) {
      if (length < BINARY_SIGNATURE.length + 8) continue;
      const start = join(chunks, length);
      format = BINARY_SIGNATURE.every((byte, i) => start[i] === byte) ? 'binary' : 'text';
      const header = BINARY_SIGNATURE.length + 8;
      const skip = format === 'binary' ? header + readInt32(start, header - 4) : 0;
      [chunks, length] = [[start.subarray(skip)], start.length - skip];
    } else if (format === 'binary' ? length < need : chunks.length > 1 && chunk.indexOf(NEWLINE) < 0) {
      continue;
    }
    const buf = join(chunks, length);
    let used: number;
    if (format === 'binary') ({ used, need } = binaryRows(row, buf, onRow));
    else used = textRows(row, buf, onRow);
    [chunks, length] = used < buf.length ? [[buf.subarray(used)], buf.length - used] : [[], 0];
  }
  // A stream shorter than the binary header is text (a binary one is longer: header and trailer).
  if (length > 0 && format !== 'binary') {
    const rest = join(chunks, length);
    const used = textRows(row, rest, onRow);
    if (used < rest.length) {
      split(row, rest, used, rest.length);
      onRow(row);
    }
  }
}

/** Hands over every whole text row of `buf`; returns how many bytes they took. */
function textRows(row: CopyRow, buf: Uint8Array, onRow: (row: CopyRow) => void): number {
  let lineStart = 0;
  for (;;) {
    const lineEnd = buf.indexOf(NEWLINE, lineStart);
    if (lineEnd < 0) return lineStart;
    split(row, buf, lineStart, lineEnd);
    onRow(row);
    lineStart = lineEnd + 1;
  }
}

/**
 * Hands over every whole binary tuple of `buf` (the trailer ends them); returns how many bytes
 * they took, and how many the tuple cut short needs at least (its fields' lengths so far say).
 */
function binaryRows(row: CopyRow, buf: Uint8Array, onRow: (row: CopyRow) => void): { used: number; need: number } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  row.binary = true;
  row.buf = buf;
  let tuple = 0;
  for (;;) {
    if (tuple + 2 > buf.length) return { used: tuple, need: 2 };
    const fields = view.getInt16(tuple);
    if (fields === -1) return { used: buf.length, need: 0 };
    let p = tuple + 2;
    for (let field = 0; field < fields; field++) {
      if (p + 4 > buf.length) return { used: tuple, need: p + 4 - tuple };
      const length = view.getInt32(p);
      p += 4;
      if (length < 0) {
        row.starts[field] = -1;
        row.ends[field] = -1;
        continue;
      }
      if (p + length > buf.length) return { used: tuple, need: p + length - tuple };
      row.starts[field] = p;
      row.ends[field] = p + length;
      p += length;
    }
    row.fields = fields;
    onRow(row);
    tuple = p;
  }
}

function split(row: CopyRow, buf: Uint8Array, start: number, end: number): void {
  row.binary = false;
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

/** The chunks as one buffer: the one chunk itself, or a single copy of them all. */
function join(chunks: Uint8Array[], length: number): Uint8Array {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}

function readInt32(buf: Uint8Array, p: number): number {
  return new DataView(buf.buffer, buf.byteOffset, buf.length).getInt32(p);
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' };

function unescapeField(field: string): string {
  return field.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
}

/** A value as a COPY text field: NULL as `\N`, and backslash, tab and newlines escaped. */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}
