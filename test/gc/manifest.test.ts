/**
 * Manifests are read strictly (docs/manifests.md): the decoder against a reference built on
 * msgpackr, on manifests msgpackr packed and on thousands of their mutations; and each way a
 * manifest can be wrong, refused with its reason.
 */
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { pack, Unpackr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { isObjectId } from '../../src/gc/ids.js';
import { readManifest, visitManifestObjects } from '../../src/gc/manifest.js';

type Entry = [path: string, objectId: string];

const id = (digit: string) => `sha256:${digit.repeat(64)}`;
const [A, B] = [id('a'), id('b')];

/** A map header of `count` entries, as narrow as allowed or as wide as asked. */
function mapHeader(count: number, width: 'fix' | 16 | 32 = count < 16 ? 'fix' : count < 65536 ? 16 : 32): Buffer {
  if (width === 'fix') return Buffer.from([0x80 | count]);
  const header = Buffer.alloc(width === 16 ? 3 : 5);
  header[0] = width === 16 ? 0xde : 0xdf;
  if (width === 16) header.writeUInt16BE(count, 1);
  else header.writeUInt32BE(count, 1);
  return header;
}

/** A str header then the text, in the width asked (msgpackr always picks the narrowest). */
function str(text: string, width: 'fix' | 8 | 16 | 32): Buffer {
  const bytes = Buffer.from(text);
  const size = { fix: 0, 8: 1, 16: 2, 32: 4 }[width];
  const header = Buffer.alloc(1 + size);
  header[0] = { fix: 0xa0 | bytes.length, 8: 0xd9, 16: 0xda, 32: 0xdb }[width];
  if (size > 0) header.writeUIntBE(bytes.length, 1, size);
  return Buffer.concat([header, bytes]);
}

/** A manifest from already-encoded keys and values: how mutations build what msgpackr would not write. */
function manifestOf(pairs: Array<[key: Uint8Array, value: Uint8Array]>, width?: 'fix' | 16 | 32): Buffer {
  return Buffer.concat([mapHeader(pairs.length, width), ...pairs.flat()]);
}

const unpackr = new Unpackr({ mapsAsObjects: false, useRecords: false });

/** The start and end of the text of the str at `p`, read plainly; undefined when no str starts there. */
function strText(bytes: Uint8Array, p: number): { start: number; end: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = bytes[p];
  let start: number;
  let length: number;
  if (head === undefined) return undefined;
  if (head >= 0xa0 && head <= 0xbf) [start, length] = [p + 1, head - 0xa0];
  else if (head === 0xd9 && p + 2 <= bytes.length) [start, length] = [p + 2, view.getUint8(p + 1)];
  else if (head === 0xda && p + 3 <= bytes.length) [start, length] = [p + 3, view.getUint16(p + 1)];
  else if (head === 0xdb && p + 5 <= bytes.length) [start, length] = [p + 5, view.getUint32(p + 1)];
  else return undefined;
  return start + length <= bytes.length ? { start, end: start + length } : undefined;
}

/**
 * The reference: msgpackr decodes (it throws on malformed bytes and on bytes after the value),
 * into a Map so that keys keep their types. msgpackr keeps the last of duplicate keys, so the
 * header's count must equal the Map's size; it replaces invalid UTF-8 with U+FFFD, and would
 * accept a key or value that an extension decodes to a string, so each key and value must be
 * written as a str holding exactly its own UTF-8.
 */
function reference(bytes: Uint8Array): Map<string, string> | undefined {
  let decoded: unknown;
  try {
    decoded = unpackr.unpack(bytes);
  } catch {
    return undefined;
  }
  if (!(decoded instanceof Map)) return undefined;
  const head = bytes[0]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [count, headerLength] =
    head === 0xde ? [view.getUint16(1), 3] : head === 0xdf ? [view.getUint32(1), 5] : [head & 0x0f, 1];
  if (decoded.size !== count) return undefined;
  let p = headerLength;
  for (const [key, value] of decoded as Map<unknown, unknown>) {
    if (typeof key !== 'string' || !isObjectId(value)) return undefined;
    for (const text of [key, value]) {
      const at = strText(bytes, p);
      if (!at || !Buffer.from(text).equals(bytes.subarray(at.start, at.end))) return undefined;
      p = at.end;
    }
  }
  return decoded as Map<string, string>;
}

/** What the engine's two readers make of `bytes`: the entries, or the problem; they must agree. */
function decode(bytes: Uint8Array): Entry[] | undefined {
  const reading = readManifest(bytes);
  const visited: string[] = [];
  const problem = visitManifestObjects(bytes, (text, start, end) =>
    visited.push(Buffer.from(text.subarray(start, end)).toString('latin1')),
  );
  if (!reading.ok) {
    expect(problem).toBe(reading.problem);
    expect(visited).toEqual([]);
    return undefined;
  }
  expect(problem).toBeUndefined();
  expect(visited).toEqual(reading.entries.map(([, objectId]) => objectId));
  return reading.entries;
}

describe('the strict manifest decoder', () => {
  it('reads what msgpackr packs: objects, Maps, every header width, unicode paths, the empty map', () => {
    const entries: Entry[] = [
      ['bass.mid', A],
      ['drums/kick.wav', B],
      ['ünïcødé/路径/🎹.mid', id('c')],
    ];
    expect(decode(pack(Object.fromEntries(entries)))).toEqual(entries);
    expect(decode(pack(new Map(entries)))).toEqual(entries);
    const wide = manifestOf(
      entries.map(([path, objectId]) => [str(path, 32), str(objectId, 16)]),
      32,
    );
    expect(decode(wide)).toEqual(entries);
    const many = Array.from({ length: 70_000 }, (_, i): Entry => [`tracks/${i}.mid`, i % 2 ? A : B]);
    expect(decode(pack(new Map(many)))).toEqual(many);
    expect(decode(pack({}))).toEqual([]);
  });

  it('refuses keys that collide once stringified: {1: A, "1": B} and {nil: A, "null": B}', () => {
    // The manifests of issue 15: msgpackr's default decoding made objects of them, one entry each.
    const intKey = manifestOf([
      [pack(1), pack(A)],
      [pack('1'), pack(B)],
    ]);
    const nilKey = manifestOf([
      [pack(null), pack(A)],
      [pack('null'), pack(B)],
    ]);
    expect(readManifest(intKey)).toEqual({
      ok: false,
      problem: 'manifest has a key that is an integer, not a path (entry 1)',
    });
    expect(readManifest(nilKey)).toEqual({
      ok: false,
      problem: 'manifest has a key that is nil, not a path (entry 1)',
    });
    for (const key of [true, 1.5, Buffer.from('a'), ['a'], { a: 1 }, -3, 2 ** 40]) {
      expect(decode(manifestOf([[pack(key), pack(A)]]))).toBeUndefined();
    }
  });

  it('refuses a path written twice, in the same or another str width', () => {
    expect(
      readManifest(
        manifestOf([
          [pack('a.mid'), pack(A)],
          [pack('a.mid'), pack(B)],
        ]),
      ),
    ).toEqual({ ok: false, problem: 'manifest has the path "a.mid" twice' });
    expect(
      decode(
        manifestOf([
          [str('a.mid', 'fix'), pack(A)],
          [str('a.mid', 16), pack(A)],
        ]),
      ),
    ).toBeUndefined();
  });

  it('refuses trailing bytes, nesting, a bad id, invalid UTF-8 and a count the bytes cannot hold', () => {
    expect(readManifest(Buffer.concat([pack({ 'a.mid': A }), Buffer.from([0xc0])]))).toEqual({
      ok: false,
      problem: 'manifest does not decode (1 bytes follow its map)',
    });
    expect(readManifest(pack({ dir: { 'a.mid': A } }))).toEqual({
      ok: false,
      problem: 'manifest names an invalid object id at "dir"',
    });
    expect(readManifest(pack({ 'a.mid': A.toUpperCase() }))).toMatchObject({ ok: false, problem: /invalid object id/ });
    expect(readManifest(manifestOf([[Buffer.from([0xa2, 0xc3, 0x28]), pack(A)]]))).toEqual({
      ok: false,
      problem: 'manifest has a key that is not UTF-8 text (entry 1)',
    });
    expect(readManifest(Buffer.from([0xdf, 0xff, 0xff, 0xff, 0xff, 0xa0]))).toMatchObject({
      ok: false,
      problem: /does not decode \(cut short: 4294967295 entries/,
    });
    expect(readManifest(pack([A]))).toEqual({
      ok: false,
      problem: 'manifest is an array, not a map of path to object id',
    });
    expect(readManifest(new Uint8Array(0))).toEqual({ ok: false, problem: 'manifest does not decode (it is empty)' });
    expect(readManifest(null)).toEqual({ ok: false, problem: 'has no manifest' });
  });

  it('agrees with the reference on thousands of mutations of real manifests', () => {
    const objectId = fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((bytes) => `sha256:${Buffer.from(bytes).toString('hex')}`);
    const path = fc.oneof(
      fc.stringMatching(/^[a-z]{1,8}(\/[a-z0-9_-]{1,12}){0,3}\.(mid|wav)$/),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({ minLength: 30, maxLength: 300 }),
      fc.constantFrom('1', 'null', 'true', ''),
    );
    const entries = fc.uniqueArray(fc.tuple(path, objectId), { selector: ([key]) => key, maxLength: 24 });
    /** How msgpackr writes a manifest, or the same entries in wider (valid) headers. */
    const encoding = fc.constantFrom('object', 'map', 'wide');
    const keyOfAnotherType = fc.oneof(
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
      fc.double(),
      fc.string().map((text) => Buffer.from(text)),
      fc.string().map((text) => [text]),
    );
    const structural = fc.oneof(
      fc.record({
        kind: fc.constant('duplicate' as const),
        entry: fc.nat(),
        value: objectId,
        width: fc.constantFrom<'fix' | 8 | 16 | 32>(8, 16, 32),
      }),
      fc.record({ kind: fc.constant('key type' as const), entry: fc.nat(), key: keyOfAnotherType }),
      fc.record({ kind: fc.constant('numeric twin' as const), entry: fc.nat() }),
    );
    const byteMutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
    );
    const seen = { accepted: 0, refused: 0 };
    // Half the manifests get a structural change (which must be refused), most get byte mutations.

    const changes = fc.option(structural, { freq: 2 });
    fc.assert(
      fc.property(
        entries,
        encoding,
        changes,
        fc.array(byteMutation, { maxLength: 3 }),
        (manifest, how, change, mutations) => {
          const pairs = manifest.map(([key, value]): [Uint8Array, Uint8Array] => [pack(key), pack(value)]);
          if (change && pairs.length > 0) {
            const i = change.entry % pairs.length;
            const [key] = manifest[i]!;
            if (change.kind === 'duplicate') {
              pairs.splice(change.entry % (pairs.length + 1), 0, [str(key, change.width), pack(change.value)]);
            } else if (change.kind === 'key type') pairs[i] = [pack(change.key), pairs[i]![1]];
            else {
              const twin = Number.isNaN(Number(key)) ? null : Number(key);
              pairs.splice(i, 0, [pack(twin), pack(manifest[(i + 1) % manifest.length]![1])]);
            }
          }
          let bytes: Buffer = change
            ? manifestOf(pairs)
            : how === 'object'
              ? pack(Object.fromEntries(manifest))
              : how === 'map'
                ? pack(new Map(manifest))
                : manifestOf(
                    manifest.map(([key, value]) => [str(key, 32), str(value, 16)]),
                    32,
                  );
          if (change && pairs.length > 0 && mutations.length === 0) expect(reference(bytes)).toBeUndefined();
          for (const mutation of mutations) {
            const at = 'at' in mutation ? mutation.at % (bytes.length + 1) : 0;
            if (mutation.kind === 'flip' && at < bytes.length) bytes[at]! ^= 1 << mutation.bit;
            else if (mutation.kind === 'set' && at < bytes.length) bytes[at] = mutation.byte;
            else if (mutation.kind === 'insert') {
              bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([mutation.byte]), bytes.subarray(at)]);
            } else if (mutation.kind === 'delete')
              bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
            else if (mutation.kind === 'truncate') bytes = bytes.subarray(0, at);
            else if (mutation.kind === 'append') bytes = Buffer.concat([bytes, mutation.bytes]);
          }
          const expected = reference(bytes);
          const actual = decode(bytes);
          if (expected === undefined) {
            expect(actual).toBeUndefined();
            seen.refused++;
          } else {
            expect(actual).toEqual([...expected]);
            seen.accepted++;
          }
        },
      ),
      { numRuns: 5000 },
    );
    // Both outcomes are exercised, many times each.
    expect(seen.accepted).toBeGreaterThan(500);
    expect(seen.refused).toBeGreaterThan(2000);
  });
});
