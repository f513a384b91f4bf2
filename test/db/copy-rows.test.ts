/**
 * COPY streams read row by row whatever the chunks: the same rows from any split of the same
 * bytes, text or binary, and a row far longer than a chunk in time linear in its bytes.
 */
import { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCopy, type CopyRow } from '../../src/db/copy-rows.js';

type Row = Array<string | null>;

/** What a socket hands over at a time. */
const CHUNK = 64 * 1024;

/** COPY's text format: tab between fields, newline after each row, `\N` for NULL. */
function textCopy(rows: Row[]): Buffer {
  return Buffer.from(rows.map((row) => `${row.map((field) => field ?? '\\N').join('\t')}\n`).join(''));
}

/** COPY's binary format: signature, flags and extension length, tuples of length-prefixed fields, trailer. */
function binaryCopy(rows: Row[]): Buffer {
  const parts = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count);
    for (const field of row) {
      const length = Buffer.alloc(4);
      length.writeInt32BE(field === null ? -1 : Buffer.byteLength(field));
      parts.push(length, Buffer.from(field ?? ''));
    }
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

/** The rows `readCopy` hands over when `bytes` arrive cut at `cuts`. */
async function read(bytes: Buffer, cuts: number[]): Promise<Row[]> {
  const bounds = [0, ...[...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b), bytes.length];
  const chunks = bounds
    .slice(1)
    .map((end, i) => bytes.subarray(bounds[i], end))
    .filter((chunk) => chunk.length > 0);
  const rows: Row[] = [];
  await readCopy(Readable.from(chunks), (row: CopyRow) =>
    rows.push(Array.from({ length: row.fields }, (_, i) => row.text(i))),
  );
  return rows;
}

describe('readCopy', () => {
  it('hands over the same rows however the stream is cut, text or binary', async () => {
    // Text fields without tabs, newlines or backslashes (COPY escapes those; ids never hold them).
    const field = fc.option(
      fc.string({ maxLength: 300 }).map((text) => text.replace(/[\t\n\r\\]/g, '_')),
      { freq: 8 },
    );
    const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(rows, fc.array(fc.nat(), { maxLength: 40 }), async (expected, cuts) => {
        expect(await read(binaryCopy(expected), cuts)).toEqual(expected);
        // A text row of one empty field is an empty line, which COPY never writes for a row.
        const text = expected.filter((row) => !(row.length === 1 && row[0] === ''));
        expect(await read(textCopy(text), cuts)).toEqual(text);
      }),
      { numRuns: 500 },
    );
  });

  it('reads a row of 32 MiB arriving in 64 KiB chunks in time linear in its bytes', async () => {
    const big = 'x'.repeat(32 * 1024 * 1024);
    for (const format of [binaryCopy, textCopy]) {
      const bytes = format([
        ['id', big],
        ['next', null],
      ]);
      const chunks = Array.from({ length: Math.ceil(bytes.length / CHUNK) }, (_, i) =>
        bytes.subarray(i * CHUNK, (i + 1) * CHUNK),
      );
      // The floor: the stream's chunks, iterated and joined once.
      let started = performance.now();
      const joined: Buffer[] = [];
      for await (const chunk of Readable.from(chunks)) joined.push(chunk as Buffer);
      expect(Buffer.concat(joined).length).toBe(bytes.length);
      const floor = performance.now() - started;
      started = performance.now();
      const lengths: Array<number | null> = [];
      await readCopy(Readable.from(chunks), (row) =>
        lengths.push(row.isNull(1) ? null : row.ends[1]! - row.starts[1]!),
      );
      // Re-copying the partial row on each of the 512 chunks copied 8 GiB: hundreds of times the floor.
      expect(performance.now() - started).toBeLessThan(Math.max(40 * floor, 200));
      expect(lengths).toEqual([big.length, null]);
    }
  });
});
